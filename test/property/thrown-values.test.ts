/**
 * Properties of `normalizeError` and of the error handler over HTTP for
 * anything a handler may throw: strings, BigInts, cycles, http-errors-style
 * objects with odd `status`/`expose`/`headers`, getters and Proxies that
 * throw, ApiErrors real and look-alike.
 */
import type { Server } from 'node:http';
import { STATUS_CODES } from 'node:http';
import fc from 'fast-check';
import createError from 'http-errors';
import request from 'supertest';
import { ApiError, asyncHandler, isApiError } from 'kompliant-envelope';
import { ALLOWED_ERROR_HEADERS, ERROR_STATUSES, MAX_ERROR_MESSAGE_LENGTH, normalizeError } from 'kompliant-envelope/core';
import { EXPRESS_VERSIONS, UUID_V4, buildApp } from '../support/apps.js';
import { MESSAGE_MARK, SECRET, headerValue, mixedCase } from './arbitraries.js';
import { PRINTABLE_HEADER_VALUE, TRANSPORT_HEADERS, close, listen } from './servers.js';

/** A value to throw, with what is known for certain about its answer. */
interface Thrown {
  readonly value: unknown;
  /** The answer's status, when the generator knows it from the spec's mapping. */
  readonly status?: number;
  /** The first error's exact message, when the thrown message must be sent. */
  readonly message?: string;
}

/** Labels a case for fast-check's counterexample report (a throwing Proxy cannot be printed). */
function labelled(thrown: Thrown, label: string): Thrown {
  return Object.assign(thrown, { [fc.toStringMethod]: () => label });
}

const SPEC_STATUSES: readonly number[] = ERROR_STATUSES;

/** http-status-codes.txt: 404 and 405 are answered 400; other statuses it does not use fold into 400 or 500. */
const SPEC_STATUS_FOR: Readonly<Record<number, number>> = {
  400: 400, 401: 401, 403: 403, 404: 400, 405: 400, 413: 413, 415: 415, 422: 400, 429: 429, 503: 503, 504: 504,
};
function specStatus(incoming: number): number {
  return SPEC_STATUS_FOR[incoming] ?? (incoming < 500 ? 400 : 500);
}

/** body-parser's error types and the statuses the README's error-mapping table gives them. */
const BODY_PARSER_STATUS: Readonly<Record<string, number>> = {
  'entity.parse.failed': 400,
  'entity.too.large': 413,
  'parameters.too.many': 413,
  'charset.unsupported': 415,
  'encoding.unsupported': 415,
  'entity.verify.failed': 403,
  'request.aborted': 400,
  'request.size.invalid': 400,
};
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** True for an ApiError; a value whose traps throw is none. */
function isApiErrorSafely(value: unknown): boolean {
  try {
    return isApiError(value);
  } catch {
    return false;
  }
}

/**
 * classify()'s rule: a thrown message may reach the client only from an
 * ApiError (any status: its messages are its public contract), or from a
 * value with `expose === true` whose `status` (else `statusCode`) is an
 * integer 4xx. Never from a 5xx, never from anything else.
 */
function mayExposeMessage(value: unknown): boolean {
  try {
    if (isApiError(value)) return true;
    if (value === null || typeof value !== 'object') return false;
    const record = value as Record<string, unknown>;
    const status = typeof record['status'] === 'number' ? record['status'] : record['statusCode'];
    return record['expose'] === true && typeof status === 'number' && Number.isInteger(status) && status >= 400 && status < 500;
  } catch {
    return false;
  }
}

/** Every key and string reachable in `value`, cycles and depth bounded. */
function stringsIn(value: unknown, out: string[] = [], seen = new Set<object>(), depth = 0): string[] {
  if (typeof value === 'string') out.push(value);
  else if (value !== null && typeof value === 'object' && !seen.has(value) && depth < 32) {
    seen.add(value);
    for (const key of Object.keys(value)) {
      out.push(key);
      stringsIn((value as Record<string, unknown>)[key], out, seen, depth + 1);
    }
  }
  return out;
}

