/**
 * The responders: `ok()` and `fail()`, and the single function that writes
 * any envelope to the wire.
 */
import type { ServerResponse } from 'node:http';
import { isErrorHttpStatus, type ErrorHttpStatus } from '../core/catalog.js';
import {
  errorEnvelope,
  errorObjects,
  successEnvelope,
  type Envelope,
  type ErrorEnvelope,
  type ErrorObject,
  type WarningObject,
} from '../core/envelope.js';
import { normalizeError, type NormalizedError } from '../errors/normalize.js';
import { reportToStderr } from '../core/report.js';
import { contextOf, errorReport, peekContext, type MutableContext } from './context.js';
import { markSpan } from './tracing.js';

/** Options of `ok()` and `fail()`. */
export interface RespondOptions {
  /** Warnings for `meta.warnings`, after any added with `warn()`. */
  readonly warnings?: readonly WarningObject[];
}

/** Why a responder could not answer; it reaches the error handler (and `onError`), never the client as such. */
export class ResponseError extends Error {
  override readonly name: string = 'ResponseError';
}

/** An answer dropped because `timeout()` had already answered 504; reported as a late 504 `GATEWAY_TIMEOUT`. */
export class TimedOutAnswerError extends ResponseError {
  override readonly name = 'TimedOutAnswerError';
  readonly status = 504;
  constructor() {
    super('The request had timed out (504 sent); a later answer from the handler was dropped.');
  }
}

const timedOut: unique symbol = Symbol('kompliant-envelope.timedOut');
type MaybeTimedOut = ServerResponse & { [timedOut]?: true };

/** True when `timeout()` answered this response with a 504. */
export function hasTimedOut(res: ServerResponse): boolean {
  return (res as MaybeTimedOut)[timedOut] === true;
}

/** Marks a response as answered by `timeout()`. */
export function markTimedOut(res: ServerResponse): void {
  (res as MaybeTimedOut)[timedOut] = true;
}

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
// Headers a half-built answer may have set that would describe the envelope wrongly.
const STALE_HEADERS = ['Content-Encoding', 'Content-Language', 'Content-Range', 'Content-Disposition', 'ETag', 'Last-Modified'];

/** Keeps the answer's error code for `onResponse`, and marks the OpenTelemetry span. */
function noteError(res: ServerResponse, status: number, code: string | undefined): void {
  const context = peekContext(res);
  if (context === undefined || code === undefined) return;
  context.code = code;
  if (context.span !== undefined) markSpan(context.span, status, code);
}

/**
 * Serialises `body` once and writes it with `status`. Returns the
 * serialisation error instead of sending when `body` cannot be turned into
 * JSON (BigInt, a cycle, a throwing `toJSON`); returns `undefined` once sent.
 *
 * `res.json()` is not used: it hashes every body into an ETag, which an
 * answer carrying a unique trace_id can never match.
 */
export function writeEnvelope(
  res: ServerResponse,
  status: number,
  body: Envelope,
  headers?: Readonly<Record<string, string>>,
  clearStale = false,
): unknown {
  let json: string;
  try {
    json = JSON.stringify(body);
  } catch (error) {
    return error;
  }
  if (clearStale) for (const name of STALE_HEADERS) res.removeHeader(name);
  if (status >= 400) noteError(res, status, (body as ErrorEnvelope).errors[0]?.code);
  res.statusCode = status;
  if (headers !== undefined) for (const name of Object.keys(headers)) res.setHeader(name, headers[name] as string);
  res.setHeader('Content-Type', JSON_CONTENT_TYPE);
  res.setHeader('Content-Length', Buffer.byteLength(json));
  res.end(json);
  return undefined;
}

const INTERNAL_ERRORS = normalizeError(undefined).errors;

/**
 * `writeEnvelope`, but when `body` cannot be serialised (a BigInt in a
 * warning, say) it answers 500 `INTERNAL_ERROR` without warnings instead, so
 * the request never hangs. Returns the serialisation error, for reporting.
 */
export function writeEnvelopeOrInternal(
  res: ServerResponse,
  context: MutableContext,
  status: number,
  body: Envelope,
  headers?: Readonly<Record<string, string>>,
): unknown {
  const failure = writeEnvelope(res, status, body, headers, true);
  if (failure !== undefined) writeEnvelope(res, 500, errorEnvelope(context, INTERNAL_ERRORS), undefined, true);
  return failure;
}

/**
 * Answers a `NormalizedError` at once — what the guards (`envelope()`'s
 * checks, `rateLimit()`, `maintenance()`, `timeout()`, `authenticate()`)
 * use, with no Error object made and no stack captured per refusal.
 */
