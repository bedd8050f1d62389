/**
 * Errors that describe an answer this service RECEIVED (an HTTP client's
 * error) are server errors, whatever the upstream's status: unit rows for
 * each client's documented shape, then real axios and the package's own
 * client against a local upstream, over HTTP on Express 4 and 5.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import axios from 'axios';
import createError from 'http-errors';
import request from 'supertest';
import { ApiError, asyncHandler, envelope, errorHandler, ok } from 'kompliant-envelope';
import { createClient } from 'kompliant-envelope/client';
import { normalizeError } from 'kompliant-envelope/core';
import { upstreamOf } from '../../src/core/upstream.js';
import { EXPRESS_VERSIONS, buildApp, metaFor } from '../support/apps.js';

const INTERNAL = { code: 'INTERNAL_ERROR', message: 'An unexpected error occurred. Quote the trace_id if you contact support.' };
const GATEWAY_TIMEOUT = { code: 'GATEWAY_TIMEOUT', message: 'The request timed out. Try again later.' };
const SECRET = 'sk_live_UPSTREAM_SECRET_123';
const UPSTREAM_STATUSES = [400, 401, 403, 404, 409, 422, 429, 500, 502, 503] as const;

/** A fetch Response-like object, as ky and fetch wrappers keep it. */
function fetchResponse(status: number, url: string) {
  return { status, url, ok: false, headers: new Headers({ 'x-upstream-secret': SECRET }) };
}

/** Hand-built shapes of the clients this package does not install (their documented fields). */
const SHAPES: ReadonlyArray<readonly [string, (status: number) => object, { method?: string; url?: string }]> = [
  [
    'axios (isAxiosError, status, response.status, config)',
    (status) =>
      Object.assign(new Error(`Request failed with status code ${status}`), {
        name: 'AxiosError',
        isAxiosError: true,
        code: status < 500 ? 'ERR_BAD_REQUEST' : 'ERR_BAD_RESPONSE',
        status,
        config: { method: 'post', baseURL: 'https://partner.example/v2/', url: '/charges?api_key=abc' },
        response: { status, data: { secret: SECRET }, headers: { 'x-secret': SECRET } },
      }),
    { method: 'POST', url: 'https://partner.example/v2/charges' },
  ],
  [
    "got's HTTPError (response.statusCode, options.url a URL)",
    (status) =>
      Object.assign(new Error(`Response code ${status}`), {
        name: 'HTTPError',
        code: 'ERR_NON_2XX_3XX_RESPONSE',
        options: { method: 'GET', url: new URL('https://user:pw@got.example/items?token=t#frag') },
        response: { statusCode: status, body: SECRET, headers: { 'x-secret': SECRET } },
      }),
    { method: 'GET', url: 'https://got.example/items' },
  ],
  [
    "ky's HTTPError (response a fetch Response, request a Request)",
    (status) =>
      Object.assign(new Error(`Request failed with status code ${status}`), {
        name: 'HTTPError',
        request: new Request('https://ky.example/users/7?email=a@b.c', { method: 'DELETE' }),
        response: fetchResponse(status, 'https://ky.example/users/7?email=a@b.c'),
        options: { method: 'delete' },
      }),
    { method: 'DELETE', url: 'https://ky.example/users/7' },
  ],
  [
    "Octokit's RequestError (name HttpError, status, request, response)",
    (status) =>
      Object.assign(new Error('Bad credentials'), {
        name: 'HttpError',
        status,
        request: { method: 'GET', url: 'https://api.github.com/repos/o/r?per_page=1', headers: { authorization: 'token [REDACTED]' } },
        response: { status, url: 'https://api.github.com/repos/o/r', headers: {}, data: { message: SECRET } },
      }),
    { method: 'GET', url: 'https://api.github.com/repos/o/r' },
  ],
  [
    "gaxios's GaxiosError (status, response.status, config)",
    (status) =>
      Object.assign(new Error(SECRET), {
        name: 'GaxiosError',
        status,
        code: String(status),
        config: { method: 'PUT', url: new URL('https://storage.googleapis.com/b/o?alt=media') },
        response: { status, data: SECRET, headers: {} },
      }),
    { method: 'PUT', url: 'https://storage.googleapis.com/b/o' },
  ],
  [
    "undici's ResponseStatusCodeError (status, statusCode, body)",
    (status) =>
      Object.assign(new Error(`Response status code ${status}`), {
        name: 'ResponseStatusCodeError',
        code: 'UND_ERR_RESPONSE_STATUS_CODE',
        status,
        statusCode: status,
        body: SECRET,
        headers: { 'x-secret': SECRET },
      }),
    {},
  ],
  [
    "a fetch wrapper's error (status and a response with a numeric status)",
    (status) => Object.assign(new Error(SECRET), { status, response: fetchResponse(status, 'https://wrap.example/x?q=1') }),
    { url: 'https://wrap.example/x' },
  ],
  [
    "this package's EnvelopeError (name, status, errors, request)",
    (status) =>
      Object.assign(new Error(`AUTHENTICATION_FAILED: ${SECRET}`), {
        name: 'EnvelopeError',
        status,
        errors: [{ code: 'AUTHENTICATION_FAILED', message: SECRET }],
        traceId: 'abc',
        version: '1',
        request: 'GET /accounts',
      }),
    { method: 'GET', url: '/accounts' },
  ],
];

