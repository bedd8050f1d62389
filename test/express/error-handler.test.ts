import { once } from 'node:events';
import cors from 'cors';
import createError from 'http-errors';
import request from 'supertest';
import { ApiError, asyncHandler, envelope, errorHandler, ok, warn, type ErrorReport } from 'kompliant-envelope';
import { RejectedWithoutReasonError } from 'kompliant-envelope/core';
import { EXPRESS_VERSIONS, UUID_V4, buildApp, metaFor } from '../support/apps.js';

const INTERNAL = {
  code: 'INTERNAL_ERROR',
  message: 'An unexpected error occurred. Quote the trace_id if you contact support.',
};
const ROUTE_NOT_FOUND = { code: 'ROUTE_NOT_FOUND', message: 'No endpoint exists at this path.' };

describe.each(EXPRESS_VERSIONS)('errorHandler() on %s', (_name, express) => {
  describe('unmatched requests', () => {
    const routes = () =>
      buildApp(express, (app) => {
        app.get('/orders', (_req, res) => ok(res, []));
        app.post('/orders', (_req, res) => ok(res, { created: true }));
        app.get('/orders/:id', (req, res) => ok(res, { id: req.params['id'] }));
        const admin = express.Router();
        admin.delete('/users/:id', (_req, res) => ok(res));
        app.use('/admin', admin);
        app.get('/fallthrough', (_req, _res, next) => next());
      }).app;

    it.each(['/nope', '/orders/1/items', '/admin/nothing', '/'])('answers 400 ROUTE_NOT_FOUND for GET %s', async (path) => {
      const res = await request(routes()).get(path);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.headers.allow).toBeUndefined();
      expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: [ROUTE_NOT_FOUND] });
    });

    it('answers 400 ROUTE_NOT_FOUND for any method on an unknown path', async () => {
      const res = await request(routes()).patch('/nope');
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: [ROUTE_NOT_FOUND] });
    });

    it('answers 400 ROUTE_NOT_FOUND when every handler fell through with next()', async () => {
      const res = await request(routes()).get('/fallthrough');
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: [ROUTE_NOT_FOUND] });
    });

    it.each([
      ['DELETE', '/orders', 'GET, HEAD, OPTIONS, POST'],
      ['PUT', '/orders/42', 'GET, HEAD, OPTIONS'],
      ['GET', '/admin/users/7', 'DELETE, OPTIONS'],
    ])('answers 400 METHOD_NOT_ALLOWED with Allow for %s %s', async (method, path, allow) => {
      const res = await request(routes())[method.toLowerCase() as 'get'](path);
      expect(res.status).toBe(400);
      expect(res.headers.allow).toBe(allow);
      expect(res.body).toEqual({
        meta: metaFor(res, 'ERROR'),
        errors: [
          {
            code: 'METHOD_NOT_ALLOWED',
            message: `This path does not support ${method}. Allowed methods: ${allow}.`,
            allowed_methods: allow.split(', '),
          },
        ],
      });
    });

    it('answers OPTIONS on a known path with 200, Allow and data.methods', async () => {
      const res = await request(routes()).options('/orders');
      expect(res.status).toBe(200);
      expect(res.headers.allow).toBe('GET, HEAD, OPTIONS, POST');
      expect(res.body).toEqual({ meta: metaFor(res, 'SUCCESS'), data: { methods: ['GET', 'HEAD', 'OPTIONS', 'POST'] } });
    });

    it('answers OPTIONS on a path of a nested Router as an envelope too', async () => {
      const res = await request(routes()).options('/admin/users/7');
      expect(res.status).toBe(200);
      expect(res.headers.allow).toBe('DELETE, OPTIONS');
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.body).toEqual({ meta: metaFor(res, 'SUCCESS'), data: { methods: ['DELETE', 'OPTIONS'] } });
    });

    it('lets a route that declares OPTIONS answer it', async () => {
      const { app } = buildApp(express, (a) => {
        a.get('/x', (_req, res) => ok(res));
        a.options('/x', (_req, res) => ok(res, { custom: true }));
      });
      const res = await request(app).options('/x');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ meta: metaFor(res, 'SUCCESS'), data: { custom: true } });
    });

    it('answers OPTIONS on an unknown path with 400 ROUTE_NOT_FOUND', async () => {
      const res = await request(routes()).options('/nope');
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: [ROUTE_NOT_FOUND] });
    });

    it('answers HEAD on an unknown path with 400 and no body', async () => {
      const res = await request(routes()).head('/nope');
      expect(res.status).toBe(400);
      expect(res.headers['x-trace-id']).toMatch(UUID_V4);
      expect(res.text).toBeUndefined();
    });

    it('leaves CORS preflights to the cors package mounted in front', async () => {
      const app = express();
      app.use(cors({ origin: 'https://shop.example', optionsSuccessStatus: 200 }));
      app.use(envelope());
      app.get('/orders', (_req, res) => ok(res, []));
      app.use(errorHandler());
      const preflight = await request(app)
        .options('/orders')
        .set('Origin', 'https://shop.example')
        .set('Access-Control-Request-Method', 'GET');
      expect(preflight.status).toBe(200);
      expect(preflight.headers['access-control-allow-origin']).toBe('https://shop.example');
      expect(preflight.headers['access-control-allow-methods']).toBe('GET,HEAD,PUT,PATCH,POST,DELETE');
      const actual = await request(app).get('/orders').set('Origin', 'https://shop.example');
      expect(actual.status).toBe(200);
      expect(actual.headers['access-control-allow-origin']).toBe('https://shop.example');
      expect(actual.body).toEqual({ meta: metaFor(actual, 'SUCCESS'), data: [] });
      const missing = await request(app).get('/nope').set('Origin', 'https://shop.example');
      expect(missing.status).toBe(400);
      expect(missing.headers['access-control-allow-origin']).toBe('https://shop.example');
      expect(missing.body).toEqual({ meta: metaFor(missing, 'ERROR'), errors: [ROUTE_NOT_FOUND] });
    });
  });

  describe('thrown values', () => {
    const throwing = (value: () => unknown) =>
      buildApp(express, (app) => {
        app.get('/sync', () => {
          throw value();
        });
        app.get('/next', (_req, _res, next) => next(value()));
      });

    const cases: [string, () => unknown, number, Record<string, unknown>, Record<string, string>?][] = [
      ['an ApiError', () => new ApiError(400, 'ORDER_LOCKED', 'The order is shipped.', { order_id: 9 }), 400,
        { code: 'ORDER_LOCKED', message: 'The order is shipped.', order_id: 9 }],
      ['an ApiError 503 with Retry-After', () => new ApiError(503, 'SERVICE_UNAVAILABLE', 'Back at 10:00.', undefined, { headers: { 'Retry-After': 120 } }), 503,
        { code: 'SERVICE_UNAVAILABLE', message: 'Back at 10:00.' }, { 'retry-after': '120' }],
      ['http-errors 400', () => createError(400, 'Quantity must be positive.'), 400,
        { code: 'BAD_REQUEST', message: 'Quantity must be positive.' }],
      ['http-errors 401 with WWW-Authenticate', () => createError(401, 'Token expired.', { headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } }), 401,
        { code: 'AUTHENTICATION_FAILED', message: 'Token expired.' }, { 'www-authenticate': 'Bearer error="invalid_token"' }],
      ['http-errors 403 without a message', () => createError(403), 403, { code: 'NOT_AUTHORIZED', message: 'You are not allowed to perform this request.' }],
      ['http-errors 404 without a message', () => createError(404), 400, { code: 'NOT_FOUND', message: 'The requested resource does not exist.' }],
      ['http-errors 404', () => createError(404, 'Order 7 does not exist.'), 400, { code: 'NOT_FOUND', message: 'Order 7 does not exist.' }],
      ['http-errors 405', () => createError(405), 400, { code: 'METHOD_NOT_ALLOWED', message: 'This path does not support the request method.' }],
      ['http-errors 418', () => createError(418), 400, { code: 'BAD_REQUEST', message: 'The request is not valid.' }],
      ['http-errors 409', () => createError(409, 'Already exists.'), 400, { code: 'BAD_REQUEST', message: 'Already exists.' }],
      ['http-errors 413', () => createError(413), 413, { code: 'REQUEST_TOO_LARGE', message: 'The request is too large.' }],
      ['http-errors 415', () => createError(415), 415, { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'The request media type is not supported.' }],
      ['http-errors 422', () => createError(422, 'Bad shape.'), 400, { code: 'VALIDATION_ERROR', message: 'Bad shape.' }],
      ['http-errors 429 with rate headers', () => createError(429, 'Slow down.', { headers: { 'Retry-After': '30', 'RateLimit-Remaining': '0', 'Set-Cookie': 'evil=1', 'X-Internal': 'db-7' } }), 429,
        { code: 'TOO_MANY_REQUESTS', message: 'Slow down.' }, { 'retry-after': '30', 'ratelimit-remaining': '0' }],
      ['http-errors 500 with a secret message', () => createError(500, 'secret: db password wrong'), 500, INTERNAL],
      ['http-errors 502', () => createError(502, 'secret upstream host 10.0.0.7'), 500, INTERNAL],
      ['http-errors 503 with Retry-After', () => createError(503, 'secret', { headers: { 'Retry-After': '60' } }), 503,
        { code: 'SERVICE_UNAVAILABLE', message: 'The service is unavailable. Try again later.' }, { 'retry-after': '60' }],
      ['http-errors 504', () => createError(504, 'secret'), 504, { code: 'GATEWAY_TIMEOUT', message: 'The request timed out. Try again later.' }],
      ['an Error with status 400 but no expose', () => Object.assign(new Error('secret internal detail'), { status: 400 }), 400,
        { code: 'BAD_REQUEST', message: 'The request is not valid.' }],
      ['an Error with statusCode 403 and expose', () => Object.assign(new Error('Not your order.'), { statusCode: 403, expose: true }), 403,
        { code: 'NOT_AUTHORIZED', message: 'Not your order.' }],
      ['an exposed 4xx with a header value carrying CRLF', () => createError(429, 'Wait.', { headers: { 'Retry-After': '1\r\nSet-Cookie: x=1' } }), 429,
        { code: 'TOO_MANY_REQUESTS', message: 'Wait.' }],
      ['a plain Error with a driver code', () => Object.assign(new Error('secret ECONNREFUSED 10.0.0.7:5432'), { code: 'ECONNREFUSED' }), 500, INTERNAL],
      ['a TypeError', () => new TypeError('secret cannot read x of undefined'), 500, INTERNAL],
      ['a string', () => 'secret string', 500, INTERNAL],
      ['a number', () => 42, 500, INTERNAL],
      ['an object with status 999', () => ({ status: 999, message: 'secret' }), 500, INTERNAL],
      ['an object with status "400"', () => ({ status: '400', message: 'secret', expose: true }), 500, INTERNAL],
      ['an object with status 200', () => ({ status: 200, message: 'secret' }), 500, INTERNAL],
      ['an object with status NaN', () => ({ status: Number.NaN, message: 'secret' }), 500, INTERNAL],
      ['an object with status 302', () => ({ status: 302, message: 'secret' }), 500, INTERNAL],
      ['an object whose getters throw', () => Object.defineProperty({}, 'status', { get() { throw new Error('secret getter'); } }), 500, INTERNAL],
      ['a Proxy that throws on every read', () => new Proxy({}, { get() { throw new Error('secret proxy'); }, has() { throw new Error('secret'); } }), 500, INTERNAL],
    ];

    it.each(cases)('maps %s (thrown and passed to next)', async (_label, value, status, error, headers = {}) => {
      const { app, reported } = throwing(value);
      for (const path of ['/sync', '/next']) {
        const res = await request(app).get(path);
        expect(res.status).toBe(status);
        expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
        expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: [error] });
        expect(res.text).not.toMatch(/secret|stack|at Object|node_modules|\.ts:/);
        for (const [name, value] of Object.entries(headers)) expect(res.headers[name]).toBe(value);
        expect(res.headers['set-cookie']).toBeUndefined();
        expect(res.headers['x-internal']).toBeUndefined();
      }
      expect(reported).toHaveLength(2);
      expect(reported[0]?.report.status).toBe(status);
      expect(reported[0]?.report.code).toBe(error['code']);
    });

    it.each([
      ['null', null],
      ['undefined', undefined],
      ['false', false],
      ['an empty string', ''],
    ])('maps a throw of %s inside asyncHandler to 500 (Express itself reads next(%s) as "no error")', async (_label, value) => {
      const { app, reported } = buildApp(express, (a) =>
        a.get('/x', asyncHandler(() => {
          throw value;
        })),
      );
      const res = await request(app).get('/x');
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: [INTERNAL] });
      expect(reported[0]?.error).toBeInstanceOf(RejectedWithoutReasonError);
    });
  });

  it('answers a malformed %-escape in a path parameter with 400, the same on both majors', async () => {
    const { app } = buildApp(express, (a) => a.get('/orders/:id', (req, res) => ok(res, { id: req.params['id'] })));
    const res = await request(app).get('/orders/%E0%A4%A');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      meta: metaFor(res, 'ERROR'),
      errors: [{ code: 'BAD_REQUEST', message: 'The request path contains a malformed percent-encoding.' }],
    });
    const unknown = await request(app).get('/nothing/%E0%A4%A');
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].code).toBe('ROUTE_NOT_FOUND');
  });

  describe('body-parser errors', () => {
    const parsing = () => buildApp(express, (a) => a.post('/in', (req, res) => ok(res, req.body)));
    const send = (body: string, headers: Record<string, string> = {}) => {
      let req = request(parsing().app).post('/in').set('Content-Type', 'application/json');
      for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
      return req.send(body);
    };

    it('answers malformed JSON with 400 MALFORMED_JSON, without echoing the body', async () => {
      const res = await send('{"name": secret-token');
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: [{ code: 'MALFORMED_JSON', message: 'The request body is not valid JSON, or not a JSON object or array.' }] });
      expect(res.text).not.toContain('secret');
    });

    it('answers a JSON body that is not an object or array (strict parsing) with 400 MALFORMED_JSON', async () => {
      const res = await send('null');
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ code: 'MALFORMED_JSON', message: 'The request body is not valid JSON, or not a JSON object or array.' }]);
    });

    it('answers a body over express.json\'s limit with 413 REQUEST_TOO_LARGE', async () => {
      const res = await send(JSON.stringify({ blob: 'x'.repeat(200 * 1024) }));
      expect(res.status).toBe(413);
      expect(res.body).toEqual({
        meta: metaFor(res, 'ERROR'),
        errors: [{ code: 'REQUEST_TOO_LARGE', message: 'The request body is larger than this endpoint accepts.' }],
      });
    });

    it('answers an unsupported charset with 415', async () => {
      const res = await send('{}', { 'Content-Type': 'application/json; charset=latin-9000' });
      expect(res.status).toBe(415);
      expect(res.body).toEqual({
        meta: metaFor(res, 'ERROR'),
        errors: [{ code: 'UNSUPPORTED_MEDIA_TYPE', message: 'The request charset is not supported.' }],
      });
    });

    it('answers an unsupported Content-Encoding with 415', async () => {
      const res = await send('{}', { 'Content-Encoding': 'compress-9000' });
      expect(res.status).toBe(415);
      expect(res.body).toEqual({
        meta: metaFor(res, 'ERROR'),
        errors: [{ code: 'UNSUPPORTED_MEDIA_TYPE', message: 'The request Content-Encoding is not supported.' }],
      });
    });

    it('answers a gzip body that is not gzip with 400 and a message of its own, on both majors', async () => {
      const res = await send('{"a":1}', { 'Content-Encoding': 'gzip' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        meta: metaFor(res, 'ERROR'),
        errors: [{ code: 'BAD_REQUEST', message: 'The request body could not be decompressed.' }],
      });
    });

    it('answers too many urlencoded parameters with 413', async () => {
      const app = express();
      app.use(envelope({ contentTypes: ['application/x-www-form-urlencoded'] }));
      app.use(express.urlencoded({ extended: false, parameterLimit: 2 }));
      app.post('/form', (req, res) => ok(res, req.body));
      app.use(errorHandler());
      const res = await request(app).post('/form').type('form').send('a=1&b=2&c=3');
      expect(res.status).toBe(413);
      expect(res.body).toEqual({
        meta: metaFor(res, 'ERROR'),
        errors: [{ code: 'REQUEST_TOO_LARGE', message: 'The request has too many parameters.' }],
      });
    });

    it('answers a failed verify with 403 and a message of its own', async () => {
      const app = express();
      app.use(envelope());
      app.use(express.json({ verify: () => { throw new Error('secret signature mismatch'); } }));
      app.post('/hook', (_req, res) => ok(res));
      app.use(errorHandler());
      const res = await request(app).post('/hook').set('Content-Type', 'application/json').send('{}');
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: [{ code: 'NOT_AUTHORIZED', message: 'The request body could not be verified.' }] });
      expect(res.text).not.toContain('secret');
    });
  });

  describe('errors after the response started', () => {
    it('reports the error, cuts the open response, and keeps serving', async () => {
      const { app, reported } = buildApp(express, (a) => {
        a.get('/stream', (_req, res, next) => {
          res.write('{"partial":');
          setTimeout(() => next(new Error('disk gone')), 5);
        });
        a.get('/fine', (_req, res) => ok(res, { still: 'serving' }));
      });
      const server = app.listen(0, '127.0.0.1');
      await once(server, 'listening');
      try {
        await expect(request(server).get('/stream')).rejects.toThrow();
        expect(reported).toHaveLength(1);
        expect(reported[0]?.report).toEqual(expect.objectContaining({ late: true, status: 500, code: 'INTERNAL_ERROR', path: '/stream' }));
        const fine = await request(server).get('/fine');
        expect(fine.status).toBe(200);
        expect(fine.body).toEqual({ meta: metaFor(fine, 'SUCCESS'), data: { still: 'serving' } });
      } finally {
        server.close();
      }
    });

    it('only reports an error after a complete response', async () => {
      const { app, reported } = buildApp(express, (a) =>
        a.get('/done', (_req, res, next) => {
          ok(res, { sent: true });
          next(new Error('after the fact'));
        }),
      );
      const res = await request(app).get('/done');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ meta: metaFor(res, 'SUCCESS'), data: { sent: true } });
      expect(reported.map((r) => r.report.late)).toEqual([true]);
    });
  });

  describe('onError', () => {
    it('receives every error with trace id, version, status, code, method and path (no query)', async () => {
      const { app, reported } = buildApp(
        express,
        (a) => {
          a.get('/four', () => { throw createError(400, 'Bad.'); });
          a.get('/five', () => { throw new Error('boom'); });
        },
        { envelope: { versions: ['v1', 'v2'] } },
      );
      const four = await request(app).get('/four?token=secret').set('X-API-Version', 'v1');
      const five = await request(app).get('/five');
      expect(reported.map((r) => r.report)).toEqual<ErrorReport[]>([
        { traceId: four.headers['x-trace-id'] as string, version: 'v1', status: 400, code: 'BAD_REQUEST', method: 'GET', path: '/four', late: false, durationMs: expect.any(Number) },
        { traceId: five.headers['x-trace-id'] as string, version: 'v2', status: 500, code: 'INTERNAL_ERROR', method: 'GET', path: '/five', late: false, durationMs: expect.any(Number) },
      ]);
      expect((reported[1]?.error as Error).message).toBe('boom');
    });

    it('still answers the envelope when onError throws, and logs both to stderr', async () => {
      const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
      try {
        const app = express();
        app.use(envelope());
        app.get('/x', () => { throw new Error('original'); });
        app.use(errorHandler({ onError: () => { throw new Error('logger down'); } }));
        const res = await request(app).get('/x');
        expect(res.status).toBe(500);
        expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: [INTERNAL] });
        const logged = stderr.mock.calls.map((c) => String(c[0])).join('');
        expect(logged).toContain('original');
        expect(logged).toContain('logger down');
        expect(logged).toContain(`trace_id=${res.headers['x-trace-id']}`);
      } finally {
        stderr.mockRestore();
      }
    });

    it('by default logs 5xx with the trace_id to stderr, and not 4xx', async () => {
      const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
      try {
        const app = express();
        app.use(envelope());
        app.get('/five', () => { throw new Error('database unreachable'); });
        app.get('/four', () => { throw createError(400, 'client mistake'); });
        app.use(errorHandler());
        const five = await request(app).get('/five');
        await request(app).get('/four');
        const logged = stderr.mock.calls.map((c) => String(c[0])).join('');
        expect(logged).toContain(`kompliant-envelope: status=500 code=INTERNAL_ERROR trace_id=${five.headers['x-trace-id']} version=1 method=GET path=/five duration_ms=`);
        expect(logged).toContain('error=Error message="database unreachable" stack="Error: database unreachable\\n    at ');
        // One line per report: the stack's newlines are escaped.
        expect(logged.split('\n').filter((line) => line !== '')).toHaveLength(1);
        expect(logged).not.toContain('client mistake');
        expect(five.text).not.toContain('database');
      } finally {
        stderr.mockRestore();
      }
    });

    it('rejects a bad option when created', () => {
      expect(() => errorHandler({ onError: 'log' as never })).toThrow('`onError`');
      expect(() => errorHandler(null as never)).toThrow('must be an object');
    });
  });

  describe('without envelope()', () => {
    it('makes the trace id itself and answers envelopes', async () => {
      const app = express();
      app.get('/boom', () => { throw new Error('x'); });
      app.use(errorHandler({ onError: () => undefined }));
      const boom = await request(app).get('/boom');
      expect(boom.status).toBe(500);
      expect(boom.headers['x-trace-id']).toMatch(UUID_V4);
      expect(boom.headers['x-api-version']).toBe('1');
      expect(boom.body).toEqual({ meta: metaFor(boom, 'ERROR'), errors: [INTERNAL] });
      const missing = await request(app).get('/missing');
      expect(missing.status).toBe(400);
      expect(missing.body).toEqual({ meta: metaFor(missing, 'ERROR'), errors: [ROUTE_NOT_FOUND] });
    });
  });

  describe('warnings that cannot be serialised', () => {
    it.each([
      ['an unknown path', '/nope', 'get'],
      ['an unknown method', '/w', 'delete'],
      ['an error', '/throw', 'get'],
    ])('answer 500 for %s instead of hanging, and are reported', async (_label, path, method) => {
      const { app, reported } = buildApp(express, (a) => {
        a.use((_req, _res, next) => {
          warn('BAD', 'unserialisable', { n: 1n });
          next();
        });
        a.get('/w', (_req, _res, next) => next());
        a.get('/throw', () => {
          throw createError(400, 'client');
        });
      });
      const res = await request(app)[method as 'get'](path);
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: [INTERNAL] });
      expect(reported.at(-1)?.report.status).toBe(500);
      expect(reported.at(-1)?.error).toBeInstanceOf(TypeError);
    });
  });

  it('answers 500 when an ApiError carries an unserialisable extra field', async () => {
    const { app, reported } = buildApp(express, (a) =>
      a.get('/x', () => { throw new ApiError(400, 'BAD_REQUEST', 'Bad.', { amount: 5n }); }),
    );
    const res = await request(app).get('/x');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: [INTERNAL] });
    expect(reported.map((r) => r.report.status)).toEqual([400, 500]);
  });
});