const SECRET_STACK = `Error: ${SECRET}\n    at handler (/srv/app/${SECRET}.js:12:7)`;

// ——— arbitraries ———

const statusArb: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.constantFrom(400, 401, 403, 404, 405, 413, 415, 418, 422, 429, 451, 499, 500, 501, 502, 503, 504, 599), weight: 6 },
  { arbitrary: fc.integer({ min: -1000, max: 1000 }), weight: 3 },
  { arbitrary: fc.integer(), weight: 1 },
  { arbitrary: fc.double(), weight: 1 },
  { arbitrary: fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 400.5, 499.999, 503.0000001, 1e21), weight: 1 },
  { arbitrary: fc.oneof(fc.string({ maxLength: 5 }), fc.constantFrom('400', '404', ' 500', '4e2')), weight: 1 },
  { arbitrary: fc.constantFrom(400n, 503n, null, true, undefined), weight: 1 },
);

const exposeArb: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.boolean(), weight: 4 },
  { arbitrary: fc.constantFrom('true', 1, null, undefined), weight: 1 },
);

const markedMessage: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.tuple(fc.string({ maxLength: 30 }), fc.string({ maxLength: 30 })).map(([a, b]) => `${a}${MESSAGE_MARK}${b}`), weight: 6 },
  {
    arbitrary: fc
      .integer({ min: MAX_ERROR_MESSAGE_LENGTH - 30, max: MAX_ERROR_MESSAGE_LENGTH + 50 })
      .map((n) => `${MESSAGE_MARK}${'x'.repeat(n)}`),
    weight: 1,
  },
  { arbitrary: fc.constant(`${MESSAGE_MARK}: timeout of 5000ms exceeded`), weight: 1 },
);

const messageArb: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: markedMessage, weight: 8 },
  { arbitrary: fc.constantFrom('', 'Not Found', 'Bad Request', 'Unauthorized', 'Internal Server Error'), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 1 },
  { arbitrary: fc.anything({ maxDepth: 1, withBigInt: true }), weight: 1 },
);

const allowedHeaderName: fc.Arbitrary<string> = fc.constantFrom(...ALLOWED_ERROR_HEADERS).chain(mixedCase);
const otherHeaderName: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('Set-Cookie', 'Location', 'Content-Type', 'Content-Length', 'Connection', 'Transfer-Encoding', 'X-Trace-Id', 'X-API-Version'),
  fc.string({ maxLength: 20 }),
);
const anyHeaderValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: headerValue(40), weight: 4 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 20 }), weight: 2 },
  { arbitrary: fc.string({ maxLength: 10 }).map((s) => `120\r\nSet-Cookie: ${SECRET}=${s}`), weight: 2 },
  { arbitrary: fc.constantFrom(`${SECRET}\n`, `\r\n${SECRET}`, `Bearer ${SECRET}\u0000`, `ça va ${SECRET}`, `\u2028${SECRET}`), weight: 1 },
  { arbitrary: fc.oneof(fc.integer(), fc.double(), fc.bigInt(), fc.boolean(), fc.constant(null)), weight: 2 },
  { arbitrary: fc.array(headerValue(10), { maxLength: 3 }), weight: 1 },
  { arbitrary: fc.integer({ min: 1020, max: 1030 }).map((n) => '9'.repeat(n)), weight: 1 },
);
/** Header objects whose `Retry-After` getter throws: reading them fails the whole normalisation. */
const throwingHeaders = new WeakSet<object>();

