/**
 * Every function that takes options refuses, when it is called (never per
 * request), an option it does not know — naming the nearest known one — and
 * a number out of its range. One table per concern, walking every function.
 */
import request from 'supertest';
import { z } from 'zod';
import type { Options as LimiterOptions } from 'express-rate-limit';
import { batch, envelope, errorHandler, ok } from 'kompliant-envelope';
import express from 'express';
import { authenticate, authorize, hmacVerifier, memoryNonceStore, redisNonceStore } from 'kompliant-envelope/auth';
import { clientErrorHandler } from 'kompliant-envelope/node';
import { maintenance, redisMaintenanceSwitch } from 'kompliant-envelope/maintenance';
import {
  batchEnvelopeFor,
  describe as describeRoute,
  errorResponses,
  openApiBatchResponses,
  openApiDocument,
  openApiHandler,
  openApiResponses,
  successEnvelopeFor,
} from 'kompliant-envelope/openapi';
import { rateLimit } from 'kompliant-envelope/rate-limit';
import { checkConformance } from 'kompliant-envelope/testing';
import { timeout } from 'kompliant-envelope/timeout';
import { traceHeaders } from 'kompliant-envelope/tracing';
import { validate, validated } from 'kompliant-envelope/validate';
import { EXPRESS_VERSIONS, buildApp, metaFor } from './support/apps.js';
import { SteadyWindowStore } from './support/steady-store.js';

const SECRETS = { partner1: 'a-secret-of-at-least-16-characters' };
const body = z.object({ sku: z.string() });
const allowAll = () => true;
/** A Redis `sendCommand` for constructors that must refuse their options before any command. */
const neverCalled = (): Promise<unknown> => Promise.reject(new Error('sendCommand must not be called'));
const INFO = { title: 'Orders', version: '1.0.0' };
/** A Redis `sendCommand` answering GET with no key: a switch made with valid options polls it once, quietly, before close(). */
const keyAbsent = (): Promise<unknown> => Promise.resolve(null);
/** Answers nothing useful, at once: enough for checkConformance() to run its probes. */
const plainApp = (_req: unknown, res: { end(): void }) => res.end();

/** The largest delay Node's timers keep (2^31 - 1 ms); a longer one fires after 1 ms. */
const MAX_TIMER_MS = 2_147_483_647;
const MAX = Number.MAX_SAFE_INTEGER;

/** express-rate-limit 8's options, from its `Options` type; the compiler checks that none is missing. */
const LIMITER_OPTION_NAMES = [
  'windowMs', 'limit', 'message', 'statusCode', 'legacyHeaders', 'standardHeaders', 'identifier', 'retryAfter',
  'requestPropertyName', 'skipFailedRequests', 'skipSuccessfulRequests', 'keyGenerator', 'ipv6Subnet', 'handler',
  'skip', 'requestWasSuccessful', 'store', 'validate', 'headers', 'max', 'passOnStoreError', 'logger',
] as const satisfies readonly (keyof LimiterOptions)[];
const allLimiterNamesListed: [Exclude<keyof LimiterOptions, (typeof LIMITER_OPTION_NAMES)[number]>] extends [never] ? true : never = true;

/** Runs `fn` with stderr silenced: express-rate-limit logs its own (advisory) checks there. */
function quietly<T>(fn: () => T): T {
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return fn();
  } finally {
    stderr.mockRestore();
  }
}

