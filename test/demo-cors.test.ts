/**
 * The demo's CORS over HTTP, on Express 4 and 5: preflights for the headers
 * the client sends are answered by `cors` (200, empty, never an envelope),
 * from allowed origins only; every answer, envelope()'s own included, lets
 * the page read EXPOSED_HEADERS, and each header a 429 or a deprecated
 * version sends is in that list. And parseOrigins(), which reads
 * CORS_ORIGINS.
 */
import request, { type Response } from 'supertest';
import { EXPOSED_HEADERS } from 'kompliant-envelope/core';
import { DEFAULT_CORS_ORIGINS, createApp, parseOrigins } from '../examples/accounts/app.js';
import { EXPRESS_VERSIONS, UUID_V4 } from './support/apps.js';
import { LATEST, OLDEST, VERSION_DEPRECATED } from './support/demo.js';

const PAGE = 'http://localhost:5173';
const EXPOSED = 'X-Trace-Id,X-API-Version,Retry-After,RateLimit,RateLimit-Policy,Deprecation,Sunset,Link';
const ALLOWED_HEADERS = 'Content-Type,X-API-Key,X-API-Version,traceparent,X-Request-Id';
/** What the client sends, lower case as browsers list them in Access-Control-Request-Headers. */
const CLIENT_HEADERS = 'content-type,traceparent,x-api-key,x-api-version';

/** Response headers a page may read without CORS exposing them (the Fetch standard's safelist). */
const SAFELISTED = new Set(['cache-control', 'content-language', 'content-length', 'content-type', 'expires', 'last-modified', 'pragma']);
/** Headers of the CORS protocol and of the connection itself, never read by page code. */
const NOT_FOR_PAGES = /^(access-control-|vary$|date$|connection$|keep-alive$|etag$)/;

/** The headers of `res` that page code would want and cannot read unless exposed. */
function headersToExpose(res: Response): string[] {
  return Object.keys(res.headers).filter((name) => !SAFELISTED.has(name) && !NOT_FOR_PAGES.test(name));
}

function exposedOf(res: Response): string[] {
  return String(res.headers['access-control-expose-headers']).toLowerCase().split(',');
}

describe('EXPOSED_HEADERS', () => {
  it('lists the envelope, throttling and deprecation headers, frozen', () => {
    expect(EXPOSED_HEADERS).toEqual(['X-Trace-Id', 'X-API-Version', 'Retry-After', 'RateLimit', 'RateLimit-Policy', 'Deprecation', 'Sunset', 'Link']);
    expect(Object.isFrozen(EXPOSED_HEADERS)).toBe(true);
  });
});