/** Headers an error carries: allowlisted and other names, safe and unsafe values, always two secret ones. */
const headersArb: fc.Arbitrary<unknown> = fc.oneof(
  {
    arbitrary: fc
      .dictionary(fc.oneof(allowedHeaderName, otherHeaderName), anyHeaderValue, { maxKeys: 40 })
      .map((headers) => ({ ...headers, 'X-Leak': SECRET, 'Set-Cookie': `sid=${SECRET}` })),
    weight: 5,
  },
  { arbitrary: fc.anything({ maxDepth: 1 }), weight: 1 },
  {
    arbitrary: fc.constant(null).map(() => {
      const headers = Object.defineProperty({ 'X-Leak': SECRET }, 'Retry-After', {
        enumerable: true,
        get() {
          throw new Error(SECRET);
        },
      });
      throwingHeaders.add(headers);
      return headers;
    }),
    weight: 1,
  },
);

/** An http-errors / body-parser / express-jwt / upstream-timeout style error, described field by field. */
const errorSpec = fc.record(
  {
    base: fc.constantFrom('Error', 'TypeError', 'URIError', 'object', 'null-prototype'),
    message: messageArb,
    status: statusArb,
    statusCode: statusArb,
    expose: exposeArb,
    headers: headersArb,
    type: fc.oneof(
      { arbitrary: fc.constantFrom(...Object.keys(BODY_PARSER_STATUS)), weight: 1 },
      { arbitrary: fc.constantFrom('stream.encoding.set', 'entity.unknown', ''), weight: 2 },
    ),
    name: fc.constantFrom('UnauthorizedError', 'TimeoutError', 'ApiError', 'HttpError', 'BadRequestError'),
    code: fc.constantFrom('credentials_required', 'invalid_token', 'ETIMEDOUT', 'ECONNABORTED', 'UND_ERR_HEADERS_TIMEOUT', 'ECONNRESET'),
    inner: fc.constant(true),
    timeoutCause: fc.boolean(),
  },
  { requiredKeys: ['base', 'message'] },
);
type ErrorSpec = typeof errorSpec extends fc.Arbitrary<infer T> ? T : never;

/** The status `status`, else `statusCode`, when it is an integer in 400-599. */
function incomingStatus(spec: ErrorSpec): number | undefined {
  const raw = typeof spec.status === 'number' ? spec.status : spec.statusCode;
  return typeof raw === 'number' && Number.isInteger(raw) && raw >= 400 && raw <= 599 ? raw : undefined;
}

function timedOut(spec: ErrorSpec): boolean {
  return (
    spec.name === 'TimeoutError' ||
    (spec.code !== undefined && TIMEOUT_CODES.has(spec.code)) ||
    (spec.code === 'ECONNABORTED' && typeof spec.message === 'string' && spec.message.includes('timeout')) ||
    spec.timeoutCause === true
  );
}

/** express-jwt's errors and Express's URIError are answered with the library's own wording and headers. */
function answeredByShape(spec: ErrorSpec, incoming: number): boolean {
  return (
    (incoming === 401 && spec.name === 'UnauthorizedError' && spec.code !== undefined && spec.inner === true) ||
    (incoming === 400 && spec.base === 'URIError')
  );
}

/** The status the README's error-mapping table gives this error. */
function expectedStatus(spec: ErrorSpec): number {
  if (spec.type !== undefined && Object.hasOwn(BODY_PARSER_STATUS, spec.type)) return BODY_PARSER_STATUS[spec.type] as number;
  const incoming = incomingStatus(spec);
  if (incoming === undefined) return timedOut(spec) ? 504 : 500;
  // "an object whose getters throw" is a 500, here its headers.
  if (!answeredByShape(spec, incoming) && typeof spec.headers === 'object' && spec.headers !== null && throwingHeaders.has(spec.headers)) return 500;
  return specStatus(incoming);
}