describe('an unknown option', () => {
  // [function, the call with a misspelt key, the message it must contain]
  const misspelt: [string, () => unknown, string][] = [
    ['envelope()', () => envelope({ versionz: ['1'] } as never), 'The `versionz` option of envelope() is not known; did you mean `versions`?'],
    ['envelope() (tracing)', () => envelope({ trustIncomming: ['traceparent'] } as never), 'The `trustIncomming` option of envelope() is not known; did you mean `trustIncoming`?'],
    [
      'envelope() (a deprecation)',
      () => envelope({ versions: ['1', '2'], deprecations: { '1': { since: '2025-01-01', sunsett: '2026-01-01' } as never } }),
      'The `sunsett` option of envelope()\'s deprecation of version "1" is not known; did you mean `sunset`?',
    ],
    ['errorHandler()', () => errorHandler({ onErorr: () => undefined } as never), 'The `onErorr` option of errorHandler() is not known; did you mean `onError`?'],
    ['authenticate()', () => authenticate({ verify: allowAll, headres: ['X-API-Key'] } as never), 'The `headres` option of authenticate() is not known; did you mean `headers`?'],
    ['authenticate() (verify)', () => authenticate({ verfy: allowAll } as never), 'The `verfy` option of authenticate() is not known; did you mean `verify`?'],
    ['authorize()', () => authorize(allowAll, { mesage: 'No.' } as never), 'The `mesage` option of authorize() is not known; did you mean `message`?'],
    ['hmacVerifier()', () => hmacVerifier({ secret: SECRETS } as never), 'The `secret` option of hmacVerifier() is not known; did you mean `secrets`?'],
    ['hmacVerifier() (tolerance)', () => hmacVerifier({ secrets: SECRETS, tolerenceSeconds: 60 } as never), 'did you mean `toleranceSeconds`?'],
    ['hmacVerifier() (nonces)', () => hmacVerifier({ secrets: SECRETS, nonceStor: memoryNonceStore() } as never), 'The `nonceStor` option of hmacVerifier() is not known; did you mean `nonceStore`?'],
    ['memoryNonceStore()', () => memoryNonceStore({ maxx: 10 } as never), 'The `maxx` option of memoryNonceStore() is not known; did you mean `max`?'],
    ['redisNonceStore()', () => redisNonceStore({ sendCommand: neverCalled, prefx: 'n:' } as never), 'The `prefx` option of redisNonceStore() is not known; did you mean `prefix`?'],
    [
      'redisMaintenanceSwitch()',
      () => redisMaintenanceSwitch({ sendCommand: neverCalled, pollIntervall: 500 } as never),
      'The `pollIntervall` option of redisMaintenanceSwitch() is not known; did you mean `pollInterval`?',
    ],
    ['rateLimit()', () => rateLimit({ limt: 5 } as never), 'The `limt` option of rateLimit() is not known; did you mean `limit`?'],
    ['rateLimit() (case)', () => rateLimit({ windowMS: 1000 } as never), 'The `windowMS` option of rateLimit() is not known; did you mean `windowMs`?'],
    ['rateLimit() (ours)', () => rateLimit({ storeTimout: 100 } as never), 'The `storeTimout` option of rateLimit() is not known; did you mean `storeTimeout`?'],
    ['maintenance()', () => maintenance({ enabled: true, retryAfer: 60 } as never), 'The `retryAfer` option of maintenance() is not known; did you mean `retryAfter`?'],
    ['timeout()', () => timeout(1000, { mesage: 'Slow.' } as never), 'The `mesage` option of timeout() is not known; did you mean `message`?'],
    ['validate() (options)', () => validate({ body }, { maxError: 5 } as never), 'The `maxError` option of validate() is not known; did you mean `maxErrors`?'],
    ['validate() (schemas)', () => validate({ bdy: body } as never), 'validate() checks body, query, params and headers only, got a schema for `bdy`; did you mean `body`?'],
    ['validated()', () => validated(body, (item) => item, { maxerrors: 5 } as never), 'The `maxerrors` option of validated() is not known; did you mean `maxErrors`?'],
    ['traceHeaders()', () => traceHeaders({ headr: 'X-Request-Id' } as never), 'The `headr` option of traceHeaders() is not known; did you mean `header`?'],
    ['clientErrorHandler()', () => clientErrorHandler({ verison: '2' } as never), 'The `verison` option of clientErrorHandler() is not known; did you mean `version`?'],
    ['checkConformance()', () => checkConformance(plainApp, { crashpath: '/crash' } as never), 'The `crashpath` option of checkConformance() is not known; did you mean `crashPath`?'],
    ['successEnvelopeFor()', () => successEnvelopeFor(true, { ref: 'inline' } as never), 'The `ref` option of successEnvelopeFor() is not known; did you mean `refs`?'],
    ['batchEnvelopeFor()', () => batchEnvelopeFor(true, undefined, { ref: 'inline' } as never), 'The `ref` option of batchEnvelopeFor() is not known; did you mean `refs`?'],
    ['errorResponses()', () => errorResponses({ status: [400] } as never), 'The `status` option of errorResponses() is not known; did you mean `statuses`?'],
    ['openApiResponses()', () => openApiResponses(true, { descripton: 'The order.' } as never), 'The `descripton` option of openApiResponses() is not known; did you mean `description`?'],
    ['openApiDocument()', () => openApiDocument(express(), { info: INFO, serverz: [] } as never), 'The `serverz` option of openApiDocument() is not known; did you mean `servers`?'],
    ['openApiHandler()', () => openApiHandler(express(), { info: INFO, serverz: [] } as never), 'The `serverz` option of openApiHandler() is not known; did you mean `servers`?'],
    ['describe()', () => describeRoute({ sumary: 'One account.' } as never), 'The `sumary` option of describe() is not known; did you mean `summary`?'],
    [
      'openApiBatchResponses()',
      () => openApiBatchResponses(true, undefined, { descripton: 'Done.' } as never),
      'The `descripton` option of openApiBatchResponses() is not known; did you mean `description`?',
    ],
  ];

  it.each(misspelt)('%s: a TypeError at once, naming the key and the nearest known one', (_fn, call, message) => {
    expect(call).toThrow(TypeError);
    expect(call).toThrow(message);
  });

  it('lists the known options when none is near', () => {
    expect(() => envelope({ colour: 'red' } as never)).toThrow(
      new TypeError(
        'The `colour` option of envelope() is not known. Known options: versions, contentTypes, maxBodySize, deprecations, onResponse, trustIncoming, openTelemetry, clsNamespace, mapErrors, traceIdVersion.',
      ),
    );
  });

  it("rateLimit() knows every option of express-rate-limit 8 (refusing `handler` and `statusCode` for what they are)", () => {
    expect(allLimiterNamesListed).toBe(true);
    quietly(() => {
      for (const name of LIMITER_OPTION_NAMES) {
        const call = () => rateLimit({ [name]: undefined } as never);
        if (name === 'handler') expect(call).toThrow('use the `message` option instead of `handler`');
        else if (name === 'statusCode') expect(call).toThrow('always answers 429');
        else expect(call).not.toThrow();
      }
    });
  });
});

