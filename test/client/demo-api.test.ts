/**
 * The client against the demo API (Express 5) over real HTTP: success,
 * validation errors, versions, batches, and the retries of 429, 503 and 504.
 */
import express from 'express';
import { SteadyWindowStore } from '../support/steady-store.js';
import { type ErrorReporter } from 'kompliant-envelope';
import { maintenanceSwitch } from 'kompliant-envelope/maintenance';
import { createApp, type DemoOptions } from '../../examples/accounts/app.js';
import { createClient, isEnvelopeError, EnvelopeError, type ClientOptions } from 'kompliant-envelope/client';
import { createClientWith } from '../../src/client/client.js';
import type { ClientHooks } from '../../src/client/options.js';
import { listen, recordingFetch, recordingSleep, rejectionOf, type Running } from './support.js';

interface Account {
  id: string;
  name: string;
  email: string;
}


const quiet: ErrorReporter = () => {};
const running: Running[] = [];

async function demo(options: DemoOptions = {}): Promise<string> {
  const server = await listen(createApp(express, { onError: quiet, ...options }));
  running.push(server);
  return server.baseUrl;
}

/** A client of a demo app made with `options`; `hooks` replace the client's wait, clock or jitter. */
async function clientFor(options: DemoOptions, clientOptions: Omit<ClientOptions, 'baseUrl'> = {}, hooks: ClientHooks = {}) {
  const recorded = recordingFetch();
  const baseUrl = await demo(options);
  return { api: createClientWith({ baseUrl, fetch: recorded.fetch, ...clientOptions }, hooks), sent: recorded.sent };
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

describe('client against the demo API', () => {
  it('unwraps a SUCCESS envelope and sends Accept, no version and no body headers on a GET', async () => {
    const { api, sent } = await clientFor({});
    const res = await api.get<Account>('/accounts/acc_1');
    expect(res.status).toBe(200);
    expect(res.ok).toBe(true);
    expect(res.traceId).toBe(res.headers.get('X-Trace-Id'));
    expect(res.version).toBe('2025-06-01');
    expect(res.warnings).toEqual([]);
    expect(res.unwrap()).toEqual({ id: 'acc_1', name: 'Ada Lovelace', email: 'ada@example.com' });
    expect(await api.get<Account[]>('/accounts').then((r) => r.unwrap().map((a) => a.id))).toEqual(['acc_1', 'acc_2', 'acc_3']);

    const [first] = sent;
    expect(first?.method).toBe('GET');
    expect(first?.headers.get('Accept')).toBe('application/json');
    expect(first?.headers.get('X-API-Version')).toBeNull();
    expect(first?.headers.get('Content-Type')).toBeNull();
    expect(first?.body).toBeUndefined();
  });

  it('sends the body as JSON and the query string, and unwraps what POST /accounts created', async () => {
    const { api, sent } = await clientFor({});
    const created = (await api.post('/accounts', { body: { name: 'Lin Yu', email: 'lin@example.com' } })).unwrap<Account>();
    expect(created).toEqual({ id: 'acc_4', name: 'Lin Yu', email: 'lin@example.com' });
    expect(sent[0]?.headers.get('Content-Type')).toBe('application/json');
    expect(sent[0]?.body).toBe('{"name":"Lin Yu","email":"lin@example.com"}');

    const found = (await api.get('/accounts/search', { query: { q: 'LIN', unused: undefined } })).unwrap<Account[]>();
    expect(found.map((a) => a.id)).toEqual(['acc_4']);
    expect(sent[1]?.url).toMatch(/\/accounts\/search\?q=LIN$/);
  });

  it('throws an EnvelopeError for a 400 validation error, with the errors and the X-Trace-Id of the answer', async () => {
    const { api } = await clientFor({});
    const res = await api.post('/accounts', { body: { name: '', email: 'x' } });
    expect(res.status).toBe(400);
    expect(res.ok).toBe(false);
    const traceId = res.headers.get('X-Trace-Id');
    expect(traceId).toEqual(expect.any(String));

    const error = (() => {
      try {
        res.unwrap<Account>();
      } catch (thrown) {
        return thrown;
      }
      throw new Error('unwrap() did not throw');
    })();
    expect(error).toBeInstanceOf(EnvelopeError);
    expect(isEnvelopeError(error)).toBe(true);
    const envelopeError = error as EnvelopeError;
    expect(envelopeError.status).toBe(400);
    expect(envelopeError.code).toBe('VALIDATION_ERROR');
    expect(envelopeError.traceId).toBe(traceId);
    expect(envelopeError.version).toBe('2025-06-01');
    expect(envelopeError.errors).toEqual([
      { code: 'VALIDATION_ERROR', message: 'The name is required and must be a non-empty string.', field: 'name' },
      { code: 'VALIDATION_ERROR', message: 'The email is required and must contain "@".', field: 'email' },
    ]);
    expect(envelopeError.message).toBe(
      `VALIDATION_ERROR: The name is required and must be a non-empty string. (+1 more) [HTTP 400 from POST /accounts, trace_id ${traceId}]`,
    );
    expect(envelopeError.warnings).toBeUndefined();
    expect(res.error?.errors).toEqual(envelopeError.errors);
  });

  it('sends X-API-Version, and the answer is made by that version, with its deprecation warning', async () => {
    const { api, sent } = await clientFor({}, { version: '2024-01-01' });
    const res = await api.get<Account & { fax: string }>('/accounts/acc_1');
    expect(sent[0]?.headers.get('X-API-Version')).toBe('2024-01-01');
    expect(res.version).toBe('2024-01-01');
    expect(res.envelope.meta.version).toBe('2024-01-01');
    expect(res.warnings.map((w) => w.code)).toEqual(['API_VERSION_DEPRECATED', 'FIELD_DEPRECATED']);
    expect(res.unwrap().fax).toEqual(expect.any(String));
    expect(res.headers.get('Deprecation')).toMatch(/^@\d+$/);

    // A request's own header wins over the client's.
    const latest = await api.get('/accounts/acc_1/summary', { headers: { 'X-API-Version': '2025-06-01' } });
    expect(latest.version).toBe('2025-06-01');
    expect(latest.unwrap()).toEqual({ id: 'acc_1', display_name: 'Ada Lovelace', contact: { email: 'ada@example.com' } });

    const unknown = createClient({ baseUrl: (sent[0]?.url ?? '').replace(/\/accounts.*$/, ''), version: '1999-01-01' });
    const refused = await unknown.get('/accounts');
    expect(refused.status).toBe(400);
    expect(() => refused.unwrap()).toThrow(/^UNSUPPORTED_API_VERSION: /);
  });

  it('splits a batch into successes and failures, with the request echo and item index', async () => {
    const { api } = await clientFor({});
    const res = await api.post('/accounts/batch', {
      body: [
        { name: 'Lin Yu', email: 'lin@example.com' },
        { name: '', email: 'x' },
        { name: 'Ada again', email: 'ada@example.com' },
        { name: 'Kai', email: 'kai@example.com' },
      ],
    });
    expect(res.status).toBe(200);
    const { successes, failures } = res.unwrapBatch<Account, { email: string | null }>();
    expect(successes).toEqual([
      { index: 0, request: { email: 'lin@example.com' }, data: { id: 'acc_4', name: 'Lin Yu', email: 'lin@example.com' } },
      { index: 3, request: { email: 'kai@example.com' }, data: { id: 'acc_5', name: 'Kai', email: 'kai@example.com' } },
    ]);
    expect(failures.map((f) => [f.index, f.request.email, f.errors.map((e) => e.code)])).toEqual([
      [1, 'x', ['VALIDATION_ERROR', 'VALIDATION_ERROR']],
      [2, 'ada@example.com', ['EMAIL_TAKEN']],
    ]);

    // unwrap() on a batch is a caller mistake, said so.
    expect(() => res.unwrap()).toThrow(/^UNEXPECTED_ENVELOPE: .*call unwrapBatch\(\)/);
    // unwrapBatch() on a regular answer too; on a refused batch, the batch's own error.
    const health = await api.get('/health');
    expect(() => health.unwrapBatch()).toThrow(/^UNEXPECTED_ENVELOPE: .*call unwrap\(\)/);
    const refused = await api.post('/accounts/batch', { body: { not: 'an array' } });
    expect(() => refused.unwrapBatch()).toThrow(/^VALIDATION_ERROR: The request body must be a JSON array/);
  });

  describe('429 from the throttled GET /accounts/search', () => {
    it('waits the Retry-After, then retries and succeeds', async () => {
      const store = new SteadyWindowStore();
      const { sleep, waits } = recordingSleep(() => store.reset());
      const { api, sent } = await clientFor({ searchRateLimit: { store, limit: 1, windowMs: 3000 } }, {}, { sleep });
      expect((await api.get('/accounts/search', { query: { q: 'ada' } })).status).toBe(200);
      const res = await api.get<Account[]>('/accounts/search', { query: { q: 'ada' } });
      expect(res.status).toBe(200);
      expect(res.unwrap().map((a) => a.id)).toEqual(['acc_1']);
      expect(sent).toHaveLength(3);
      // Retry-After: 3 (seconds), the window's rest, waited exactly; no jitter on a server's request.
      expect(waits).toEqual([3000]);
    });

    it('does not retry when Retry-After is longer than maxDelayMs: the 429 comes back at once', async () => {
      const store = new SteadyWindowStore();
      const { sleep, waits } = recordingSleep();
      // The demo's 10 s window: Retry-After 10 > the default maxDelayMs of 5000.
      const { api, sent } = await clientFor({ searchRateLimit: { store, limit: 1 } }, {}, { sleep });
      await api.get('/accounts/search', { query: { q: 'ada' } });
      const res = await api.get('/accounts/search', { query: { q: 'ada' } });
      expect(res.status).toBe(429);
      expect(res.headers.get('Retry-After')).toBe('10');
      expect(sent).toHaveLength(2);
      expect(waits).toEqual([]);
      expect(() => res.unwrap()).toThrow(
        expect.objectContaining({
          status: 429,
          traceId: res.traceId,
          errors: [expect.objectContaining({ code: 'TOO_MANY_REQUESTS', retry_after_seconds: 10 })],
        }),
      );
    });

    it('retries at most `retries` times, then answers the last 429', async () => {
      const store = new SteadyWindowStore();
      const { sleep, waits } = recordingSleep();
      const { api, sent } = await clientFor(
        { searchRateLimit: { store, limit: 1, windowMs: 1000 } },
        { retry: { retries: 3 } },
        { sleep },
      );
      await api.get('/accounts/search', { query: { q: 'ada' } });
      const res = await api.get('/accounts/search', { query: { q: 'ada' } });
      expect(res.status).toBe(429);
      expect(sent).toHaveLength(1 + 1 + 3);
      expect(waits).toEqual([1000, 1000, 1000]);
    });
  });

  describe('503 from the maintenance switch (Retry-After: 300)', () => {
    it('does not wait 300 s by default: one call, the EnvelopeError at once', async () => {
      const sw = maintenanceSwitch();
      sw.on();
      const { sleep, waits } = recordingSleep();
      const { api, sent } = await clientFor({ maintenance: sw }, {}, { sleep });
      const error = await rejectionOf(api.get('/accounts').then((r) => r.unwrap()));
      expect(error).toMatchObject({ name: 'EnvelopeError', status: 503, code: 'SERVICE_UNAVAILABLE' });
      expect(sent).toHaveLength(1);
      expect(waits).toEqual([]);
    });

    it('waits the 300 s when maxDelayMs allows it, and gets the answer once maintenance is over', async () => {
      const sw = maintenanceSwitch();
      sw.on();
      const { sleep, waits } = recordingSleep(() => sw.off());
      const { api, sent } = await clientFor({ maintenance: sw }, { retry: { maxDelayMs: 300_000 } }, { sleep });
      const accounts = await api.get<Account[]>('/accounts').then((r) => r.unwrap());
      expect(accounts).toHaveLength(3);
      expect(sent).toHaveLength(2);
      expect(waits).toEqual([300_000]);
    });

    it('does not retry a POST unless retry.unsafe is set', async () => {
      const sw = maintenanceSwitch();
      sw.on();
      const { sleep, waits } = recordingSleep(() => sw.off());
      const retry = { maxDelayMs: 300_000 };
      const body = { name: 'Lin Yu', email: 'lin@example.com' };
      const { api, sent } = await clientFor({ maintenance: sw }, { retry }, { sleep });
      expect((await api.post('/accounts', { body })).status).toBe(503);
      expect(sent).toHaveLength(1);
      expect(waits).toEqual([]);

      sw.on();
      const unsafe = await clientFor({ maintenance: sw }, { retry: { ...retry, unsafe: true } }, { sleep });
      expect((await unsafe.api.post('/accounts', { body })).unwrap<Account>().email).toBe('lin@example.com');
      expect(unsafe.sent).toHaveLength(2);
      expect(waits).toEqual([300_000]);
    });

    it('stops waiting when the signal aborts during the wait (real sleep)', async () => {
      const sw = maintenanceSwitch();
      sw.on();
      const { api, sent } = await clientFor({ maintenance: sw }, { retry: { maxDelayMs: 300_000 } });
      const controller = new AbortController();
      const started = Date.now();
      setTimeout(() => controller.abort(new Error('user left')), 50);
      const error = await rejectionOf(api.get('/accounts', { signal: controller.signal }));
      expect(error).toMatchObject({ name: 'EnvelopeError', status: 0, code: 'REQUEST_ABORTED' });
      expect((error as Error).cause).toEqual(new Error('user left'));
      expect(sent).toHaveLength(1);
      expect(Date.now() - started).toBeLessThan(5000);
    });
  });

  describe('504 from the slow GET /reports/monthly', () => {
    it('retries with full-jitter exponential backoff (no Retry-After), then throws GATEWAY_TIMEOUT', async () => {
      const { sleep, waits } = recordingSleep();
      const { api, sent } = await clientFor({ reportTimeoutMs: 30 }, { retry: { baseDelayMs: 100 } }, { sleep, random: () => 0.5 });
      const res = await api.get('/reports/monthly', { query: { delay: 300 } });
      expect(res.status).toBe(504);
      expect(sent).toHaveLength(3);
      // random() × min(maxDelayMs, baseDelayMs × 2^attempt) = 0.5 × 100, 0.5 × 200.
      expect(waits).toEqual([50, 100]);
      expect(() => res.unwrap()).toThrow(/^GATEWAY_TIMEOUT: The request timed out\. Try again later\. \[HTTP 504 from GET \/reports\/monthly, trace_id /);
    });

    it('caps the backoff at maxDelayMs', async () => {
      const { sleep, waits } = recordingSleep();
      const { api } = await clientFor(
        { reportTimeoutMs: 30 },
        { retry: { retries: 4, baseDelayMs: 100, maxDelayMs: 250 } },
        { sleep, random: () => 0.999 },
      );
      await api.get('/reports/monthly', { query: { delay: 300 } });
      expect(waits).toEqual([99, 199, 249, 249]);
    });

    it('fails with CLIENT_TIMEOUT (status 0) when timeoutMs passes first', async () => {
      const { api } = await clientFor({ reportTimeoutMs: 5000 }, { timeoutMs: 50 });
      const error = await rejectionOf(api.get('/reports/monthly', { query: { delay: 1000 } }));
      expect(error).toMatchObject({ name: 'EnvelopeError', status: 0, code: 'CLIENT_TIMEOUT', traceId: undefined });
      expect((error as Error).message).toBe('CLIENT_TIMEOUT: No complete answer within 50 ms. [no HTTP answer from GET /reports/monthly, no trace_id]');
    });

    it('aborts an answer in flight through the signal', async () => {
      const { api } = await clientFor({ reportTimeoutMs: 5000 });
      const error = await rejectionOf(api.get('/reports/monthly', { query: { delay: 1000 }, signal: AbortSignal.timeout(50) }));
      expect(error).toMatchObject({ name: 'EnvelopeError', status: 0, code: 'REQUEST_ABORTED' });

      const aborted = new AbortController();
      aborted.abort();
      const { api: other, sent } = await clientFor({});
      await expect(other.get('/accounts', { signal: aborted.signal })).rejects.toMatchObject({ code: 'REQUEST_ABORTED' });
      expect(sent).toHaveLength(0);
    });
  });
});
