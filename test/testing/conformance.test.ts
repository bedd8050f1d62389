/**
 * `checkConformance()` on Express 4 and 5: nothing to report for an app
 * built as the README says, each deviation named for apps that are not,
 * bounded probes, and options checked before anything starts.
 */
import type { Express } from 'express';
import { fail, ok } from 'kompliant-envelope';
import { checkConformance } from 'kompliant-envelope/testing';
import { EXPRESS_VERSIONS, buildApp, type ExpressFactory } from '../support/apps.js';

const SECRET = 'connect ECONNREFUSED 10.0.0.7:5432 (orders_rw)';

/** The README's app: `envelope()`, `express.json()`, routes, `errorHandler()`. */
function conformantApp(express: ExpressFactory, envelopeOptions = {}) {
  return buildApp(
    express,
    (app) => {
      app.get('/orders', (_req, res) => ok(res, []));
      app.get('/crash', () => {
        throw new Error(SECRET);
      });
    },
    { envelope: envelopeOptions },
  );
}

/** Plain Express: `express.json()` and routes, no envelope, no error handler. */
function plainApp(express: ExpressFactory): Express {
  const app = express();
  app.use(express.json());
  app.get('/orders', (_req, res) => {
    res.json({ id: 1 });
  });
  app.get('/crash', () => {
    throw new Error(SECRET);
  });
  return app;
}

describe.each(EXPRESS_VERSIONS)('%s: checkConformance', (_name, express) => {
  it('finds nothing to report on an app built as the README says', async () => {
    const { app, reported } = conformantApp(express);
    expect(await checkConformance(app, { crashPath: '/crash', crashMessage: SECRET })).toEqual([]);
    // The crash probe did reach the route: the error went to onError, not to the client.
    expect(reported.map((r) => r.report.code)).toContain('INTERNAL_ERROR');
  });

  it('uses the given knownPath and maxBodySize', async () => {
    const { app } = conformantApp(express, { maxBodySize: 1024 });
    expect(await checkConformance(app, { knownPath: '/orders', maxBodySize: 1024 })).toEqual([]);
  });

  it('skips the unknown-method probe when no static GET route can be found', async () => {
    const { app } = buildApp(express, (routes) => routes.get('/orders/:id', (_req, res) => ok(res, {})));
    expect(await checkConformance(app)).toEqual([]);
  });

  it('names every deviation of a plain Express app, probe by probe', async () => {
    const deviations = await checkConformance(plainApp(express), { crashPath: '/crash', crashMessage: SECRET, timeoutMs: 1000 });
    const probes = ['unknown path', 'unknown method', 'malformed JSON', 'unsupported media type', 'oversized body', 'unsupported API version', 'crash'];
    for (const deviation of deviations) expect(probes.some((probe) => deviation.startsWith(`${probe} (`))).toBe(true);
    expect(deviations).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^unknown path \(GET \/__kompliant-conformance__\/no-such-route\): expected 400 ROUTE_NOT_FOUND, got 404 with a body that is not JSON: "<!DOCTYPE html>/,
        ),
        'unknown path (GET /__kompliant-conformance__/no-such-route): expected a status of the spec (200, 400, 401, 403, 413, 415, 429, 500, 503, 504), got 404',
        'unknown path (GET /__kompliant-conformance__/no-such-route): expected Content-Type application/json, got text/html; charset=utf-8',
        'unknown path (GET /__kompliant-conformance__/no-such-route): expected an X-Trace-Id header, got none',
        expect.stringMatching(/^unknown method \(PATCH \/orders\): expected 400 METHOD_NOT_ALLOWED, got 404 /),
        'unknown method (PATCH /orders): expected an Allow header, got none',
        expect.stringMatching(/^malformed JSON \(POST \/orders\): expected 400 MALFORMED_JSON, got 400 with a body that is not JSON/),
        expect.stringMatching(/^unsupported media type \(POST \/orders\): expected 415 UNSUPPORTED_MEDIA_TYPE, got 404 /),
        // body-parser waits for a body it will refuse: the client never gets an answer.
        'oversized body (POST /orders): expected 413 REQUEST_TOO_LARGE, got no answer within 1000 ms',
        'unsupported API version (GET /orders): expected 400 UNSUPPORTED_API_VERSION, got 200 with a JSON body that is not an envelope: {"id":1}',
        'unsupported API version (GET /orders): expected a meta object, got undefined',
        expect.stringMatching(/^crash \(GET \/crash\): expected 500 INTERNAL_ERROR, got 500 with a body that is not JSON/),
        expect.stringMatching(/^crash \(GET \/crash\): expected no stack trace in the body, got /),
        expect.stringMatching(/^crash \(GET \/crash\): expected the thrown message not to reach the client, got it in the body: /),
      ]),
    );
    expect(deviations).toHaveLength(25);
  }, 15_000);

  it('reports an envelope with the wrong code, and a leaked message, as such', async () => {
    const { app } = buildApp(express, (routes) => {
      routes.get('/orders', (_req, res) => ok(res, []));
      routes.get('/crash', () => {
        throw new Error(SECRET);
      });
      // Every error becomes a 400 BAD_REQUEST carrying the error's own message.
      routes.use((error: unknown, _req: unknown, res: Parameters<typeof ok>[0], _next: unknown) =>
        fail(res, 400, { code: 'BAD_REQUEST', message: String(error) }),
      );
    });
    expect(await checkConformance(app, { crashPath: '/crash', crashMessage: SECRET })).toEqual([
      'malformed JSON (POST /orders): expected 400 MALFORMED_JSON, got 400 BAD_REQUEST',
      'crash (GET /crash): expected 500 INTERNAL_ERROR, got 400 BAD_REQUEST',
      `crash (GET /crash): expected the thrown message not to reach the client, got it in the body: …AD_REQUEST","message":"Error: ${SECRET}"}]}`,
    ]);
  });
});