describe('upstream errors in normalizeError', () => {
  describe.each(SHAPES)('%s', (_label, make, call) => {
    it.each(UPSTREAM_STATUSES)('answers an upstream %i with 500 INTERNAL_ERROR, nothing of the upstream', (status) => {
      expect(normalizeError(make(status))).toEqual({ status: 500, errors: [INTERNAL], headers: undefined });
    });

    it('gives the status, method and URL without the query to the report', () => {
      expect(upstreamOf(make(401))).toEqual({ status: 401, ...call });
    });
  });

  it.each([
    ["got's RequestError without an answer", Object.assign(new Error('connect ECONNREFUSED'), { name: 'RequestError', code: 'ECONNREFUSED', options: { method: 'GET', url: 'https://got.example/' } }), { method: 'GET', url: 'https://got.example/' }],
    ["Octokit's HttpError without a response", Object.assign(new Error('fetch failed'), { name: 'HttpError', status: 500, request: { method: 'POST', url: 'https://api.github.com/graphql' } }), { status: 500, method: 'POST', url: 'https://api.github.com/graphql' }],
  ])('reports %s too', (_label, error, call) => {
    expect(normalizeError(error).status).toBe(500);
    expect(upstreamOf(error)).toEqual(call);
  });

  it.each([
    ['an http-errors 401', createError(401, 'Token expired')],
    ['an http-errors 404 with headers', createError(404, 'No such account', { headers: { 'Retry-After': '1' } })],
    ['an http-errors 429', createError(429)],
    ['an ApiError', new ApiError(403, 'NOT_AUTHORIZED', 'No.')],
    ['a plain { status: 401 }', { status: 401, message: 'x' }],
    ['a name HttpError without a request', Object.assign(new Error('x'), { name: 'HttpError', status: 401 })],
    ['a name HTTPError without a request', Object.assign(new Error('x'), { name: 'HTTPError', status: 401 })],
    ['a name EnvelopeError without errors', Object.assign(new Error('x'), { name: 'EnvelopeError', status: 401 })],
    ['a `response` without a numeric status', Object.assign(new Error('x'), { status: 401, response: { status: '401' } })],
  ])('keeps %s mapped by its status, and reports no upstream', (_label, error) => {
    expect(normalizeError(error).status).toBeLessThan(500);
    expect(upstreamOf(error)).toBeUndefined();
  });

  it('keeps an upstream timeout a 504 (axios ECONNABORTED, no answer)', () => {
    const error = Object.assign(new Error('timeout of 50ms exceeded'), {
      name: 'AxiosError',
      isAxiosError: true,
      code: 'ECONNABORTED',
      config: { method: 'get', url: 'http://127.0.0.1:1/slow?x=1' },
    });
    expect(normalizeError(error)).toEqual({ status: 504, errors: [GATEWAY_TIMEOUT], headers: undefined });
    expect(upstreamOf(error)).toEqual({ method: 'GET', url: 'http://127.0.0.1:1/slow' });
  });

  it('never throws on hostile shapes', () => {
    const hostile = Object.defineProperty({ isAxiosError: true, status: 401 }, 'config', {
      get() {
        throw new Error('boom');
      },
    });
    expect(normalizeError(hostile).status).toBe(500);
    expect(upstreamOf(hostile)).toBeUndefined();
    expect(upstreamOf(null)).toBeUndefined();
    expect(upstreamOf('x')).toBeUndefined();
  });
});