/** The message the client must get: the thrown one (cut at the limit) for an exposed 4xx, else unknown here. */
function expectedMessage(spec: ErrorSpec): string | undefined {
  if (expectedStatus(spec) >= 500) return undefined;
  if (spec.type !== undefined && Object.hasOwn(BODY_PARSER_STATUS, spec.type)) return undefined;
  const incoming = incomingStatus(spec);
  if (incoming === undefined || answeredByShape(spec, incoming)) return undefined;
  const { message } = spec;
  if (spec.expose !== true || typeof message !== 'string' || message === '' || message === STATUS_CODES[incoming]) return undefined;
  return message.length <= MAX_ERROR_MESSAGE_LENGTH ? message : `${message.slice(0, MAX_ERROR_MESSAGE_LENGTH - 1)}…`;
}

function buildError(spec: ErrorSpec): Thrown {
  let error: Record<string, unknown>;
  switch (spec.base) {
    case 'Error': error = new Error() as unknown as Record<string, unknown>; break;
    case 'TypeError': error = new TypeError() as unknown as Record<string, unknown>; break;
    case 'URIError': error = new URIError() as unknown as Record<string, unknown>; break;
    case 'object': error = {}; break;
    case 'null-prototype': error = Object.create(null) as Record<string, unknown>; break;
  }
  error['message'] = spec.message;
  error['stack'] = SECRET_STACK;
  error['detail'] = SECRET;
  error['sql'] = `SELECT * FROM users WHERE password = '${SECRET}'`;
  error['cause'] = spec.timeoutCause === true ? { name: 'TimeoutError', message: SECRET } : { message: SECRET };
  for (const field of ['status', 'statusCode', 'expose', 'headers', 'type', 'name', 'code'] as const) {
    if (field in spec) error[field] = spec[field];
  }
  if (spec.inner === true) error['inner'] = new Error(SECRET);
  const message = expectedMessage(spec);
  return { value: error, status: expectedStatus(spec), ...(message === undefined ? {} : { message }) };
}

const errorLike: fc.Arbitrary<Thrown> = errorSpec.map(buildError);

/** What http-errors' createError() makes: `expose` is true below 500, `headers` from its properties. */
const httpErrorsError: fc.Arbitrary<Thrown> = fc
  .record({
    status: fc.integer({ min: 400, max: 599 }),
    message: fc.option(markedMessage, { nil: undefined }),
    headers: fc.option(headersArb, { nil: undefined }),
  })
  .map(({ status, message, headers }) => {
    const props = { detail: SECRET, ...(headers === undefined ? {} : { headers }) };
    const error = message === undefined ? createError(status, props) : createError(status, message, props);
    error.stack = SECRET_STACK;
    const answered =
      typeof headers === 'object' && headers !== null && throwingHeaders.has(headers) ? 500 : specStatus(error.status);
    const exposed =
      answered < 500 && message !== undefined
        ? message.length <= MAX_ERROR_MESSAGE_LENGTH
          ? message
          : `${message.slice(0, MAX_ERROR_MESSAGE_LENGTH - 1)}…`
        : undefined;
    return { value: error, status: answered, ...(exposed === undefined ? {} : { message: exposed }) };
  });

const realApiError: fc.Arbitrary<Thrown> = fc
  .record({
    status: fc.constantFrom(...ERROR_STATUSES),
    code: fc.stringMatching(/^[A-Z][A-Z0-9_]{0,15}$/),
    message: markedMessage,
    extra: fc.option(fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }), { nil: undefined }),
    headers: fc.option(
      fc.dictionary(fc.oneof(allowedHeaderName, otherHeaderName), fc.oneof(headerValue(20), fc.integer()), { maxKeys: 6 }),
      { nil: undefined },
    ),
  })
  .map(({ status, code, message, extra, headers }) => {
    const error = new ApiError(status, code, message, extra, {
      cause: new Error(SECRET),
      headers: { ...headers, 'X-Leak': SECRET },
    });
    error.stack = SECRET_STACK;
    // One clipping rule for every message, this copy's ApiError included.
    return { value: error, status, message: message.length <= MAX_ERROR_MESSAGE_LENGTH ? message : `${message.slice(0, MAX_ERROR_MESSAGE_LENGTH - 1)}…` };
  });

