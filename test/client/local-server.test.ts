/**
 * The client against small local servers that answer exactly what a test
 * needs: Retry-After in both forms, gateway pages, broken bodies, closed ports.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createClient, type ClientOptions, type EnvelopeError } from 'kompliant-envelope/client';
import { createClientWith } from '../../src/client/client.js';
import type { ClientHooks } from '../../src/client/options.js';
import { listen, recordingSleep, rejectionOf, type Running } from './support.js';

type Handler = (req: IncomingMessage, res: ServerResponse, call: number) => void;

const TRACE_ID = '0b6f3e0e-3c1a-4f6e-9a52-7d3c2b1a0f99';
const running: Running[] = [];

function envelopeOk(res: ServerResponse, data: unknown): void {
  res.writeHead(200, { 'Content-Type': 'application/json', 'X-Trace-Id': TRACE_ID });
  res.end(JSON.stringify({ meta: { status: 'SUCCESS', trace_id: TRACE_ID, version: '1' }, data }));
}

function envelopeError(res: ServerResponse, status: number, headers: Record<string, string> = {}, extra: object = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'X-Trace-Id': TRACE_ID, ...headers });
  res.end(
    JSON.stringify({
      meta: { status: 'ERROR', trace_id: TRACE_ID, version: '1' },
      errors: [{ code: 'SERVICE_UNAVAILABLE', message: 'Try again later.', ...extra }],
    }),
  );
}

/** Serves `handler`, counting calls (from 1); returns a client on it (`hooks` replace its wait, clock or jitter) and the call count. */
async function serve(handler: Handler, options: Omit<ClientOptions, 'baseUrl'> = {}, hooks: ClientHooks = {}) {
  let calls = 0;
  const server = await listen((req, res) => {
    calls += 1;
    req.resume();
    handler(req, res, calls);
  });
  running.push(server);
  return { api: createClientWith({ baseUrl: server.baseUrl, ...options }, hooks), calls: () => calls, baseUrl: server.baseUrl };
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

describe('retries against a local server', () => {
  it('honours `Retry-After: 1` twice, then returns the 200', async () => {
    const { sleep, waits } = recordingSleep();
    const { api, calls } = await serve((_req, res, call) => (call <= 2 ? envelopeError(res, 503, { 'Retry-After': '1' }) : envelopeOk(res, { n: call })), {}, {
      sleep,
    });
    const res = await api.get<{ n: number }>('/thing');
    expect(res.unwrap()).toEqual({ n: 3 });
    expect(calls()).toBe(3);
    expect(waits).toEqual([1000, 1000]);
  });

  it('reads an HTTP-date Retry-After against the clock', async () => {
    const now = Date.UTC(2030, 0, 1, 12, 0, 0);
    const { sleep, waits } = recordingSleep();
    const { api, calls } = await serve(
      (_req, res, call) => (call === 1 ? envelopeError(res, 429, { 'Retry-After': new Date(now + 2000).toUTCString() }) : envelopeOk(res, {})),
      {},
      { sleep, now: () => now },
    );
    expect((await api.get('/thing')).status).toBe(200);
    expect(calls()).toBe(2);
    expect(waits).toEqual([2000]);
  });

  it('falls back to the envelope\'s retry_after_seconds when no Retry-After header is visible', async () => {
    const { sleep, waits } = recordingSleep();
    const { api } = await serve(
      (_req, res, call) => (call === 1 ? envelopeError(res, 503, {}, { retry_after_seconds: 2 }) : envelopeOk(res, {})),
      {},
      { sleep },
    );
    expect((await api.get('/thing')).status).toBe(200);
    expect(waits).toEqual([2000]);
  });

  it('uses backoff for an unreadable Retry-After, and does not retry other statuses or with retries: 0', async () => {
    const { sleep, waits } = recordingSleep();
    const flaky = await serve((_req, res, call) => (call === 1 ? envelopeError(res, 503, { 'Retry-After': 'soon' }) : envelopeOk(res, {})), {}, {
      sleep,
      random: () => 0.5,
    });
    expect((await flaky.api.get('/thing')).status).toBe(200);
    expect(waits).toEqual([100]);

    const crash = await serve((_req, res) => envelopeError(res, 500), {}, { sleep });
    expect((await crash.api.get('/thing')).status).toBe(500);
    expect(crash.calls()).toBe(1);

    const off = await serve((_req, res) => envelopeError(res, 503, { 'Retry-After': '1' }), { retry: { retries: 0 } }, { sleep });
    expect((await off.api.put('/thing', { body: {} })).status).toBe(503);
    expect(off.calls()).toBe(1);
    expect(waits).toEqual([100]);
  });

  it('retries PUT and DELETE, not POST or PATCH', async () => {
    const { sleep } = recordingSleep();
    const { api, calls } = await serve((_req, res, call) => (call % 2 === 1 ? envelopeError(res, 503, { 'Retry-After': '0' }) : envelopeOk(res, {})), {}, {
      sleep,
    });
    expect((await api.put('/thing', { body: { a: 1 } })).status).toBe(200);
    expect((await api.delete('/thing')).status).toBe(200);
    expect(calls()).toBe(4);
    expect((await api.post('/thing', { body: { a: 1 } })).status).toBe(503);
    expect((await api.patch('/thing', { body: { a: 1 } })).status).toBe(200);
    expect(calls()).toBe(6);
    expect((await api.patch('/thing', { body: { a: 1 } })).status).toBe(503);
  });
});

describe('answers that are not envelopes become NON_ENVELOPE_RESPONSE', () => {
  it('an HTML 502 page from a gateway, with the trace id of its header', async () => {
    const { api, calls } = await serve((_req, res) => {
      res.writeHead(502, { 'Content-Type': 'text/html', 'X-Trace-Id': TRACE_ID });
      res.end('<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>');
    });
    const error = (await rejectionOf(api.get('/accounts'))) as EnvelopeError;
    expect(error).toMatchObject({ name: 'EnvelopeError', status: 502, traceId: TRACE_ID, version: undefined, code: 'NON_ENVELOPE_RESPONSE' });
    expect(error.errors).toEqual([
      {
        code: 'NON_ENVELOPE_RESPONSE',
        message: 'The HTTP 502 answer is not an envelope: the body is not JSON.',
        http_status: 502,
        content_type: 'text/html',
        body_excerpt: expect.stringContaining('<h1>502 Bad Gateway</h1>'),
      },
    ]);
    expect(error.message).toBe(
      `NON_ENVELOPE_RESPONSE: The HTTP 502 answer is not an envelope: the body is not JSON. [HTTP 502 from GET /accounts, trace_id ${TRACE_ID}]`,
    );
    expect(calls()).toBe(1);
  });

  it('an nginx 413 page, without a trace id', async () => {
    const { api } = await serve((_req, res) => {
      res.writeHead(413, { 'Content-Type': 'text/html' });
      res.end(`<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>${'x'.repeat(500)}</body></html>`);
    });
    const error = (await rejectionOf(api.post('/upload', { body: { big: true } }))) as EnvelopeError;
    expect(error).toMatchObject({ status: 413, traceId: undefined, code: 'NON_ENVELOPE_RESPONSE' });
    expect(String(error.errors[0]?.['body_excerpt'])).toHaveLength(201);
    expect(error.message).toMatch(/\[HTTP 413 from POST \/upload, no trace_id\]$/);
  });

  it('an HTML 503 from a gateway is retried like any 503, then rejected', async () => {
    const { sleep, waits } = recordingSleep();
    const { api, calls } = await serve(
      (_req, res) => {
        res.writeHead(503, { 'Content-Type': 'text/html', 'Retry-After': '1' });
        res.end('<h1>Service Unavailable</h1>');
      },
      {},
      { sleep },
    );
    await expect(api.get('/thing')).rejects.toMatchObject({ status: 503, code: 'NON_ENVELOPE_RESPONSE' });
    expect(calls()).toBe(3);
    expect(waits).toEqual([1000, 1000]);
  });

  it.each([
    ['invalid JSON', 200, 'application/json', '{"meta": {"status": "SUCCESS"', 'the body is not JSON'],
    ['an empty 204', 204, undefined, '', 'the body is empty'],
    ['an empty 200', 200, 'application/json', '', 'the body is empty'],
    ['JSON of another shape', 200, 'application/json', '{"hello":"world"}', 'the JSON body has no valid `meta.status` with `data`, `errors` or `results`'],
    ['an ERROR envelope with no errors', 400, 'application/json', '{"meta":{"status":"ERROR"},"errors":[]}', 'the JSON body has no valid'],
    ['a SUCCESS envelope with HTTP 500', 500, 'application/json', '{"meta":{"status":"SUCCESS"},"data":{}}', 'its meta.status SUCCESS contradicts the HTTP status'],
    ['an ERROR envelope with HTTP 200', 200, 'application/json', '{"meta":{"status":"ERROR"},"errors":[{"code":"X","message":"x"}]}', 'its meta.status ERROR contradicts'],
  ])('%s', async (_name, status, contentType, body, why) => {
    const { api } = await serve((_req, res) => {
      res.writeHead(status, contentType === undefined ? {} : { 'Content-Type': contentType });
      res.end(body);
    });
    const error = (await rejectionOf(api.get('/thing'))) as EnvelopeError;
    expect(error).toMatchObject({ name: 'EnvelopeError', status, code: 'NON_ENVELOPE_RESPONSE' });
    expect(error.errors[0]?.message).toContain(why);
  });

  it('takes the trace id from the header when an infrastructure envelope has none in meta', async () => {
    const { api } = await serve((_req, res) => {
      res.writeHead(503, { 'Content-Type': 'application/json', 'X-Trace-Id': TRACE_ID });
      res.end('{"meta":{"status":"ERROR"},"errors":[{"code":"SERVICE_UNAVAILABLE","message":"Down."}]}');
    }, { retry: { retries: 0 } });
    const res = await api.get('/thing', { headers: { 'X-Test': '1' } });
    expect(res.traceId).toBe(TRACE_ID);
    expect(res.version).toBeUndefined();
    expect(() => res.unwrap()).toThrow(`SERVICE_UNAVAILABLE: Down. [HTTP 503 from GET /thing, trace_id ${TRACE_ID}]`);
  });
});

describe('requests that get no answer', () => {
  it('a refused connection (closed port) is NETWORK_ERROR with status 0, not retried', async () => {
    const closed = await listen(() => {});
    await closed.close();
    const { sleep, waits } = recordingSleep();
    const api = createClientWith({ baseUrl: closed.baseUrl }, { sleep });
    const error = (await rejectionOf(api.get('/accounts'))) as EnvelopeError;
    expect(error).toMatchObject({ name: 'EnvelopeError', status: 0, code: 'NETWORK_ERROR', traceId: undefined });
    expect(error.message).toMatch(/^NETWORK_ERROR: The request failed before a complete answer arrived \(fetch failed: ECONNREFUSED\)\. \[no HTTP answer from GET \/accounts, no trace_id\]$/);
    expect((error.cause as Error).name).toBe('TypeError');
    expect(waits).toEqual([]);
  });

  it('a connection cut mid-answer is NETWORK_ERROR', async () => {
    const { api } = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
      res.write('{"meta":');
      setTimeout(() => res.destroy(), 10);
    });
    await expect(api.get('/thing')).rejects.toMatchObject({ status: 0, code: 'NETWORK_ERROR' });
  });
});

describe('URLs and headers', () => {
  it('appends paths to a base URL with a path, repeats array query values, and merges headers', async () => {
    let seen: IncomingMessage | undefined;
    const { baseUrl } = await serve((req, res) => {
      seen = req;
      envelopeOk(res, {});
    });
    const api = createClient({ baseUrl: `${baseUrl}/api/`, version: '2', headers: { 'X-API-Key': 'k1', 'X-Other': 'o' } });
    await api.request('get', '/items', { query: { tag: ['a', 'b'], n: 1, on: true }, headers: { 'X-API-Key': 'k2' } });
    expect(seen?.method).toBe('GET');
    expect(seen?.url).toBe('/api/items?tag=a&tag=b&n=1&on=true');
    expect(seen?.headers['x-api-key']).toBe('k2');
    expect(seen?.headers['x-other']).toBe('o');
    expect(seen?.headers['x-api-version']).toBe('2');
    expect(seen?.headers['accept']).toBe('application/json');

    await expect(api.get('items')).rejects.toThrow(new TypeError('The request path must be a string starting with "/", got "items".'));
    await expect(api.request('GE T', '/items')).rejects.toThrow(TypeError);
    await expect(api.post('/items', { body: () => 1 })).rejects.toThrow(TypeError);
  });
});