export function sendError(res: ServerResponse, error: NormalizedError): void {
  if (res.headersSent) return;
  const context = contextOf(res);
  const failure = writeEnvelopeOrInternal(res, context, error.status, errorEnvelope(context, error.errors, context.warnings), error.headers);
  if (failure !== undefined) {
    reportToStderr(failure, errorReport(res, context, 500, 'INTERNAL_ERROR', false));
  }
}

/**
 * Hands a responder's failure to Express's `next` so the error handler
 * answers and reports it. A responder is often called after an `await`,
 * where throwing would be an unhandled rejection on Express 4.
 */
export function forward(res: ServerResponse, error: unknown): void {
  const next = (res.req as { next?: (error: unknown) => void } | undefined)?.next;
  if (typeof next === 'function') {
    next(error);
    return;
  }
  // Not under Express: answer the 500 here and log it.
  const context = contextOf(res);
  const late = res.headersSent;
  if (!late) writeEnvelope(res, 500, errorEnvelope(context, INTERNAL_ERRORS), undefined, true);
  reportToStderr(error, errorReport(res, context, 500, 'INTERNAL_ERROR', late));
}

/** Writes `body`, or hands the serialisation failure to the error handler. */
function deliver(res: ServerResponse, status: number, body: Envelope): void {
  const failure = writeEnvelope(res, status, body);
  if (failure !== undefined) {
    forward(res, new ResponseError('The response data cannot be serialised to JSON.', { cause: failure }));
  }
}

/** Reports an answer that came after the response was sent (after a 504 from `timeout()`, as such). */
export function dropLate(res: ServerResponse): void {
  forward(
    res,
    hasTimedOut(res)
      ? new TimedOutAnswerError()
      : new ResponseError('A response was already sent for this request; this answer was dropped.'),
  );
}

function allWarnings(context: MutableContext, extra: readonly WarningObject[] | undefined): readonly WarningObject[] | undefined {
  if (extra === undefined || extra.length === 0) return context.warnings;
  const checked = errorObjects(extra, 'warnings');
  return context.warnings === undefined ? checked : [...context.warnings, ...checked];
}

/**
 * Answers 200 with a SUCCESS envelope. `data` defaults to `{}`. If the data
 * cannot be serialised, or an answer was already sent, the error handler
 * answers a 500 (or reports the late call) instead.
 *
 * @example
 * ```ts
 * app.get('/orders/:id', async (req, res) => ok(res, await orders.find(req.params.id)));
 * ```
 */
export function ok<T>(res: ServerResponse, data?: T, options?: RespondOptions): void {
  if (res.headersSent) return dropLate(res);
  if (typeof data === 'function' || typeof data === 'symbol') {
    return forward(res, new ResponseError(`ok() was given a ${typeof data} as data, which JSON cannot carry.`));
  }
  const context = contextOf(res);
  let warnings: readonly WarningObject[] | undefined;
  try {
    warnings = allWarnings(context, options?.warnings);
  } catch (error) {
    return forward(res, error);
  }
  deliver(res, 200, successEnvelope(context, data, warnings));
}

/**
 * Answers `status` with an ERROR envelope. Each error keeps every field
 * given beside `code` and `message`. Like `ok()`, it never throws: a status
 * the spec does not use or a malformed error object reaches the error
 * handler as a 500 and is reported.
 *
 * @example
 * ```ts
 * fail(res, 400, { code: 'VALIDATION_ERROR', message: 'Must be an email.', field: 'email' });
 * ```
 */
export function fail(
  res: ServerResponse,
  status: ErrorHttpStatus,
  errorOrErrors: ErrorObject | readonly ErrorObject[],
  options?: RespondOptions,
): void {
  if (res.headersSent) return dropLate(res);
  if (!isErrorHttpStatus(status)) {
    return forward(
      res,
      new RangeError(`fail() needs one of the spec's error statuses (400, 401, 403, 413, 415, 429, 500, 503, 504), got ${String(status)}.`),
    );
  }
  const context = contextOf(res);
  let errors: ErrorObject[];
  let warnings: readonly WarningObject[] | undefined;
  try {
    errors = errorObjects(Array.isArray(errorOrErrors) ? errorOrErrors : [errorOrErrors as ErrorObject]);
    warnings = allWarnings(context, options?.warnings);
  } catch (error) {
    return forward(res, error);
  }
  deliver(res, status, errorEnvelope(context, errors, warnings));
}