describe.each(EXPRESS_VERSIONS)('the demo’s CORS on %s', (_name, express) => {
  const app = () => createApp(express, { onError: () => {}, searchRateLimit: { limit: 1 } });
  /** The preflight a browser sends from `origin` before the client's POST /accounts. */
  const preflight = (origin: string) =>
    request(app()).options('/accounts').set('Origin', origin).set('Access-Control-Request-Method', 'POST').set('Access-Control-Request-Headers', CLIENT_HEADERS);

  it.each([PAGE, 'http://127.0.0.1:8080', 'http://localhost'])(
    'answers a preflight from %s for the client’s headers itself: 200, empty, no envelope',
    async (origin) => {
      const res = await preflight(origin);
      expect(res.status).toBe(200);
      expect(res.text).toBe('');
      expect(res.headers['content-length']).toBe('0');
      expect(res.headers['content-type']).toBeUndefined();
      expect(res.headers['x-trace-id']).toBeUndefined();
      expect(res.headers['access-control-allow-origin']).toBe(origin);
      expect(res.headers['access-control-allow-methods']).toBe('GET,HEAD,POST');
      expect(res.headers['access-control-allow-headers']).toBe(ALLOWED_HEADERS);
      expect(res.headers['access-control-max-age']).toBe('600');
      expect(res.headers['vary']).toContain('Origin');
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    },
  );

  it.each(['https://evil.example.com', 'https://localhost:5173', 'http://localhost.evil.example.com', 'null'])(
    'gives a preflight from %s no Access-Control-Allow-Origin, so the browser stops there',
    async (origin) => {
      const res = await preflight(origin);
      expect(res.status).toBe(200);
      expect(res.text).toBe('');
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(res.headers['x-trace-id']).toBeUndefined();
    },
  );

  it('leaves an OPTIONS that is no preflight to envelope(): the 200 envelope with Allow, and the CORS headers', async () => {
    const res = await request(app()).options('/accounts').set('Origin', PAGE);
    expect(res.status).toBe(200);
    expect(res.headers['allow']).toBe('GET, HEAD, OPTIONS, POST');
    expect(res.headers['access-control-allow-origin']).toBe(PAGE);
    expect(res.headers['access-control-expose-headers']).toBe(EXPOSED);
    expect(res.headers['access-control-allow-methods']).toBeUndefined();
    expect(res.body).toEqual({
      meta: { status: 'SUCCESS', trace_id: res.headers['x-trace-id'], version: LATEST },
      data: { methods: ['GET', 'HEAD', 'OPTIONS', 'POST'] },
    });
  });

  it('lets an allowed page read a success and its envelope headers; no CORS headers without an Origin', async () => {
    const res = await request(app()).get('/accounts/acc_1').set('Origin', PAGE);
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(PAGE);
    expect(res.headers['access-control-expose-headers']).toBe(EXPOSED);
    expect(res.headers['x-trace-id']).toMatch(UUID_V4);
    expect(res.body).toEqual({
      meta: { status: 'SUCCESS', trace_id: res.headers['x-trace-id'], version: LATEST },
      data: { id: 'acc_1', name: 'Ada Lovelace', email: 'ada@example.com' },
    });
    const sameOrigin = await request(app()).get('/accounts/acc_1');
    expect(sameOrigin.status).toBe(200);
    expect(sameOrigin.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('a POST with a JSON body from the page: CORS headers on the 400 too', async () => {
    const res = await request(app()).post('/accounts').set('Origin', PAGE).send({ email: 'nope' });
    expect(res.status).toBe(400);
    expect(res.headers['access-control-allow-origin']).toBe(PAGE);
    expect(res.headers['access-control-expose-headers']).toBe(EXPOSED);
    expect(res.body).toEqual({
      meta: { status: 'ERROR', trace_id: res.headers['x-trace-id'], version: LATEST },
      errors: [
        { code: 'VALIDATION_ERROR', message: 'The name is required and must be a non-empty string.', field: 'name' },
        { code: 'VALIDATION_ERROR', message: 'The email is required and must contain "@".', field: 'email' },
      ],
    });
  });

  it('puts the CORS headers on envelope()’s own answers (an unsupported version)', async () => {
    const res = await request(app()).get('/accounts').set('Origin', PAGE).set('X-API-Version', '2023-01-01');
    expect(res.status).toBe(400);
    expect(res.headers['access-control-allow-origin']).toBe(PAGE);
    expect(res.headers['access-control-expose-headers']).toBe(EXPOSED);
    expect(res.body).toEqual({
      meta: { status: 'ERROR', trace_id: res.headers['x-trace-id'], version: LATEST },
      errors: [
        {
          code: 'UNSUPPORTED_API_VERSION',
          message: 'The requested API version is not supported. Supported versions: 2024-01-01, 2025-06-01.',
          supported_versions: ['2024-01-01', '2025-06-01'],
        },
      ],
    });
  });

  it('exposes every header a 429 sends: Retry-After, RateLimit, RateLimit-Policy', async () => {
    const throttled = app();
    expect((await request(throttled).get('/accounts/search?q=ada').set('Origin', PAGE)).status).toBe(200);
    const res = await request(throttled).get('/accounts/search?q=ada').set('Origin', PAGE);
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    expect(res.headers['ratelimit']).toMatch(/^limit=1, remaining=0, reset=\d+$/);
    expect(res.headers['ratelimit-policy']).toBe('1;w=10');
    expect(headersToExpose(res).sort()).toEqual(['ratelimit', 'ratelimit-policy', 'retry-after', 'x-api-version', 'x-trace-id']);
    expect(exposedOf(res)).toEqual(expect.arrayContaining(headersToExpose(res)));
    expect(res.body).toEqual({
      meta: { status: 'ERROR', trace_id: res.headers['x-trace-id'], version: LATEST },
      errors: [
        {
          code: 'TOO_MANY_REQUESTS',
          message: 'Too many requests. Slow down and try again later.',
          retry_after_seconds: Number(res.headers['retry-after']),
        },
      ],
    });
  });

  it('exposes every header of a deprecated version: Deprecation, Sunset, Link', async () => {
    const res = await request(app()).get('/accounts/acc_1/summary').set('Origin', PAGE).set('X-API-Version', OLDEST);
    expect(res.status).toBe(200);
    expect(headersToExpose(res).sort()).toEqual(['deprecation', 'link', 'sunset', 'x-api-version', 'x-trace-id']);
    expect(exposedOf(res)).toEqual(expect.arrayContaining(headersToExpose(res)));
    expect(res.body).toEqual({
      meta: {
        status: 'SUCCESS',
        trace_id: res.headers['x-trace-id'],
        version: OLDEST,
        warnings: [VERSION_DEPRECATED],
      },
      data: { id: 'acc_1', name: 'Ada Lovelace' },
    });
  });

  it('takes other origins from corsOrigins (what server.ts reads from CORS_ORIGINS)', async () => {
    const only = createApp(express, { onError: () => {}, corsOrigins: parseOrigins('https://app.example.com') });
    const allowed = await request(only).get('/health').set('Origin', 'https://app.example.com');
    expect(allowed.status).toBe(200);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.com');
    const local = await request(only).get('/health').set('Origin', PAGE);
    expect(local.status).toBe(200);
    expect(local.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('parseOrigins() (CORS_ORIGINS)', () => {
  const allows = (raw: string, origin: string) =>
    parseOrigins(raw).some((allowed) => (typeof allowed === 'string' ? allowed === origin : allowed.test(origin)));

  it('defaults to any port of http://localhost and http://127.0.0.1, and nothing else', () => {
    expect(DEFAULT_CORS_ORIGINS).toBe('http://localhost:*,http://127.0.0.1:*');
    for (const origin of ['http://localhost', 'http://localhost:3000', 'http://127.0.0.1:65535']) {
      expect(allows(DEFAULT_CORS_ORIGINS, origin)).toBe(true);
    }
    for (const origin of ['https://localhost:3000', 'http://localhost.example.com', 'http://127.0.0.10:80', 'http://127.0.0.1:3000/x', 'null', 'http://0.0.0.0:3000']) {
      expect(allows(DEFAULT_CORS_ORIGINS, origin)).toBe(false);
    }
  });

  it('reads exact origins as browsers send them (lower case, no default port) and trims spaces', () => {
    expect(parseOrigins(' https://App.Example.com:443 , http://[::1]:8080')).toEqual(['https://app.example.com', 'http://[::1]:8080']);
  });

  it.each(['*', '', 'https://app.example.com/', 'https://app.example.com/path', 'app.example.com', 'ftp://files.example.com', 'http://localhost:99999', 'http://*.example.com', 'https://a.example.com,,https://b.example.com'])(
    'refuses %j with a RangeError naming the entry',
    (raw) => {
      expect(() => parseOrigins(raw)).toThrow(RangeError);
      expect(() => parseOrigins(raw)).toThrow(/^CORS_ORIGINS must list origins separated by commas, such as https:\/\/app\.example\.com or http:\/\/localhost:\*, got ".*"\.$/);
    },
  );
});
