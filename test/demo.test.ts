/**
 * The demo API (`npm start`) over HTTP, on Express 4 and 5: every route's
 * status, headers and whole body.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { SteadyWindowStore } from './support/steady-store.js';
import request, { type Response } from 'supertest';
import { jest } from '@jest/globals';
import { type ErrorReport, type ErrorReporter, type ResponseReport } from 'kompliant-envelope';
import { maintenanceSwitch } from 'kompliant-envelope/maintenance';
import { TimedOutAnswerError } from 'kompliant-envelope/timeout';
import { checkConformance } from 'kompliant-envelope/testing';
import { CRASH_MESSAGE, accessLogLine, createApp, logAccess, logServerError } from '../examples/accounts/app.js';
import { EXPRESS_VERSIONS, UUID_V4 } from './support/apps.js';
import { DEPRECATION_HEADERS, LATEST, OLDEST, VERSION_DEPRECATED } from './support/demo.js';

/** The challenge `authenticate({ headers: ['X-API-Key'] })` sends by default. */
const WWW_AUTHENTICATE = 'ApiKey header="X-API-Key"';

const SEEDED = [
  { id: 'acc_1', name: 'Ada Lovelace', email: 'ada@example.com' },
  { id: 'acc_2', name: 'Grace Hopper', email: 'grace@example.com' },
  { id: 'acc_3', name: 'Alan Turing', email: 'alan@example.com' },
];

const NO_DEPRECATION_HEADERS = { deprecation: undefined, sunset: undefined, link: undefined };

/** A valid W3C traceparent, as the gateway the demo trusts would send it, and its trace id written as a UUID. */
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const TRACE_ID_OF_TRACEPARENT = '4bf92f35-77b3-4da6-a3ce-929d0e0e4736';

const FAX_DEPRECATED = {
  code: 'FIELD_DEPRECATED',
  message: 'The `fax` field is deprecated and will be removed; use `email`.',
  field: 'fax',
};
const NAME_INVALID = {
  code: 'VALIDATION_ERROR',
  message: 'The name is required and must be a non-empty string.',
  field: 'name',
};
const EMAIL_INVALID = {
  code: 'VALIDATION_ERROR',
  message: 'The email is required and must contain "@".',
  field: 'email',
};
const EMAIL_TAKEN = { code: 'EMAIL_TAKEN', message: 'An account with this email already exists.', field: 'email' };

const TOO_MANY = (retryAfter: number) => ({
  code: 'TOO_MANY_REQUESTS',
  message: 'Too many requests. Slow down and try again later.',
  retry_after_seconds: retryAfter,
});
const IN_MAINTENANCE = {
  code: 'SERVICE_UNAVAILABLE',
  message: 'The service is down for maintenance. Try again later.',
  retry_after_seconds: 300,
};
const DELAY_INVALID = {
  code: 'VALIDATION_ERROR',
  message: 'The delay must be a whole number of milliseconds from 0 to 10000.',
  field: 'delay',
};


/** Waits, at most `ms`, until `condition` holds. */
async function eventually(condition: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition() && Date.now() < deadline) await sleep(10);
}

/** `meta` as every answer carries it; the trace id is random. */
function meta(status: 'SUCCESS' | 'ERROR' | 'BATCH_PROCESSED', version = LATEST, warnings?: unknown[]) {
  return warnings === undefined
    ? { status, trace_id: expect.any(String), version }
    : { status, trace_id: expect.any(String), version, warnings };
}

/**
 * The headers every envelope answer carries: a trace id (a fresh UUID v4
 * unless one is expected) equal to the body's, the version, and the
 * deprecation headers on the oldest version only.
 */
function expectEnvelopeHeaders(res: Response, version = LATEST, traceId: string | RegExp = UUID_V4): void {
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  if (typeof traceId === 'string') expect(res.headers['x-trace-id']).toBe(traceId);
  else expect(res.headers['x-trace-id']).toMatch(traceId);
  expect(res.headers['x-trace-id']).toBe((res.body as { meta: { trace_id: string } }).meta.trace_id);
  expect(res.headers['x-api-version']).toBe(version);
  expect({ deprecation: res.headers['deprecation'], sunset: res.headers['sunset'], link: res.headers['link'] }).toEqual(
    version === OLDEST ? DEPRECATION_HEADERS : NO_DEPRECATION_HEADERS,
  );
}

/** The `traceparent` that `traceHeaders()` makes to continue `traceId`: same trace, a new span id, the given flags. */
function continuing(traceId: string, flags = '01') {
  return expect.stringMatching(new RegExp(`^00-${traceId.replace(/-/g, '')}-[0-9a-f]{16}-${flags}$`));
}