describe('a number out of range', () => {
  interface NumberOption {
    /** The function and option. */
    readonly what: string;
    readonly make: (value: unknown) => unknown;
    /** What the message names. */
    readonly named: string;
    readonly min: number;
    readonly max: number;
    /** False when fractions are accepted. */
    readonly whole: boolean;
  }
  const store = () => new SteadyWindowStore();
  const numbers: NumberOption[] = [
    { what: 'envelope() maxBodySize', make: (v) => envelope({ maxBodySize: v as number }), named: '`maxBodySize`', min: 0, max: MAX, whole: true },
    { what: 'hmacVerifier() storeTimeout', make: (v) => hmacVerifier({ secrets: SECRETS, storeTimeout: v as number }), named: '`storeTimeout` option of hmacVerifier()', min: 0, max: MAX_TIMER_MS, whole: true },
    { what: 'memoryNonceStore() max', make: (v) => memoryNonceStore({ max: v as number }), named: '`max` option of memoryNonceStore()', min: 1, max: MAX, whole: true },
    {
      what: 'redisMaintenanceSwitch() pollInterval',
      make: (v) => redisMaintenanceSwitch({ sendCommand: keyAbsent, pollInterval: v as number }).close(),
      named: '`pollInterval` option of redisMaintenanceSwitch()',
      min: 50,
      max: 60_000,
      whole: true,
    },
    {
      what: 'redisMaintenanceSwitch() storeTimeout',
      make: (v) => redisMaintenanceSwitch({ sendCommand: keyAbsent, storeTimeout: v as number }).close(),
      named: '`storeTimeout` option of redisMaintenanceSwitch()',
      min: 1,
      max: MAX_TIMER_MS,
      whole: true,
    },
    { what: 'hmacVerifier() toleranceSeconds', make: (v) => hmacVerifier({ secrets: SECRETS, toleranceSeconds: v as number }), named: '`toleranceSeconds`', min: 1, max: MAX, whole: true },
    { what: 'rateLimit() limit', make: (v) => rateLimit({ limit: v as number }), named: '`limit` option of rateLimit()', min: 0, max: MAX, whole: true },
    { what: 'rateLimit() max', make: (v) => rateLimit({ max: v as number }), named: '`max` option of rateLimit()', min: 0, max: MAX, whole: true },
    { what: 'rateLimit() windowMs', make: (v) => rateLimit({ windowMs: v as number }), named: '`windowMs` option of rateLimit()', min: 1, max: MAX_TIMER_MS, whole: true },
    {
      what: 'rateLimit() windowMs with a store of its own',
      make: (v) => rateLimit({ windowMs: v as number, store: store() }),
      named: '`windowMs` option of rateLimit()',
      min: 1,
      max: MAX,
      whole: true,
    },
    { what: 'rateLimit() retryAfter', make: (v) => rateLimit({ retryAfter: v as number }), named: '`retryAfter` option of rateLimit()', min: 0, max: MAX, whole: true },
    { what: 'rateLimit() ipv6Subnet', make: (v) => rateLimit({ ipv6Subnet: v as number }), named: '`ipv6Subnet` option of rateLimit()', min: 1, max: 128, whole: true },
    { what: 'rateLimit() storeTimeout', make: (v) => rateLimit({ storeTimeout: v as number, store: store() }), named: '`storeTimeout` option of rateLimit()', min: 0, max: MAX_TIMER_MS, whole: true },
    { what: 'maintenance() retryAfter', make: (v) => maintenance({ enabled: true, retryAfter: v as number }), named: '`retryAfter` option of maintenance()', min: 0, max: MAX, whole: true },
    { what: 'timeout() ms', make: (v) => timeout(v as number), named: 'timeout()', min: 1, max: MAX_TIMER_MS, whole: true },
    { what: 'validate() maxErrors', make: (v) => validate({ body }, { maxErrors: v as number }), named: '`maxErrors` option of validate()', min: 1, max: MAX, whole: true },
    { what: 'validated() maxErrors', make: (v) => validated(body, (x) => x, { maxErrors: v as number }), named: '`maxErrors` option of validated()', min: 1, max: MAX, whole: true },
    // One byte more than the limit is declared, which must stay a safe integer.
    { what: 'checkConformance() maxBodySize', make: (v) => checkConformance(plainApp, { maxBodySize: v as number }), named: '`maxBodySize` option of checkConformance()', min: 0, max: MAX - 1, whole: true },
    { what: 'checkConformance() timeoutMs', make: (v) => checkConformance(plainApp, { timeoutMs: v as number }), named: '`timeoutMs` option of checkConformance()', min: 1, max: MAX_TIMER_MS, whole: true },
  ];

  const outOfRange = (o: NumberOption): [string, unknown][] => [
    ['below the least', o.min - 1],
    ['negative', -5],
    ['above the most', o.max + 1],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['a string', String(o.min + 1)],
    ['null', null],
    ...(o.whole ? ([['a fraction', o.min + 0.5]] as [string, unknown][]) : []),
  ];

  describe.each(numbers.map((o) => [o.what, o] as const))('%s', (_what, option) => {
    it.each(outOfRange(option))('%s (%p): a RangeError at once, naming the option', (_case, value) => {
      const call = () => quietly(() => option.make(value));
      expect(call).toThrow(RangeError);
      expect(call).toThrow(option.named);
    });

    it(`accepts ${option.min} and ${option.max}`, async () => {
      for (const value of [option.min, option.max]) {
        const made = quietly(() => option.make(value));
        // checkConformance() returns its probes' promise: settled, so no server stays open.
        if (made instanceof Promise) await made;
      }
    });
  });
});

