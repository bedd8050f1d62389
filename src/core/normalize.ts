import { STANDARD_ERRORS, isErrorHttpStatus, reasonPhrase, type ErrorHttpStatus, type StandardErrorCode } from './catalog.js';
import { entry, type ErrorObject } from './envelope.js';
import { ApiError, isApiError } from './api-error.js';
import { clip } from './bound.js';
import { isUpstreamError } from './upstream.js';

/** What any thrown value becomes: the status, the `errors` array and the response headers to send. */
export interface NormalizedError {
  readonly status: ErrorHttpStatus;
  readonly errors: readonly ErrorObject[];
  /** Allowlisted response headers carried by the error (e.g. `Retry-After`), or `undefined`. */
  readonly headers: Readonly<Record<string, string>> | undefined;
}

/** Response headers an error may set; anything else it carries is dropped. */
export const ALLOWED_ERROR_HEADERS: ReadonlySet<string> = new Set([
  'retry-after',
  'www-authenticate',
  'allow',
  'ratelimit',
  'ratelimit-policy',
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
]);

const MAX_HEADER_NAMES = 32;
// Printable ASCII and tab only: Node's setHeader throws on CR, LF and other controls.
const SAFE_HEADER_VALUE = /^[\t\x20-\x7e]{0,1024}$/;

function fromCatalog(code: StandardErrorCode, message?: string, extra?: Record<string, unknown>): NormalizedError {
  const definition = STANDARD_ERRORS[code];
  return Object.freeze({
    status: definition.status,
    errors: Object.freeze([entry(code, message ?? definition.message, extra)]),
    headers: undefined,
  });
}

const INTERNAL = fromCatalog('INTERNAL_ERROR');
const MALFORMED_PATH = fromCatalog('BAD_REQUEST', 'The request path contains a malformed percent-encoding.');
const UPSTREAM_TIMEOUT = fromCatalog('GATEWAY_TIMEOUT');
const UNDECOMPRESSABLE = fromCatalog('BAD_REQUEST', 'The request body could not be decompressed.');
const ZLIB_CODE = /^(Z_|ERR__ERROR_)/;
const BEARER = Object.freeze({ 'WWW-Authenticate': 'Bearer' });
const JWT_MISSING: NormalizedError = Object.freeze({ ...fromCatalog('MISSING_CREDENTIALS', 'A bearer token is required in the Authorization header.'), headers: BEARER });
const JWT_INVALID: NormalizedError = Object.freeze({
  ...fromCatalog('AUTHENTICATION_FAILED', 'The bearer token is not valid.'),
  headers: Object.freeze({ 'WWW-Authenticate': 'Bearer error="invalid_token"' }),
});

/**
 * body-parser (and raw-body) mark their errors with a `type`; these are mapped
 * by type rather than by status so the code says what happened. Types not
 * listed (`stream.encoding.set`, `stream.not.readable`) fall through to their
 * `status` (500).
 */
const BODY_PARSER_TYPES: Readonly<Record<string, NormalizedError>> = {
  'entity.parse.failed': fromCatalog('MALFORMED_JSON'),
  'entity.too.large': fromCatalog('REQUEST_TOO_LARGE', 'The request body is larger than this endpoint accepts.'),
  'parameters.too.many': fromCatalog('REQUEST_TOO_LARGE', 'The request has too many parameters.'),
  'charset.unsupported': fromCatalog('UNSUPPORTED_MEDIA_TYPE', 'The request charset is not supported.'),
  'encoding.unsupported': fromCatalog('UNSUPPORTED_MEDIA_TYPE', 'The request Content-Encoding is not supported.'),
  // A `verify` callback's own message is internal (an ApiError thrown there is kept as it is).
  'entity.verify.failed': fromCatalog('NOT_AUTHORIZED', 'The request body could not be verified.'),
  'request.aborted': fromCatalog('BAD_REQUEST', 'The request was aborted before its body was complete.'),
  'request.size.invalid': fromCatalog('BAD_REQUEST', 'The request body does not match its Content-Length.'),
};

const TOO_LARGE_UPLOAD = (message: string) => fromCatalog('REQUEST_TOO_LARGE', message);
const BAD_UPLOAD = (message: string) => fromCatalog('BAD_REQUEST', message);

/**
 * multer's `MulterError` codes (multer/lib/multer-error.js), by `code`: limits
 * of size and count are 413, a form the endpoint does not expect is 400.
 * `STREAM_DESTROYED` (a storage engine's stream failed) is not the caller's
 * and stays 500. multer's own messages are fixed too, but ours say more.
 */