describe.each(EXPRESS_VERSIONS)('demo app on %s', (_name, express) => {
  let onError: jest.Mock<ErrorReporter>;
  let app: ReturnType<typeof createApp>;

  beforeEach(() => {
    onError = jest.fn<ErrorReporter>();
    app = createApp(express, { onError });
  });

  describe('GET /accounts', () => {
    it('lists the seeded accounts, without the legacy fax', async () => {
      const res = await request(app).get('/accounts');
      expect(res.status).toBe(200);
      expectEnvelopeHeaders(res);
      expect(res.body).toEqual({ meta: meta('SUCCESS'), data: SEEDED });
    });
  });

  describe('GET /accounts/:id', () => {
    it('answers one account', async () => {
      const res = await request(app).get('/accounts/acc_2');
      expect(res.status).toBe(200);
      expectEnvelopeHeaders(res);
      expect(res.body).toEqual({ meta: meta('SUCCESS'), data: SEEDED[1] });
    });

    it('adds the deprecated fax on ?include=fax, with a FIELD_DEPRECATED warning', async () => {
      const res = await request(app).get('/accounts/acc_1?include=fax');
      expect(res.status).toBe(200);
      expectEnvelopeHeaders(res);
      expect(res.body).toEqual({
        meta: meta('SUCCESS', LATEST, [FAX_DEPRECATED]),
        data: { ...SEEDED[0], fax: '+44 20 7946 0018' },
      });
    });

    it('always adds the fax, with the warning after the version’s own, in the oldest API version', async () => {
      const res = await request(app).get('/accounts/acc_2').set('X-API-Version', OLDEST);
      expect(res.status).toBe(200);
      expectEnvelopeHeaders(res, OLDEST);
      expect(res.body).toEqual({
        meta: meta('SUCCESS', OLDEST, [VERSION_DEPRECATED, FAX_DEPRECATED]),
        data: { ...SEEDED[1], fax: null },
      });
    });

    it('answers 400 ACCOUNT_NOT_FOUND (a defineErrors code) for an unknown id', async () => {
      const res = await request(app).get('/accounts/acc_99');
      expect(res.status).toBe(400);
      expectEnvelopeHeaders(res);
      expect(res.body).toEqual({
        meta: meta('ERROR'),
        errors: [{ code: 'ACCOUNT_NOT_FOUND', message: 'No account exists with this id.', account_id: 'acc_99' }],
      });
      expect(onError).toHaveBeenCalledTimes(1);
      expect(onError.mock.calls[0]?.[1]).toMatchObject({ status: 400, code: 'ACCOUNT_NOT_FOUND' });
    });
  });

  describe('GET /accounts/:id/summary (versioned())', () => {
    it('answers the 2024-01-01 shape, { id, name }, with the deprecation warning', async () => {
      const res = await request(app).get('/accounts/acc_1/summary').set('X-API-Version', OLDEST);
      expect(res.status).toBe(200);
      expectEnvelopeHeaders(res, OLDEST);
      expect(res.body).toEqual({
        meta: meta('SUCCESS', OLDEST, [VERSION_DEPRECATED]),
        data: { id: 'acc_1', name: 'Ada Lovelace' },
      });
    });

    it.each([
      ['asked for', LATEST],
      ['by default', undefined],
    ])('answers the 2025-06-01 shape, { id, display_name, contact }, with the latest version %s', async (_label, version) => {
      const req = request(app).get('/accounts/acc_2/summary');
      const res = version === undefined ? await req : await req.set('X-API-Version', version);
      expect(res.status).toBe(200);
      expectEnvelopeHeaders(res);
      expect(res.body).toEqual({
        meta: meta('SUCCESS'),
        data: { id: 'acc_2', display_name: 'Grace Hopper', contact: { email: 'grace@example.com' } },
      });
    });

    it.each([
      [OLDEST, [VERSION_DEPRECATED]],
      [LATEST, undefined],
    ])('answers 400 ACCOUNT_NOT_FOUND for an unknown id on %s', async (version, warnings) => {
      const res = await request(app).get('/accounts/acc_99/summary').set('X-API-Version', version);
      expect(res.status).toBe(400);
      expectEnvelopeHeaders(res, version);
      expect(res.body).toEqual({
        meta: meta('ERROR', version, warnings),
        errors: [{ code: 'ACCOUNT_NOT_FOUND', message: 'No account exists with this id.', account_id: 'acc_99' }],
      });
    });
  });

  describe('POST /accounts', () => {
    it('creates an account with 200 (never 201), and it can then be read', async () => {
      const res = await request(app).post('/accounts').send({ name: '  Lin Yu ', email: 'lin@example.com' });
      expect(res.status).toBe(200);
      expectEnvelopeHeaders(res);
      expect(res.body).toEqual({ meta: meta('SUCCESS'), data: { id: 'acc_4', name: 'Lin Yu', email: 'lin@example.com' } });

      const read = await request(app).get('/accounts/acc_4');
      expect(read.status).toBe(200);
      expect(read.body).toEqual({ meta: meta('SUCCESS'), data: { id: 'acc_4', name: 'Lin Yu', email: 'lin@example.com' } });
    });

    it('answers 415 for an application/*+json body, which the default contentTypes do not admit', async () => {
      const res = await request(app)
        .post('/accounts')
        .set('Content-Type', 'application/vnd.accounts+json')
        .send(JSON.stringify({ name: 'Lin Yu', email: 'lin@example.com' }));
      expect(res.status).toBe(415);
      expectEnvelopeHeaders(res);
      expect(res.body.errors[0].code).toBe('UNSUPPORTED_MEDIA_TYPE');
    });

    it('answers 400 with one VALIDATION_ERROR per invalid field', async () => {
      const res = await request(app).post('/accounts').send({ name: 42, email: 'not-an-email' });
      expect(res.status).toBe(400);
      expectEnvelopeHeaders(res);
      expect(res.body).toEqual({ meta: meta('ERROR'), errors: [NAME_INVALID, EMAIL_INVALID] });
    });

    it('answers 400 VALIDATION_ERROR for a body that is not an object', async () => {
      const res = await request(app).post('/accounts').send([{ name: 'Lin', email: 'lin@example.com' }]);
      expect(res.status).toBe(400);
      expectEnvelopeHeaders(res);
      expect(res.body).toEqual({
        meta: meta('ERROR'),
        errors: [{ code: 'VALIDATION_ERROR', message: 'An account must be a JSON object with `name` and `email`.' }],
      });
    });

    it('answers 400 EMAIL_TAKEN for an email already in use (any case)', async () => {
      const res = await request(app).post('/accounts').send({ name: 'Ada again', email: 'ADA@example.com' });
      expect(res.status).toBe(400);
      expectEnvelopeHeaders(res);
      expect(res.body).toEqual({ meta: meta('ERROR'), errors: [EMAIL_TAKEN] });
    });

    it('answers 400 MALFORMED_JSON for a body that is not JSON', async () => {
      const res = await request(app).post('/accounts').set('Content-Type', 'application/json').send('{"name": "Lin",');
      expect(res.status).toBe(400);
      expectEnvelopeHeaders(res);
      expect(res.body).toEqual({
        meta: meta('ERROR'),
        errors: [{ code: 'MALFORMED_JSON', message: 'The request body is not valid JSON, or not a JSON object or array.' }],
      });
    });

    it('answers 415 UNSUPPORTED_MEDIA_TYPE for a body that is not JSON by its Content-Type', async () => {
      const res = await request(app).post('/accounts').set('Content-Type', 'text/plain').send('name=Lin');
      expect(res.status).toBe(415);
      expectEnvelopeHeaders(res);
      expect(res.body).toEqual({
        meta: meta('ERROR'),
        errors: [
          {
            code: 'UNSUPPORTED_MEDIA_TYPE',
            message: 'The request body must be sent with a Content-Type of application/json.',
            supported_media_types: ['application/json'],
          },
        ],
      });
      // Answered before any route ran: nothing was created.
      const list = await request(app).get('/accounts');
      expect(list.body.data).toHaveLength(3);
    });
  });

  describe('POST /accounts/batch', () => {
    it('answers BATCH_PROCESSED with one result per item, in item order', async () => {
      const res = await request(app)
        .post('/accounts/batch')
        .send([
          { name: 'Lin Yu', email: 'lin@example.com' },
          { name: '', email: 'x' },
          'not an account',
          { name: 'Ada again', email: 'ada@example.com' },
          { name: 'Kai', email: 'kai@example.com' },
        ]);
      expect(res.status).toBe(200);
      expectEnvelopeHeaders(res);
      expect(res.body).toEqual({
        meta: meta('BATCH_PROCESSED'),
        results: [
          {
            status: 'SUCCESS',
            request: { email: 'lin@example.com' },
            data: { id: 'acc_4', name: 'Lin Yu', email: 'lin@example.com' },
          },
          { status: 'ERROR', request: { email: 'x' }, errors: [NAME_INVALID, EMAIL_INVALID] },
          {
            status: 'ERROR',
            request: { email: null },
            errors: [{ code: 'VALIDATION_ERROR', message: 'An account must be a JSON object with `name` and `email`.' }],
          },
          { status: 'ERROR', request: { email: 'ada@example.com' }, errors: [EMAIL_TAKEN] },
          {
            status: 'SUCCESS',
            request: { email: 'kai@example.com' },
            data: { id: 'acc_5', name: 'Kai', email: 'kai@example.com' },
          },
        ],
      });
    });

    it('lets only the first of two items with one email claim it', async () => {
      const res = await request(app)
        .post('/accounts/batch')
        .send([
          { name: 'Lin', email: 'lin@example.com' },
          { name: 'Lin twin', email: 'lin@example.com' },
        ]);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        meta: meta('BATCH_PROCESSED'),
        results: [
          { status: 'SUCCESS', request: { email: 'lin@example.com' }, data: { id: 'acc_4', name: 'Lin', email: 'lin@example.com' } },
          { status: 'ERROR', request: { email: 'lin@example.com' }, errors: [EMAIL_TAKEN] },
        ],
      });
    });

    it('answers a whole-request 400 for a body that is not an array', async () => {
      const res = await request(app).post('/accounts/batch').send({ name: 'Lin', email: 'lin@example.com' });
      expect(res.status).toBe(400);
      expectEnvelopeHeaders(res);
      expect(res.body).toEqual({
        meta: meta('ERROR'),
        errors: [{ code: 'VALIDATION_ERROR', message: 'The request body must be a JSON array of batch items.' }],
      });
    });

    it('answers a whole-request 400 for more than 100 items', async () => {
      const items = Array.from({ length: 101 }, (_, i) => ({ name: `n${i}`, email: `n${i}@example.com` }));
      const res = await request(app).post('/accounts/batch').send(items);
      expect(res.status).toBe(400);
      expectEnvelopeHeaders(res);
      expect(res.body).toEqual({
        meta: meta('ERROR'),
        errors: [{ code: 'VALIDATION_ERROR', message: 'The batch has 101 items; at most 100 are accepted.', max_items: 100 }],
      });
    });
  });

  describe('GET /admin/stats (authenticate() and authorize())', () => {
    it.each([
      ['without X-API-Key', undefined],
      ['with an empty X-API-Key', ''],
    ])('answers 401 MISSING_CREDENTIALS naming the header, with WWW-Authenticate, %s', async (_label, key) => {
      const req = request(app).get('/admin/stats');
      const res = key === undefined ? await req : await req.set('X-API-Key', key);
      expect(res.status).toBe(401);
      expectEnvelopeHeaders(res);
      expect(res.headers['www-authenticate']).toBe(WWW_AUTHENTICATE);
      expect(res.body).toEqual({
        meta: meta('ERROR'),
        errors: [{ code: 'MISSING_CREDENTIALS', message: 'The X-API-Key header is required.', header: 'X-API-Key' }],
      });
    });

    it.each(['sk-live-guessed-0123', 'constructor', '__proto__'])(
      'answers 401 AUTHENTICATION_FAILED with WWW-Authenticate for the unknown key %j, without echoing it',
      async (key) => {
        const res = await request(app).get('/admin/stats').set('X-API-Key', key);
        expect(res.status).toBe(401);
        expectEnvelopeHeaders(res);
        expect(res.headers['www-authenticate']).toBe(WWW_AUTHENTICATE);
        expect(res.body).toEqual({
          meta: meta('ERROR'),
          errors: [{ code: 'AUTHENTICATION_FAILED', message: 'The API key is not valid.' }],
        });
        expect(res.text).not.toContain(key);
      },
    );

    it('answers 403 NOT_AUTHORIZED, without WWW-Authenticate, for a known key without the admin role', async () => {
      const res = await request(app).get('/admin/stats').set('X-API-Key', 'demo-reader-key');
      expect(res.status).toBe(403);
      expectEnvelopeHeaders(res);
      expect(res.headers['www-authenticate']).toBeUndefined();
      expect(res.body).toEqual({
        meta: meta('ERROR'),
        errors: [{ code: 'NOT_AUTHORIZED', message: 'This endpoint needs an API key with the admin role.', required_role: 'admin' }],
      });
    });

    it('answers the stats, and the role principalOf() gave, for the admin key', async () => {
      const res = await request(app).get('/admin/stats').set('X-API-Key', 'demo-admin-key');
      expect(res.status).toBe(200);
      expectEnvelopeHeaders(res);
      expect(res.headers['www-authenticate']).toBeUndefined();
      expect(res.body).toEqual({ meta: meta('SUCCESS'), data: { accounts: 3, api_key_role: 'admin' } });
      expect(onError).not.toHaveBeenCalled();
    });
  });

  describe('GET /accounts/search (rateLimit(): 5 per 10 s per client)', () => {
    it('finds accounts by name or email, in any case, and announces the budget left', async () => {
      const res = await request(app).get('/accounts/search?q=LOVE');
      expect(res.status).toBe(200);
      expectEnvelopeHeaders(res);
      expect(res.headers['ratelimit-policy']).toBe('5;w=10');
      expect(res.headers['ratelimit']).toMatch(/^limit=5, remaining=4, reset=(9|10)$/);
      expect(res.headers['retry-after']).toBeUndefined();
      expect(res.body).toEqual({ meta: meta('SUCCESS'), data: [SEEDED[0]] });

      const all = await request(app).get('/accounts/search?q=example.com');
      expect(all.body).toEqual({ meta: meta('SUCCESS'), data: SEEDED });
      const none = await request(app).get('/accounts/search?q=nobody');
      expect(none.body).toEqual({ meta: meta('SUCCESS'), data: [] });
    });

    it('answers 400 VALIDATION_ERROR without a q', async () => {
      for (const path of ['/accounts/search', '/accounts/search?q=', '/accounts/search?q=%20']) {
        const res = await request(app).get(path);
        expect(res.status).toBe(400);
        expectEnvelopeHeaders(res);
        expect(res.body).toEqual({
          meta: meta('ERROR'),
          errors: [
            {
              code: 'VALIDATION_ERROR',
              message: 'The q parameter is required: 1 to 100 characters to find in names and emails.',
              field: 'q',
            },
          ],
        });
      }
    });

    it('answers the 6th search in the window with 429, Retry-After and the RateLimit headers (injected store)', async () => {
      const store = new SteadyWindowStore();
      const throttled = createApp(express, { onError, searchRateLimit: { store } });
      for (let i = 1; i <= 5; i++) {
        const res = await request(throttled).get('/accounts/search?q=ada');
        expect(res.status).toBe(200);
        expect(res.headers['ratelimit']).toBe(`limit=5, remaining=${5 - i}, reset=10`);
      }
      const res = await request(throttled).get('/accounts/search?q=ada');
      expect(res.status).toBe(429);
      expectEnvelopeHeaders(res);
      expect(res.headers['retry-after']).toBe('10');
      expect(res.headers['ratelimit-policy']).toBe('5;w=10');
      expect(res.headers['ratelimit']).toBe('limit=5, remaining=0, reset=10');
      expect(res.headers['x-ratelimit-limit']).toBeUndefined();
      expect(res.body).toEqual({ meta: meta('ERROR'), errors: [TOO_MANY(10)] });
      // One client, one key; the other routes are not throttled.
      expect([...store.hits.values()]).toEqual([6]);
      expect((await request(throttled).get('/accounts')).status).toBe(200);
      expect(onError).not.toHaveBeenCalled();
    });

    it('throttles with the default in-memory store, and takes another limit', async () => {
      const statuses: number[] = [];
      let last: Response | undefined;
      for (let i = 0; i < 6; i++) {
        last = await request(app).get('/accounts/search?q=ada');
        statuses.push(last.status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
      const res = last as Response;
      const retryAfter = Number(res.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(9);
      expect(retryAfter).toBeLessThanOrEqual(10);
      expect(res.headers['ratelimit']).toBe(`limit=5, remaining=0, reset=${retryAfter}`);
      expect(res.body).toEqual({ meta: meta('ERROR'), errors: [TOO_MANY(retryAfter)] });

      const strict = createApp(express, { onError, searchRateLimit: { limit: 1 } });
      expect((await request(strict).get('/accounts/search?q=ada')).status).toBe(200);
      expect((await request(strict).get('/accounts/search?q=ada')).status).toBe(429);
    });
  });

  describe('maintenance (maintenanceSwitch(), flipped by the operator)', () => {
    it('answers 503 with Retry-After while on, except GET /health, and serves again once off', async () => {
      const sw = maintenanceSwitch();
      const site = createApp(express, { onError, maintenance: sw });
      expect((await request(site).get('/accounts')).status).toBe(200);

      sw.on();
      for (const res of [
        await request(site).get('/accounts'),
        await request(site).post('/accounts').send({ name: 'Lin Yu', email: 'lin@example.com' }),
        await request(site).get('/admin/stats').set('X-API-Key', 'demo-admin-key'),
        await request(site).get('/nowhere'),
      ]) {
        expect(res.status).toBe(503);
        expectEnvelopeHeaders(res);
        expect(res.headers['retry-after']).toBe('300');
        expect(res.body).toEqual({ meta: meta('ERROR'), errors: [IN_MAINTENANCE] });
      }
      // Clients cannot switch it off.
      const asked = await request(site).get('/accounts?maintenance=off').set('X-Maintenance', 'off');
      expect(asked.status).toBe(503);

      const health = await request(site).get('/health');
      expect(health.status).toBe(200);
      expectEnvelopeHeaders(health);
      expect(health.headers['retry-after']).toBeUndefined();
      expect(health.body).toEqual({ meta: meta('SUCCESS'), data: { up: true, maintenance: true } });

      sw.off();
      const back = await request(site).get('/accounts');
      expect(back.status).toBe(200);
      expect(back.headers['retry-after']).toBeUndefined();
      // The POST sent during maintenance created nothing.
      expect(back.body).toEqual({ meta: meta('SUCCESS'), data: SEEDED });
      const healthAfter = await request(site).get('/health');
      expect(healthAfter.body).toEqual({ meta: meta('SUCCESS'), data: { up: true, maintenance: false } });
    });

    it('is off by default', async () => {
      const res = await request(app).get('/health');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ meta: meta('SUCCESS'), data: { up: true, maintenance: false } });
    });
  });

  describe('GET /reports/monthly (timeout())', () => {
    it('answers a report ready in time', async () => {
      const quick = createApp(express, { onError, reportTimeoutMs: 200 });
      const res = await request(quick).get('/reports/monthly?delay=20');
      expect(res.status).toBe(200);
      expectEnvelopeHeaders(res);
      expect(res.body).toEqual({ meta: meta('SUCCESS'), data: { period: 'monthly', accounts: 3, took_ms: 20 } });
      // Without delay, and with the default 2 s timeout.
      const now = await request(app).get('/reports/monthly');
      expect(now.status).toBe(200);
      expect(now.body).toEqual({ meta: meta('SUCCESS'), data: { period: 'monthly', accounts: 3, took_ms: 0 } });
      expect(onError).not.toHaveBeenCalled();
    });

    it('answers 504 GATEWAY_TIMEOUT when the report is late, and drops (and reports) its late answer', async () => {
      const slow = createApp(express, { onError, reportTimeoutMs: 50 });
      const res = await request(slow).get('/reports/monthly?delay=200');
      expect(res.status).toBe(504);
      expectEnvelopeHeaders(res);
      expect(res.body).toEqual({
        meta: meta('ERROR'),
        errors: [{ code: 'GATEWAY_TIMEOUT', message: 'The request timed out. Try again later.', timeout_ms: 50 }],
      });

      await eventually(() => onError.mock.calls.length > 0);
      expect(onError).toHaveBeenCalledTimes(1);
      const [error, report] = onError.mock.calls[0] as [unknown, ErrorReport];
      expect(error).toBeInstanceOf(TimedOutAnswerError);
      expect(report).toEqual({
        traceId: res.body.meta.trace_id,
        version: LATEST,
        status: 504,
        code: 'GATEWAY_TIMEOUT',
        method: 'GET',
        path: '/reports/monthly',
        late: true,
        durationMs: expect.any(Number),
      });
    });

    it('answers 400 VALIDATION_ERROR for a delay that is not a whole number of ms up to 10 s', async () => {
      for (const delay of ['abc', '', '-1', '1.5', '1e3', '10001', '99999999']) {
        const res = await request(app).get(`/reports/monthly?delay=${delay}`);
        expect([delay, res.status]).toEqual([delay, 400]);
        expectEnvelopeHeaders(res);
        expect(res.body).toEqual({ meta: meta('ERROR'), errors: [DELAY_INVALID] });
      }
      // A repeated key is an array to both Express majors.
      const repeated = await request(app).get('/reports/monthly?delay=1&delay=2');
      expect(repeated.status).toBe(400);
      expect(repeated.body).toEqual({ meta: meta('ERROR'), errors: [DELAY_INVALID] });
    });
  });

  describe('GET /debug/crash', () => {
    it('answers 500 INTERNAL_ERROR with the generic message, and reports the real error with the trace id', async () => {
      const res = await request(app).get('/debug/crash');
      expect(res.status).toBe(500);
      expectEnvelopeHeaders(res);
      expect(res.body).toEqual({
        meta: meta('ERROR'),
        errors: [
          {
            code: 'INTERNAL_ERROR',
            message: 'An unexpected error occurred. Quote the trace_id if you contact support.',
          },
        ],
      });
      expect(res.text).not.toContain(CRASH_MESSAGE);
      expect(res.text).not.toContain('db-primary');
      expect(res.text).not.toContain('ECONNREFUSED');

      expect(onError).toHaveBeenCalledTimes(1);
      const [error, report] = onError.mock.calls[0] as [unknown, ErrorReport];
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toBe(CRASH_MESSAGE);
      expect(report).toEqual({
        traceId: res.body.meta.trace_id,
        version: LATEST,
        status: 500,
        code: 'INTERNAL_ERROR',
        method: 'GET',
        path: '/debug/crash',
        late: false,
        durationMs: expect.any(Number),
      });
    });
  });

  describe('GET /whoami', () => {
    it('answers the request context, read after an await, and the trace headers to forward', async () => {
      const res = await request(app).get('/whoami').set('X-API-Version', OLDEST);
      expect(res.status).toBe(200);
      expectEnvelopeHeaders(res, OLDEST);
      const traceId = res.body.meta.trace_id as string;
      expect(res.body).toEqual({
        meta: meta('SUCCESS', OLDEST, [VERSION_DEPRECATED]),
        data: { trace_id: traceId, version: OLDEST, forward: { traceparent: continuing(traceId), 'X-Trace-Id': traceId } },
      });
    });
  });

  describe('requests no route answers', () => {
    it('answers 400 ROUTE_NOT_FOUND for an unknown path', async () => {
      const res = await request(app).get('/nowhere');
      expect(res.status).toBe(400);
      expectEnvelopeHeaders(res);
      expect(res.body).toEqual({
        meta: meta('ERROR'),
        errors: [{ code: 'ROUTE_NOT_FOUND', message: 'No endpoint exists at this path.' }],
      });
    });

    it('answers 400 METHOD_NOT_ALLOWED with Allow for a known path and another method', async () => {
      const res = await request(app).delete('/accounts');
      expect(res.status).toBe(400);
      expectEnvelopeHeaders(res);
      expect(res.headers['allow']).toBe('GET, HEAD, OPTIONS, POST');
      expect(res.body).toEqual({
        meta: meta('ERROR'),
        errors: [
          {
            code: 'METHOD_NOT_ALLOWED',
            message: 'This path does not support DELETE. Allowed methods: GET, HEAD, OPTIONS, POST.',
            allowed_methods: ['GET', 'HEAD', 'OPTIONS', 'POST'],
          },
        ],
      });
    });

    it('answers OPTIONS on a known path with 200, Allow and data.methods', async () => {
      const res = await request(app).options('/accounts/acc_1');
      expect(res.status).toBe(200);
      expectEnvelopeHeaders(res);
      expect(res.headers['allow']).toBe('GET, HEAD, OPTIONS');
      expect(res.body).toEqual({ meta: meta('SUCCESS'), data: { methods: ['GET', 'HEAD', 'OPTIONS'] } });
    });
  });

  describe('X-API-Version', () => {
    it('answers 400 UNSUPPORTED_API_VERSION for a version the API does not have', async () => {
      const res = await request(app).get('/accounts').set('X-API-Version', '2023-01-01');
      expect(res.status).toBe(400);
      expectEnvelopeHeaders(res, LATEST);
      expect(res.body).toEqual({
        meta: meta('ERROR'),
        errors: [
          {
            code: 'UNSUPPORTED_API_VERSION',
            message: 'The requested API version is not supported. Supported versions: 2024-01-01, 2025-06-01.',
            supported_versions: [OLDEST, LATEST],
          },
        ],
      });
    });

    it('marks every answer of 2024-01-01 deprecated, errors too, and no answer of the latest', async () => {
      const list = await request(app).get('/accounts').set('X-API-Version', OLDEST);
      expect(list.status).toBe(200);
      expectEnvelopeHeaders(list, OLDEST);
      // The list never carries the fax, so the version's warning is the only one.
      expect(list.body).toEqual({ meta: meta('SUCCESS', OLDEST, [VERSION_DEPRECATED]), data: SEEDED });

      const missing = await request(app).get('/nowhere').set('X-API-Version', OLDEST);
      expect(missing.status).toBe(400);
      expectEnvelopeHeaders(missing, OLDEST);
      expect(missing.body).toEqual({
        meta: meta('ERROR', OLDEST, [VERSION_DEPRECATED]),
        errors: [{ code: 'ROUTE_NOT_FOUND', message: 'No endpoint exists at this path.' }],
      });

      const latest = await request(app).get('/accounts').set('X-API-Version', LATEST);
      expect(latest.status).toBe(200);
      expectEnvelopeHeaders(latest, LATEST);
      expect(latest.body).toEqual({ meta: meta('SUCCESS'), data: SEEDED });
    });
  });

  describe('trace ids from the (trusted) gateway: trustIncoming traceparent, X-Request-Id', () => {
    it('reuses a valid traceparent’s trace id, written as a UUID, and continues that trace outward', async () => {
      const res = await request(app).get('/whoami').set('traceparent', TRACEPARENT);
      expect(res.status).toBe(200);
      expectEnvelopeHeaders(res, LATEST, TRACE_ID_OF_TRACEPARENT);
      expect(res.body).toEqual({
        meta: { status: 'SUCCESS', trace_id: TRACE_ID_OF_TRACEPARENT, version: LATEST },
        data: {
          trace_id: TRACE_ID_OF_TRACEPARENT,
          version: LATEST,
          forward: { traceparent: continuing(TRACE_ID_OF_TRACEPARENT), 'X-Trace-Id': TRACE_ID_OF_TRACEPARENT },
        },
      });
      // A new span id: this service is the parent of the call it makes, not the gateway.
      expect(res.body.data.forward.traceparent).not.toContain('00f067aa0ba902b7');
    });

    it('keeps an unsampled traceparent unsampled, and on error answers too', async () => {
      const unsampled = TRACEPARENT.replace(/-01$/, '-00');
      const res = await request(app).get('/whoami').set('traceparent', unsampled);
      expect(res.body.data.forward).toEqual({ traceparent: continuing(TRACE_ID_OF_TRACEPARENT, '00'), 'X-Trace-Id': TRACE_ID_OF_TRACEPARENT });

      const crash = await request(app).get('/debug/crash').set('traceparent', TRACEPARENT);
      expect(crash.status).toBe(500);
      expectEnvelopeHeaders(crash, LATEST, TRACE_ID_OF_TRACEPARENT);
      expect(onError.mock.calls[0]?.[1]).toMatchObject({ traceId: TRACE_ID_OF_TRACEPARENT, status: 500 });
    });

    it.each([
      ['upper-case hex', TRACEPARENT.toUpperCase()],
      ['an all-zero trace id', `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`],
      ['a short trace id', '00-4bf92f3577b34da6a3ce929d0e0e47-00f067aa0ba902b7-01'],
      ['markup', '<script>alert(1)</script>'],
    ])('replaces a traceparent with %s by a fresh id, never echoing it', async (_label, traceparent) => {
      const res = await request(app).get('/accounts').set('traceparent', traceparent);
      expect(res.status).toBe(200);
      expectEnvelopeHeaders(res);
      expect(res.body).toEqual({ meta: meta('SUCCESS'), data: SEEDED });
      expect(res.headers['x-trace-id']).not.toBe(TRACE_ID_OF_TRACEPARENT);
      expect(res.text).not.toMatch(/4bf92f35|script/i);
    });

    it('reuses a valid X-Request-Id as it is; a trace id that is no 32-hex gets no traceparent onward', async () => {
      const res = await request(app).get('/whoami').set('X-Request-Id', 'gw-req-7f3a:01');
      expect(res.status).toBe(200);
      expectEnvelopeHeaders(res, LATEST, 'gw-req-7f3a:01');
      expect(res.body).toEqual({
        meta: { status: 'SUCCESS', trace_id: 'gw-req-7f3a:01', version: LATEST },
        data: { trace_id: 'gw-req-7f3a:01', version: LATEST, forward: { 'X-Trace-Id': 'gw-req-7f3a:01' } },
      });
    });

    it('replaces an X-Request-Id outside the allowlist, and prefers a valid traceparent to it', async () => {
      for (const requestId of ['has space', 'a'.repeat(129), '"quoted"']) {
        const res = await request(app).get('/accounts').set('X-Request-Id', requestId);
        expect(res.status).toBe(200);
        expectEnvelopeHeaders(res);
        expect(res.text).not.toContain(requestId);
      }
      const both = await request(app).get('/accounts').set('X-Request-Id', 'gw-req-1').set('traceparent', TRACEPARENT);
      expectEnvelopeHeaders(both, LATEST, TRACE_ID_OF_TRACEPARENT);
      // An invalid traceparent falls through to the next trusted header.
      const fallback = await request(app).get('/accounts').set('X-Request-Id', 'gw-req-2').set('traceparent', 'garbage');
      expectEnvelopeHeaders(fallback, LATEST, 'gw-req-2');
    });
  });

  describe('the access log (createApp({ onResponse }))', () => {
    it('reports each answer once, after it was sent, with its trace_id, version, status and code', async () => {
      const reports: ResponseReport[] = [];
      const logged = createApp(express, { onError, onResponse: (report) => reports.push(report) });
      const found = await request(logged).get('/accounts/acc_1/summary?token=secret').set('traceparent', TRACEPARENT);
      const missing = await request(logged).get('/accounts/acc_99/summary').set('X-API-Version', OLDEST);
      const crash = await request(logged).get('/debug/crash').set('X-Request-Id', 'gw-req-9');
      await eventually(() => reports.length >= 3);
      await sleep(10);

      const line = { level: 'info', method: 'GET', duration_ms: expect.any(Number) };
      expect(reports.map((report) => JSON.parse(accessLogLine(report)))).toEqual([
        { ...line, trace_id: TRACE_ID_OF_TRACEPARENT, version: LATEST, path: '/accounts/acc_1/summary', status: 200, code: null },
        {
          ...line,
          trace_id: missing.body.meta.trace_id,
          version: OLDEST,
          path: '/accounts/acc_99/summary',
          status: 400,
          code: 'ACCOUNT_NOT_FOUND',
        },
        { ...line, trace_id: 'gw-req-9', version: LATEST, path: '/debug/crash', status: 500, code: 'INTERNAL_ERROR' },
      ]);
      expect(found.headers['x-trace-id']).toBe(TRACE_ID_OF_TRACEPARENT);
      expect(missing.headers['x-trace-id']).toMatch(UUID_V4);
      expect(crash.headers['x-trace-id']).toBe('gw-req-9');
      for (const report of reports) expect(report.durationMs).toBeGreaterThanOrEqual(0);
    });

    it('is silent without an onResponse', async () => {
      const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
      try {
        const res = await request(app).get('/accounts');
        expect(res.status).toBe(200);
        await sleep(10);
        expect(write).not.toHaveBeenCalled();
      } finally {
        write.mockRestore();
      }
    });
  });
});