/** Shaped like an ApiError of another copy of the library: checked field by field. */
const lookalikeApiError: fc.Arbitrary<Thrown> = fc
  .record({
    status: fc.oneof(fc.constantFrom(...ERROR_STATUSES), statusArb),
    errors: fc.array(
      fc.oneof(
        fc.record({ code: fc.string({ maxLength: 10 }), message: markedMessage, hint: fc.string({ maxLength: 10 }) }),
        fc.anything({ maxDepth: 2, withBigInt: true }),
      ),
      { maxLength: 4 },
    ),
    headers: headersArb,
  })
  .map(({ status, errors, headers }) => {
    const error = Object.assign(new Error(MESSAGE_MARK), { name: 'ApiError', status, errors, headers, detail: SECRET });
    error.stack = SECRET_STACK;
    return labelled({ value: error }, `look-alike ApiError ${JSON.stringify({ status: String(status), errors: errors.length })}`);
  });

const PROXY_TRAPS = ['get', 'has', 'ownKeys', 'getPrototypeOf', 'getOwnPropertyDescriptor'] as const;
const throwingProxy: fc.Arbitrary<Thrown> = fc
  .record({ traps: fc.subarray([...PROXY_TRAPS], { minLength: 1 }), error: fc.boolean(), revoked: fc.boolean() })
  .map(({ traps, error, revoked }) => {
    const target: object = error
      ? Object.assign(new Error(MESSAGE_MARK), { status: 400, expose: true, detail: SECRET })
      : { status: 400, expose: true, message: MESSAGE_MARK, detail: SECRET };
    if (revoked) {
      const { proxy, revoke } = Proxy.revocable(target, {});
      revoke();
      return labelled({ value: proxy }, 'revoked Proxy');
    }
    const handler: Record<string, () => never> = {};
    for (const trap of traps) {
      handler[trap] = () => {
        throw new Error(SECRET);
      };
    }
    return labelled({ value: new Proxy(target, handler) }, `Proxy throwing on ${traps.join(', ')}`);
  });

const GETTER_FIELDS = ['status', 'statusCode', 'message', 'expose', 'headers', 'type', 'name', 'code', 'cause', 'errors'];
const throwingGetters: fc.Arbitrary<Thrown> = fc
  .record({ fields: fc.subarray(GETTER_FIELDS, { minLength: 1 }), error: fc.boolean(), status: fc.constantFrom(400, 401, 429, 500) })
  .map(({ fields, error, status }) => {
    const value: Record<string, unknown> = error ? (new Error(MESSAGE_MARK) as unknown as Record<string, unknown>) : { message: MESSAGE_MARK };
    Object.assign(value, { status, expose: true, detail: SECRET, stack: SECRET_STACK });
    for (const field of fields) {
      Object.defineProperty(value, field, {
        enumerable: true,
        configurable: true,
        get() {
          throw new Error(SECRET);
        },
      });
    }
    return labelled({ value }, `getters throwing on ${fields.join(', ')}`);
  });

function throwingToJSON(): never {
  throw new Error(SECRET);
}
const unserialisable: fc.Arbitrary<Thrown> = fc.oneof(
  fc.bigInt().map((value) => ({ value })),
  fc.constantFrom(400, 429, 500).map((status) => ({
    value: { status, expose: true, message: MESSAGE_MARK, detail: SECRET, toJSON: throwingToJSON },
  })),
  fc.constant(null).map(() => ({ value: Object.assign(new Error(MESSAGE_MARK), { status: 400n, expose: true, detail: SECRET }), status: 500 })),
  // The ApiError is valid; its answer cannot be serialised, so the client gets a 500 INTERNAL_ERROR.
  fc.constantFrom(400, 403).map((status) => ({ value: new ApiError(status, 'BIG', MESSAGE_MARK, { n: 10n ** 30n }) })),
  fc.constantFrom(400, 415).map((status) => ({ value: new ApiError(status, 'BAD_JSON', MESSAGE_MARK, { bad: { toJSON: throwingToJSON } }) })),
);