describe('checkConformance on any listener', () => {
  it('probes a plain (req, res) listener, without the unknown-method probe', async () => {
    const deviations = await checkConformance((_req, res) => {
      res.end('hi');
    });
    const probes = [
      ['unknown path (GET /__kompliant-conformance__/no-such-route)', '400 ROUTE_NOT_FOUND'],
      ['malformed JSON (POST /)', '400 MALFORMED_JSON'],
      ['unsupported media type (POST /)', '415 UNSUPPORTED_MEDIA_TYPE'],
      ['oversized body (POST /)', '413 REQUEST_TOO_LARGE'],
      ['unsupported API version (GET /)', '400 UNSUPPORTED_API_VERSION'],
    ];
    expect(deviations).toEqual(
      probes.flatMap(([probe, expected]) => [
        `${probe}: expected ${expected}, got 200 with a body that is not JSON: "hi"`,
        `${probe}: expected Content-Type application/json, got none`,
        `${probe}: expected an X-Trace-Id header, got none`,
      ]),
    );
  });

  it('gives up on each probe after timeoutMs, and still closes the server', async () => {
    const started = Date.now();
    const deviations = await checkConformance(() => undefined, { timeoutMs: 200 });
    expect(deviations).toEqual([
      'unknown path (GET /__kompliant-conformance__/no-such-route): expected 400 ROUTE_NOT_FOUND, got no answer within 200 ms',
      'malformed JSON (POST /): expected 400 MALFORMED_JSON, got no answer within 200 ms',
      'unsupported media type (POST /): expected 415 UNSUPPORTED_MEDIA_TYPE, got no answer within 200 ms',
      'oversized body (POST /): expected 413 REQUEST_TOO_LARGE, got no answer within 200 ms',
      'unsupported API version (GET /): expected 400 UNSUPPORTED_API_VERSION, got no answer within 200 ms',
    ]);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it.each([
    ['an app that is not a function', {}, undefined, 'The `app` argument of checkConformance() must be an Express app or a (req, res) listener.'],
    ['options that are not an object', () => undefined, null, 'The options of checkConformance() must be an object.'],
    [
      'an unknown option',
      () => undefined,
      { crashpath: '/crash' },
      'The `crashpath` option of checkConformance() is not known; did you mean `crashPath`? Known options: knownPath, maxBodySize, crashPath, crashMessage, timeoutMs.',
    ],
    [
      'a path without a leading slash',
      () => undefined,
      { knownPath: 'orders' },
      'The `knownPath` option of checkConformance() must be a path starting with "/" (visible ASCII only), got "orders".',
    ],
    [
      'a path with a line break',
      () => undefined,
      { crashPath: '/crash\r\nX: 1' },
      'The `crashPath` option of checkConformance() must be a path starting with "/" (visible ASCII only), got "/crash\\r\\nX: 1".',
    ],
    [
      'a crashMessage without crashPath',
      () => undefined,
      { crashMessage: 'secret' },
      'The `crashMessage` option of checkConformance() needs the `crashPath` option.',
    ],
  ])('throws a TypeError at once for %s', (_what, app, options, message) => {
    expect(() => checkConformance(app as never, options as never)).toThrow(new TypeError(message));
  });

  it.each([
    ['a negative maxBodySize', { maxBodySize: -1 }, 'The `maxBodySize` option of checkConformance() must be a whole number of bytes, 0 or more, got -1.'],
    ['a zero timeout', { timeoutMs: 0 }, 'The `timeoutMs` option of checkConformance() must be a whole number of milliseconds above 0, got 0.'],
  ])('throws a RangeError at once for %s', (_what, options, message) => {
    expect(() => checkConformance(() => undefined, options)).toThrow(new RangeError(message));
  });
});