describe('the access log of the demo (accessLogLine, logAccess)', () => {
  const report: ResponseReport = {
    traceId: '0b9e8f2c-3c1d-4e5f-8a7b-6c5d4e3f2a1b',
    version: OLDEST,
    status: 200,
    code: undefined,
    durationMs: 12.3456,
    method: 'GET',
    path: '/accounts/acc_1/summary',
    aborted: false,
  };
  let write: jest.SpiedFunction<typeof process.stdout.write>;

  beforeEach(() => {
    write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => write.mockRestore());

  it('writes one JSON line on stdout, code null for a success, the duration to 0.1 ms', () => {
    logAccess(report);
    expect(write).toHaveBeenCalledTimes(1);
    const line = String(write.mock.calls[0]?.[0]);
    expect(line).toBe(`${accessLogLine(report)}\n`);
    expect(JSON.parse(line)).toEqual({
      level: 'info',
      trace_id: report.traceId,
      version: OLDEST,
      method: 'GET',
      path: '/accounts/acc_1/summary',
      status: 200,
      code: null,
      duration_ms: 12.3,
    });
  });
});

describe('the default onError of the demo (logServerError)', () => {
  const report: ErrorReport = {
    traceId: '0b9e8f2c-3c1d-4e5f-8a7b-6c5d4e3f2a1b',
    version: LATEST,
    status: 500,
    code: 'INTERNAL_ERROR',
    method: 'GET',
    path: '/debug/crash',
    late: false,
  };
  let write: jest.SpiedFunction<typeof process.stderr.write>;

  beforeEach(() => {
    write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => write.mockRestore());

  it('writes a 5xx as one JSON line with its trace_id, even for a multi-line message', () => {
    logServerError(new Error('first line\nsecond line'), report);
    expect(write).toHaveBeenCalledTimes(1);
    const line = String(write.mock.calls[0]?.[0]);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({
      level: 'error',
      trace_id: report.traceId,
      status: 500,
      code: 'INTERNAL_ERROR',
      method: 'GET',
      path: '/debug/crash',
      late: false,
      error: 'Error: first line\nsecond line',
    });
  });

  it('does not log 4xx, which are the client’s', () => {
    logServerError(new Error('bad input'), { ...report, status: 400, code: 'VALIDATION_ERROR' });
    expect(write).not.toHaveBeenCalled();
  });

  it('logs an error that came after the response started, whatever its status', () => {
    logServerError('late', { ...report, status: 400, code: 'BAD_REQUEST', late: true });
    expect(write).toHaveBeenCalledTimes(1);
    expect(JSON.parse(String(write.mock.calls[0]?.[0]))).toMatchObject({ late: true, error: 'late' });
  });
});
describe.each(EXPRESS_VERSIONS)('%s: the demo app under checkConformance', (_name, express) => {
  it('shows no deviation from the spec', async () => {
    const app = createApp(express, { onError: () => undefined });
    expect(await checkConformance(app, { crashPath: '/debug/crash', crashMessage: CRASH_MESSAGE })).toEqual([]);
  });
});