const cyclic: fc.Arbitrary<Thrown> = fc
  .record({ fields: fc.object({ maxDepth: 2 }), asError: fc.boolean(), lookalike: fc.boolean() })
  .map(({ fields, asError, lookalike }) => {
    const value: Record<string, unknown> = asError
      ? Object.assign(new Error(SECRET) as unknown as Record<string, unknown>, fields)
      : { ...fields, message: SECRET };
    value['self'] = value;
    value['cause'] = value;
    value['headers'] = value;
    if (lookalike) {
      const loop: Record<string, unknown> = { depth: 1 };
      loop['loop'] = loop;
      Object.assign(value, { name: 'ApiError', status: 400, errors: [{ code: 'CYCLE', message: MESSAGE_MARK, loop }] });
    } else {
      value['errors'] = [value];
    }
    return labelled({ value }, `cyclic ${asError ? 'Error' : 'object'}${lookalike ? ' (ApiError look-alike)' : ''}`);
  });

const anything: fc.Arbitrary<Thrown> = fc
  .anything({
    maxDepth: 3,
    withBigInt: true,
    withBoxedValues: true,
    withMap: true,
    withSet: true,
    withObjectString: true,
    withNullPrototype: true,
    withDate: true,
    withTypedArray: true,
    withSparseArray: true,
  })
  .map((value) => ({ value }));

const thrownArb: fc.Arbitrary<Thrown> = fc.oneof(
  { arbitrary: anything, weight: 3 },
  { arbitrary: errorLike, weight: 6 },
  { arbitrary: httpErrorsError, weight: 2 },
  { arbitrary: realApiError, weight: 2 },
  { arbitrary: lookalikeApiError, weight: 1 },
  { arbitrary: throwingProxy, weight: 1 },
  { arbitrary: throwingGetters, weight: 1 },
  { arbitrary: unserialisable, weight: 1 },
  { arbitrary: cyclic, weight: 1 },
);

// ——— properties ———

describe('normalizeError() on arbitrary thrown values', () => {
  it('never throws, and gives a spec status, well-formed errors and only safe allowlisted headers', () => {
    fc.assert(
      fc.property(thrownArb, (thrown) => {
        const normalized = normalizeError(thrown.value);
        expect(SPEC_STATUSES).toContain(normalized.status);
        if (thrown.status !== undefined) expect(normalized.status).toBe(thrown.status);
        expect(Array.isArray(normalized.errors)).toBe(true);
        expect(normalized.errors.length).toBeGreaterThanOrEqual(1);
        for (const error of normalized.errors) {
          expect(typeof error.code).toBe('string');
          expect(typeof error.message).toBe('string');
        }
        if (thrown.message !== undefined) expect(normalized.errors[0]?.message).toBe(thrown.message);
        if (normalized.headers !== undefined) {
          for (const [name, value] of Object.entries(normalized.headers)) {
            expect(ALLOWED_ERROR_HEADERS.has(name.toLowerCase())).toBe(true);
            expect(typeof value).toBe('string');
            expect(value).toMatch(/^[\t\x20-\x7e]{0,1024}$/);
          }
        }
        const sent = stringsIn(normalized.errors).join('\n');
        expect(sent).not.toContain(SECRET);
        if (!mayExposeMessage(thrown.value)) expect(sent).not.toContain(MESSAGE_MARK);
      }),
      { numRuns: 1500 },
    );
  });
});

/**
 * A real ApiError whose `status` was reassigned after construction (`readonly`
 * only in TypeScript; error-wrapping middleware does `err.status = 404`).
 * Every case was a counterexample before normalizeError checked the field (a fixed bug).
 */