const MULTER_CODES: Readonly<Record<string, NormalizedError>> = {
  LIMIT_FILE_SIZE: TOO_LARGE_UPLOAD('An uploaded file is larger than this endpoint accepts.'),
  LIMIT_FIELD_VALUE: TOO_LARGE_UPLOAD('A form field value is longer than this endpoint accepts.'),
  LIMIT_PART_COUNT: TOO_LARGE_UPLOAD('The form has more parts than this endpoint accepts.'),
  LIMIT_FIELD_COUNT: TOO_LARGE_UPLOAD('The form has more fields than this endpoint accepts.'),
  LIMIT_FILE_COUNT: BAD_UPLOAD('The form has more files than this endpoint accepts.'),
  LIMIT_UNEXPECTED_FILE: BAD_UPLOAD('The form has a file in a field this endpoint does not accept.'),
  LIMIT_FIELD_KEY: BAD_UPLOAD('A form field name is longer than this endpoint accepts.'),
  MISSING_FIELD_NAME: BAD_UPLOAD('A form part has no field name.'),
  INVALID_FIELD_NAME: BAD_UPLOAD('A form field name is not valid.'),
  LIMIT_FIELD_NESTING: BAD_UPLOAD('A form field name is nested too deeply.'),
  LIMIT_FIELD_ARRAY_INDEX: BAD_UPLOAD('A form field name has an array index that is too large.'),
};
/** The longest client-given field name sent back as the `field` extra. */
const MAX_FIELD_NAME_LENGTH = 200;

/**
 * busboy's errors are plain `Error`s told apart only by their fixed messages
 * (busboy/lib/types/*.js); multer passes them on as they are. These messages
 * say the body is malformed, never which bytes: answered with one message.
 */
const BUSBOY_MESSAGES: ReadonlySet<string> = new Set([
  'Unexpected end of form',
  'Unexpected end of file',
  'Malformed part header',
  'Multipart: Boundary not found',
  'Malformed content type',
  'Malformed urlencoded form',
]);
const MALFORMED_MULTIPART = BAD_UPLOAD('The multipart body is malformed.');

/** A `MulterError`'s answer, with the field it names; `undefined` for a code not mapped. */
function fromMulter(record: Record<string, unknown>): NormalizedError | undefined {
  const code = record['code'];
  if (typeof code !== 'string' || !Object.hasOwn(MULTER_CODES, code)) return undefined;
  const mapped = MULTER_CODES[code] as NormalizedError;
  const field = record['field'];
  if (typeof field !== 'string' || field === '') return mapped;
  const [first] = mapped.errors as [ErrorObject];
  return { status: mapped.status, errors: [entry(first.code, first.message, { field: clip(field, MAX_FIELD_NAME_LENGTH) })], headers: undefined };
}

/** The standard code for an incoming 4xx/5xx status; statuses the spec does not use fold into 400 or 500. */
function codeForStatus(status: number): StandardErrorCode {
  switch (status) {
    case 400: return 'BAD_REQUEST';
    case 401: return 'AUTHENTICATION_FAILED';
    case 403: return 'NOT_AUTHORIZED';
    case 404: return 'NOT_FOUND';
    case 405: return 'METHOD_NOT_ALLOWED';
    case 413: return 'REQUEST_TOO_LARGE';
    case 415: return 'UNSUPPORTED_MEDIA_TYPE';
    case 422: return 'VALIDATION_ERROR';
    case 429: return 'TOO_MANY_REQUESTS';
    case 503: return 'SERVICE_UNAVAILABLE';
    case 504: return 'GATEWAY_TIMEOUT';
    default: return status < 500 ? 'BAD_REQUEST' : 'INTERNAL_ERROR';
  }
}

/**
 * Codes of upstream calls that timed out: Node (`ETIMEDOUT`), the request
 * library (`ESOCKETTIMEDOUT`), undici and so `fetch` (`UND_ERR_*_TIMEOUT`).
 */