/** A local upstream: `/status/:n` answers n with a secret in its body and a header; `/envelope/:n` an ERROR envelope; `/slow` never answers. */
async function startUpstream() {
  const server = http.createServer((req, res) => {
    const [, kind, n] = (req.url ?? '').split('?')[0]!.split('/');
    if (kind === 'slow') return;
    const status = Number(n);
    res.setHeader('X-Upstream-Secret', SECRET);
    res.setHeader('Retry-After', '120');
    res.setHeader('WWW-Authenticate', `Bearer realm="${SECRET}"`);
    res.setHeader('Content-Type', 'application/json');
    res.statusCode = status;
    res.end(
      kind === 'envelope'
        ? JSON.stringify({ meta: { status: 'ERROR', trace_id: 'upstream-trace', version: '1' }, errors: [{ code: 'UPSTREAM_SAYS', message: SECRET }] })
        : JSON.stringify({ error: 'nope', secret: SECRET }),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe.each(EXPRESS_VERSIONS)('upstream errors over HTTP, on %s', (_name, express) => {
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  beforeAll(async () => {
    upstream = await startUpstream();
  });
  afterAll(() => {
    upstream.server.closeAllConnections();
    upstream.server.close();
  });

  function app() {
    const partner = axios.create({ baseURL: upstream.base, timeout: 2000 });
    const client = createClient({ baseUrl: upstream.base, retry: { retries: 0 } });
    return buildApp(express, (a) => {
      a.get('/axios/:n', asyncHandler(async (req, res) => {
        const answer = await partner.get(`/status/${String(req.params['n'])}?api_key=${SECRET}`);
        ok(res, answer.data);
      }));
      a.get('/axios-slow', asyncHandler(async (_req, res) => {
        const answer = await axios.get(`${upstream.base}/slow?token=${SECRET}`, { timeout: 50 });
        ok(res, answer.data);
      }));
      a.get('/client-slow', asyncHandler(async (_req, res) => {
        const slow = createClient({ baseUrl: upstream.base, retry: { retries: 0 }, timeoutMs: 50 });
        ok(res, (await slow.get(`/slow?token=${SECRET}`)).unwrap());
      }));
      a.post('/client/:n', asyncHandler(async (req, res) => {
        const answer = await client.post(`/envelope/${String(req.params['n'])}?q=${SECRET}`, { body: { a: 1 } });
        ok(res, answer.unwrap());
      }));
    });
  }

  function expectNoTrace(res: request.Response) {
    expect(res.text).not.toContain(SECRET);
    expect(res.text).not.toContain('UPSTREAM_SAYS');
    expect(res.text).not.toContain('nope');
    expect(res.headers['x-upstream-secret']).toBeUndefined();
    expect(res.headers['retry-after']).toBeUndefined();
    expect(res.headers['www-authenticate']).toBeUndefined();
  }

  it.each(UPSTREAM_STATUSES)('axios getting %i: the caller gets 500 INTERNAL_ERROR, onError the call', async (status) => {
    const { app: server, reported } = app();
    const res = await request(server).get(`/axios/${status}`);
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: [INTERNAL] });
    expectNoTrace(res);
    expect(reported).toHaveLength(1);
    expect(reported[0]?.report).toEqual(
      expect.objectContaining({
        status: 500,
        code: 'INTERNAL_ERROR',
        method: 'GET',
        path: `/axios/${status}`,
        upstream: { status, method: 'GET', url: `${upstream.base}/status/${status}` },
      }),
    );
  });

  it.each(UPSTREAM_STATUSES)('the client getting %i (unwrap throws EnvelopeError): 500 INTERNAL_ERROR', async (status) => {
    const { app: server, reported } = app();
    const res = await request(server).post(`/client/${status}`);
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: [INTERNAL] });
    expectNoTrace(res);
    expect(reported[0]?.error).toEqual(expect.objectContaining({ name: 'EnvelopeError', status }));
    expect(reported[0]?.report.upstream).toEqual({ status, method: 'POST', url: `/envelope/${status}` });
  });

  it('an axios timeout: 504 GATEWAY_TIMEOUT, the call reported without its query', async () => {
    const { app: server, reported } = app();
    const res = await request(server).get('/axios-slow');
    expect(res.status).toBe(504);
    expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: [GATEWAY_TIMEOUT] });
    expectNoTrace(res);
    expect(reported[0]?.report).toEqual(expect.objectContaining({ status: 504, upstream: { method: 'GET', url: `${upstream.base}/slow` } }));
  });

  it('the client timing out (CLIENT_TIMEOUT): 504 GATEWAY_TIMEOUT, like any upstream timeout', async () => {
    const { app: server, reported } = app();
    const res = await request(server).get('/client-slow');
    expect(res.status).toBe(504);
    expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: [GATEWAY_TIMEOUT] });
    expectNoTrace(res);
    expect(reported[0]?.error).toEqual(expect.objectContaining({ name: 'EnvelopeError', status: 0 }));
    expect(reported[0]?.report).toEqual(expect.objectContaining({ status: 504, upstream: { method: 'GET', url: '/slow' } }));
  });

  it('the default reporter prints the upstream call on its line', async () => {
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const server = express();
      server.use(envelope());
      server.get('/p', asyncHandler(async (_req, res) => {
        ok(res, (await axios.get(`${upstream.base}/status/401?token=${SECRET}`)).data);
      }));
      server.use(errorHandler());
      const res = await request(server).get('/p?x=1');
      expect(res.status).toBe(500);
      const line = String(stderr.mock.calls[0]?.[0]);
      expect(line).toMatch(
        new RegExp(
          `^kompliant-envelope: status=500 code=INTERNAL_ERROR trace_id=${String(res.headers['x-trace-id'])} version=1 method=GET path=/p duration_ms=[\\d.]+ ` +
            `upstream_status=401 upstream_method=GET upstream_url=${upstream.base}/status/401 error=AxiosError message="Request failed with status code 401" stack="`,
        ),
      );
      expect(line.endsWith('"\n')).toBe(true);
      expect(line.split('\n')).toHaveLength(2);
      expect(line).not.toContain(SECRET);
    } finally {
      stderr.mockRestore();
    }
  });
});
