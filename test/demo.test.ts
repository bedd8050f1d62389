/**
 * The demo API (`npm start`) over HTTP, on Express 4 and 5: every route's
 * status, headers and whole body.
 */
import request, { type Response } from 'supertest';
import { jest } from '@jest/globals';
import type { ErrorReport, ErrorReporter } from '../src/index.js';
import { CRASH_MESSAGE, createApp, logServerError } from '../src/demo/app.js';
import { EXPRESS_VERSIONS, UUID_V4 } from './support/apps.js';

const LATEST = '2025-06-01';
const OLDEST = '2024-01-01';
const WWW_AUTHENTICATE = 'ApiKey realm="accounts-demo", header="X-API-Key"';

const SEEDED = [
  { id: 'acc_1', name: 'Ada Lovelace', email: 'ada@example.com' },
  { id: 'acc_2', name: 'Grace Hopper', email: 'grace@example.com' },
  { id: 'acc_3', name: 'Alan Turing', email: 'alan@example.com' },
];

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

/** `meta` as every answer carries it; the trace id is random. */
function meta(status: 'SUCCESS' | 'ERROR' | 'BATCH_PROCESSED', version = LATEST, warnings?: unknown[]) {
  return warnings === undefined
    ? { status, trace_id: expect.any(String), version }
    : { status, trace_id: expect.any(String), version, warnings };
}

/** The headers every envelope answer carries. */
function expectEnvelopeHeaders(res: Response, version = LATEST): void {
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(res.headers['x-trace-id']).toMatch(UUID_V4);
  expect(res.headers['x-trace-id']).toBe((res.body as { meta: { trace_id: string } }).meta.trace_id);
  expect(res.headers['x-api-version']).toBe(version);
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

    it('always adds the fax, with the warning, in the oldest API version', async () => {
      const res = await request(app).get('/accounts/acc_2').set('X-API-Version', OLDEST);
      expect(res.status).toBe(200);
      expectEnvelopeHeaders(res, OLDEST);
      expect(res.body).toEqual({ meta: meta('SUCCESS', OLDEST, [FAX_DEPRECATED]), data: { ...SEEDED[1], fax: null } });
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

  describe('GET /admin/stats', () => {
    it('answers 401 MISSING_CREDENTIALS with WWW-Authenticate without X-API-Key', async () => {
      const res = await request(app).get('/admin/stats');
      expect(res.status).toBe(401);
      expectEnvelopeHeaders(res);
      expect(res.headers['www-authenticate']).toBe(WWW_AUTHENTICATE);
      expect(res.body).toEqual({
        meta: meta('ERROR'),
        errors: [{ code: 'MISSING_CREDENTIALS', message: 'Send your API key in the X-API-Key header.' }],
      });
    });

    it('answers 401 AUTHENTICATION_FAILED with WWW-Authenticate for an unknown key, without echoing it', async () => {
      const res = await request(app).get('/admin/stats').set('X-API-Key', 'sk-live-guessed-0123');
      expect(res.status).toBe(401);
      expectEnvelopeHeaders(res);
      expect(res.headers['www-authenticate']).toBe(WWW_AUTHENTICATE);
      expect(res.body).toEqual({
        meta: meta('ERROR'),
        errors: [{ code: 'AUTHENTICATION_FAILED', message: 'The API key is not valid.' }],
      });
      expect(res.text).not.toContain('sk-live-guessed-0123');
    });

    it('answers 403 NOT_AUTHORIZED for a known key without the admin role', async () => {
      const res = await request(app).get('/admin/stats').set('X-API-Key', 'demo-reader-key');
      expect(res.status).toBe(403);
      expectEnvelopeHeaders(res);
      expect(res.headers['www-authenticate']).toBeUndefined();
      expect(res.body).toEqual({
        meta: meta('ERROR'),
        errors: [
          { code: 'NOT_AUTHORIZED', message: 'This endpoint needs an API key with the admin role.', required_role: 'admin' },
        ],
      });
    });

    it('answers the stats for the admin key', async () => {
      const res = await request(app).get('/admin/stats').set('X-API-Key', 'demo-admin-key');
      expect(res.status).toBe(200);
      expectEnvelopeHeaders(res);
      expect(res.body).toEqual({ meta: meta('SUCCESS'), data: { accounts: 3 } });
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
      });
    });
  });

  describe('GET /whoami', () => {
    it('answers the request context, read after an await', async () => {
      const res = await request(app).get('/whoami').set('X-API-Version', OLDEST);
      expect(res.status).toBe(200);
      expectEnvelopeHeaders(res, OLDEST);
      expect(res.body).toEqual({ meta: meta('SUCCESS', OLDEST), data: { trace_id: res.body.meta.trace_id, version: OLDEST } });
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