describe.each(EXPRESS_VERSIONS)('over HTTP on %s', (_name, express) => {
  it('batch() hands an unknown option or a bad number to the error handler: 500, the TypeError or RangeError reported', async () => {
    const cases: [object, ErrorConstructor, string][] = [
      [{ concurency: 2 }, TypeError, 'The `concurency` option of batch() is not known; did you mean `concurrency`?'],
      [{ maxItem: 10 }, TypeError, 'did you mean `maxItems`?'],
      [{ concurrency: 0 }, RangeError, 'The `concurrency` option of batch() must be a whole number of at least 1, got 0.'],
      [{ maxItems: 1.5 }, RangeError, '`maxItems`'],
      [{ concurrency: Number.NaN }, RangeError, '`concurrency`'],
      [{ maxItems: '10' }, RangeError, '`maxItems`'],
    ];
    for (const [options, type, message] of cases) {
      const { app, reported } = buildApp(express, (a) => a.post('/orders/batch', (req, res) => batch(res, req.body, (item) => item, options as never)));
      const res = await request(app).post('/orders/batch').send([{ id: 1 }]);
      expect(res.status).toBe(500);
      expect(res.body.errors[0].code).toBe('INTERNAL_ERROR');
      expect(reported).toHaveLength(1);
      expect(reported[0]?.error).toBeInstanceOf(type);
      expect((reported[0]?.error as Error).message).toContain(message);
    }
  });

  it('rateLimit({ limit: 0 }) is valid and refuses every request with the 429 envelope', async () => {
    const { app } = quietly(() =>
      buildApp(express, (a) => {
        a.use('/api', rateLimit({ limit: 0, windowMs: 60_000 }));
        a.get('/api/orders', (_req, res) => ok(res, []));
      }),
    );
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      for (let i = 0; i < 2; i++) {
        const res = await request(app).get('/api/orders');
        expect(res.status).toBe(429);
        expect(res.headers['retry-after']).toBe('60');
        expect(res.headers['ratelimit']).toBe('limit=0, remaining=0, reset=60');
        expect(res.body).toEqual({
          meta: metaFor(res, 'ERROR'),
          errors: [{ code: 'TOO_MANY_REQUESTS', message: 'Too many requests. Slow down and try again later.', retry_after_seconds: 60 }],
        });
      }
    } finally {
      stderr.mockRestore();
    }
  });

  it('rateLimit({ limit: 1 }) serves one request per window, then answers 429', async () => {
    const { app } = buildApp(express, (a) => {
      a.use('/api', rateLimit({ limit: 1, windowMs: 60_000 }));
      a.get('/api/orders', (_req, res) => ok(res, []));
    });
    expect((await request(app).get('/api/orders')).status).toBe(200);
    expect((await request(app).get('/api/orders')).status).toBe(429);
  });
});