const reassignedApiError: fc.Arbitrary<Thrown> = fc
  .tuple(fc.constantFrom(...ERROR_STATUSES), statusArb.filter((status) => !SPEC_STATUSES.includes(status as number)))
  .map(([status, reassigned]) => {
    const error = new ApiError(status, 'X', MESSAGE_MARK);
    (error as { status: unknown }).status = reassigned;
    return labelled({ value: error }, `new ApiError(${status}, 'X', …) with status then set to ${String(reassigned)}`);
  });

describe('regression: normalizeError() and an ApiError whose status was reassigned', () => {
  it('still gives a spec status', () => {
    fc.assert(
      fc.property(reassignedApiError, (thrown) => {
        expect(SPEC_STATUSES).toContain(normalizeError(thrown.value).status);
      }),
      { numRuns: 50 },
    );
  });
});

describe.each(EXPRESS_VERSIONS)('errorHandler() on arbitrary thrown values, %s', (_name, express) => {
  let current: unknown;
  let server: Server | undefined;

  beforeAll(async () => {
    const { app } = buildApp(express, (a) => {
      a.get(
        '/throw',
        asyncHandler(() => {
          throw current;
        }),
      );
    });
    server = await listen(app);
  });
  afterAll(() => close(server));

  it('answers an envelope with a spec status, a matching trace id, safe headers and no internal detail', async () => {
    // 'route' and 'router' are Express's own control-flow signals for next(), not errors.
    const thrownOverHttp = thrownArb.filter((t) => t.value !== 'route' && t.value !== 'router');
    await fc.assert(
      fc.asyncProperty(thrownOverHttp, async (thrown) => {
        current = thrown.value;
        const res = await request(server as Server).get('/throw');

        expect(SPEC_STATUSES).toContain(res.status);
        if (thrown.status !== undefined) expect(res.status).toBe(thrown.status);
        expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
        expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.text));

        const body = JSON.parse(res.text) as { meta: unknown; errors: { code: unknown; message: unknown }[] };
        expect(Object.keys(body).sort()).toEqual(['errors', 'meta']);
        expect(body.meta).toEqual({ status: 'ERROR', trace_id: res.headers['x-trace-id'], version: '1' });
        expect(res.headers['x-trace-id']).toMatch(UUID_V4);
        expect(Array.isArray(body.errors)).toBe(true);
        expect(body.errors.length).toBeGreaterThanOrEqual(1);
        for (const error of body.errors) {
          expect(typeof error.code).toBe('string');
          expect(typeof error.message).toBe('string');
        }
        if (thrown.message !== undefined) expect(body.errors[0]?.message).toBe(thrown.message);

        expect(res.text).not.toContain(SECRET);
        if (!mayExposeMessage(thrown.value)) expect(res.text).not.toContain(MESSAGE_MARK);
        if (res.status >= 500 && !isApiErrorSafely(thrown.value)) expect(res.text).not.toContain(MESSAGE_MARK);

        for (const [name, value] of Object.entries(res.headers as Record<string, string | string[]>)) {
          expect(TRANSPORT_HEADERS.has(name) || ALLOWED_ERROR_HEADERS.has(name)).toBe(true);
          for (const one of Array.isArray(value) ? value : [value]) {
            expect(one).toMatch(PRINTABLE_HEADER_VALUE);
            expect(one).not.toContain(SECRET);
          }
        }
      }),
      { numRuns: 100 },
    );
  }, 30_000);

  it('an ApiError whose status was reassigned still gets a spec status and a JSON envelope', async () => {
    await fc.assert(
      fc.asyncProperty(reassignedApiError, async (thrown) => {
        current = thrown.value;
        const res = await request(server as Server).get('/throw');
        expect(SPEC_STATUSES).toContain(res.status);
        expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      }),
      { numRuns: 20 },
    );
  });
});