const TIMEOUT_CODES: ReadonlySet<string> = new Set([
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
const MAX_CAUSE_DEPTH = 4;

/**
 * True for an upstream call that timed out, or an error caused by one:
 * `AbortSignal.timeout()`'s `TimeoutError`, the codes above, and axios's
 * `ECONNABORTED` with a timeout message. `fetch` wraps undici's error in a
 * `TypeError` whose `cause` is it, hence the walk down `cause`.
 */
function isTimeout(error: Record<string, unknown>, depth = 0): boolean {
  const code = error['code'];
  if (error['name'] === 'TimeoutError') return true;
  if (typeof code === 'string') {
    if (TIMEOUT_CODES.has(code)) return true;
    if (code === 'ECONNABORTED' && typeof error['message'] === 'string' && error['message'].includes('timeout')) return true;
  }
  const cause = error['cause'];
  return depth < MAX_CAUSE_DEPTH && cause !== null && typeof cause === 'object' && isTimeout(cause as Record<string, unknown>, depth + 1);
}

/** `status`, else `statusCode`, when it is an integer error status; `undefined` otherwise. */
function readStatus(error: Record<string, unknown>): number | undefined {
  const status = typeof error['status'] === 'number' ? error['status'] : error['statusCode'];
  return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 599
    ? status
    : undefined;
}

/** Keeps the allowlisted headers whose values are safe to send. */
export function pickHeaders(headers: unknown): Record<string, string> | undefined {
  if (headers === null || typeof headers !== 'object') return undefined;
  let picked: Record<string, string> | undefined;
  const names = Object.keys(headers);
  for (let i = 0; i < names.length && i < MAX_HEADER_NAMES; i++) {
    const name = names[i] as string;
    if (!ALLOWED_ERROR_HEADERS.has(name.toLowerCase())) continue;
    const raw: unknown = (headers as Record<string, unknown>)[name];
    const value = typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : raw;
    if (typeof value !== 'string' || !SAFE_HEADER_VALUE.test(value)) continue;
    (picked ??= {})[name] = value;
  }
  return picked;
}

function fromApiError(error: ApiError): NormalizedError {
  // `status` is readonly for TypeScript only: a status changed after construction is not trusted.
  if (!isErrorHttpStatus(error.status)) return INTERNAL;
  // An ApiError from another copy of the library is checked again field by field.
  // One clipping rule for every message: this copy's ApiError clipped its own when it was made,
  // one from another copy of the library (or realm) is clipped here.
  const errors: readonly ErrorObject[] =
    error instanceof ApiError
      ? error.errors
      : (error as { errors: readonly ErrorObject[] }).errors
          .filter((e) => e !== null && typeof e === 'object' && typeof e.code === 'string' && typeof e.message === 'string')
          .map(({ code, message, ...extra }) => entry(code, clip(message), extra));
  if (errors.length === 0) return INTERNAL;
  return { status: error.status, errors, headers: pickHeaders(error.headers) };
}

function classify(error: unknown): NormalizedError {
  if (error === null || typeof error !== 'object') return INTERNAL;
  if (isApiError(error)) return fromApiError(error);
  const record = error as Record<string, unknown>;
  const type = record['type'];
  if (typeof type === 'string' && Object.hasOwn(BODY_PARSER_TYPES, type)) {
    return BODY_PARSER_TYPES[type] as NormalizedError;
  }
  const incoming = readStatus(record);
  if (incoming === undefined) {
    const name = record['name'];
    if (name === 'MulterError') return fromMulter(record) ?? INTERNAL;
    if (name === 'Error' && typeof record['message'] === 'string' && BUSBOY_MESSAGES.has(record['message'])) return MALFORMED_MULTIPART;
    return isTimeout(record) ? UPSTREAM_TIMEOUT : INTERNAL;
  }
  // express-jwt's UnauthorizedError (code `credentials_required` when no token
  // was sent) carries internal wording ("jwt malformed"): answered by code.
  // http-errors' 401 is also named UnauthorizedError, but has no `inner`.
  if (incoming === 401 && record['name'] === 'UnauthorizedError' && typeof record['code'] === 'string' && 'inner' in record) {
    return record['code'] === 'credentials_required' ? JWT_MISSING : JWT_INVALID;
  }
  // Express 4 and 5 both raise a 400 URIError for a malformed %-escape in a
  // path parameter, but only Express 4 exposes its message (which echoes the path).
  if (incoming === 400 && error instanceof URIError) return MALFORMED_PATH;
  // body-parser wraps a zlib failure (gzip, deflate, and brotli on Express 5) as a 400 that
  // exposes zlib's own words ("incorrect header check"); one fixed message on both majors.
  if (incoming === 400 && typeof record['errno'] === 'number' && typeof record['code'] === 'string' && ZLIB_CODE.test(record['code'])) {
    return UNDECOMPRESSABLE;
  }
  // An HTTP client's error carries the status an upstream answered us with: that
  // failure is ours, never the caller's (the spec's 4xx tell the caller to
  // correct the request). Checked after the cheaper tests above.
  if (isUpstreamError(record)) return INTERNAL;
  const code = codeForStatus(incoming);
  const definition = STANDARD_ERRORS[code];
  const message = record['message'];
  // http-errors' contract: a message is for the client only when `expose` is true,
  // which it never is for 5xx; a 5xx never carries the thrown message. The bare
  // reason phrase http-errors uses when given no message ("Not Found") says
  // less than the catalog's message, so the catalog's is used instead.
  const exposed =
    definition.status < 500 &&
    record['expose'] === true &&
    typeof message === 'string' &&
    message !== '' &&
    message !== reasonPhrase(incoming)
      ? clip(message)
      : definition.message;
  return { status: definition.status, errors: [entry(code, exposed)], headers: pickHeaders(record['headers']) };
}

/**
 * A team's own mapping, tried before the built-in one (`envelope({ mapErrors })`):
 * given any thrown value, it returns the answer as an `ApiError` (anything
 * `isApiError()` accepts), or `undefined` when the error is not one it knows.
 * What it returns goes through the same checks as a thrown `ApiError`.
 *
 * @example
 * ```ts
 * const uniqueViolations: ErrorMapper = (error) =>
 *   error instanceof UniqueConstraintError ? new ApiError(400, 'EMAIL_TAKEN', 'This email is already registered.') : undefined;
 * ```
 */
export type ErrorMapper = (error: unknown) => ApiError | undefined;

/**
 * Told when a mapper of `normalizeError(error, mappers)` failed and was
 * skipped: it threw (`threw: true`, `value` is what it threw) or returned
 * something that is neither `undefined` nor an `ApiError` (`value` is that).
 */
export type MapperFailureHandler = (mapper: ErrorMapper, index: number, threw: boolean, value: unknown) => void;

/**
 * The first mapper's answer, normalised; `undefined` when none claims the
 * error. A mapper that throws or returns anything but an `ApiError` or
 * `undefined` is skipped (and `onFailure` told), never trusted.
 */
function fromMappers(error: unknown, mappers: readonly ErrorMapper[], onFailure: MapperFailureHandler | undefined): NormalizedError | undefined {
  for (let i = 0; i < mappers.length; i++) {
    const mapper = mappers[i] as ErrorMapper;
    let answer: unknown;
    try {
      answer = mapper(error);
    } catch (thrown) {
      notify(onFailure, mapper, i, true, thrown);
      continue;
    }
    if (answer === undefined) continue;
    if (isApiError(answer)) return fromApiError(answer);
    notify(onFailure, mapper, i, false, answer);
  }
  return undefined;
}

function notify(onFailure: MapperFailureHandler | undefined, mapper: ErrorMapper, index: number, threw: boolean, value: unknown): void {
  if (onFailure === undefined) return;
  try {
    onFailure(mapper, index, threw, value);
  } catch {
    // A failing report must not change the answer.
  }
}

/**
 * Turns any thrown value into the answer the client gets. The one mapping
 * used by the error handler, `batch()` and every guard.
 *
 * - `ApiError`: its status, errors and allowlisted headers.
 * - body-parser errors: by `type` (see docs/error-mapping.md).
 * - multer's `MulterError`: by `code`, 413 `REQUEST_TOO_LARGE` for a size or
 *   count limit, 400 `BAD_REQUEST` for too many files or a form the endpoint
 *   does not expect, with the form's `field` as an extra when multer names it;
 *   busboy's malformed-multipart errors: 400 `BAD_REQUEST`. Fixed messages.
 * - an error that describes an answer this service received from another one
 *   (axios, got, ky, Octokit, gaxios, undici, a fetch wrapper's error with a
 *   `response` status, this package's client's `EnvelopeError`): 500
 *   `INTERNAL_ERROR` whatever the upstream's status, because an upstream's
 *   401, 404 or 429 is not the caller's fault; nothing of the upstream's
 *   answer is sent. (An upstream call that timed out is 504, below.)
 * - http-errors and anything else with an integer `status`/`statusCode` in
 *   400–599: mapped onto the spec's statuses; a 4xx message only when
 *   `expose === true`.
 * - express-jwt's `UnauthorizedError`: 401 `MISSING_CREDENTIALS` (with
 *   `WWW-Authenticate: Bearer`) or `AUTHENTICATION_FAILED` (with
 *   `Bearer error="invalid_token"`).
 * - an upstream call that timed out (`AbortSignal.timeout`, `ETIMEDOUT`,
 *   undici and axios timeouts, also as a `cause`): 504 `GATEWAY_TIMEOUT`.
 * - anything else (strings, `null`, numbers, a `status` of 200, "400", 999 or
 *   NaN, an object whose getters throw): 500 `INTERNAL_ERROR`.
 *
 * `mappers` (what `envelope({ mapErrors })` gives) are tried first, in
 * order: the first `ApiError` one returns is the answer, checked like a
 * thrown one (a status the spec does not use, or no valid error object,
 * gives 500). A mapper that throws or returns anything else is skipped, and
 * `onMapperFailure` (if given) is told.
 *
 * Never throws.
 */
export function normalizeError(error: unknown, mappers?: readonly ErrorMapper[], onMapperFailure?: MapperFailureHandler): NormalizedError {
  try {
    if (mappers !== undefined) {
      const mapped = fromMappers(error, mappers, onMapperFailure);
      if (mapped !== undefined) return mapped;
    }
    return classify(error);
  } catch {
    return INTERNAL;
  }
}
