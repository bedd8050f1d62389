/**
 * The single way any envelope reaches the wire, and the two ways a failure
 * does: answered at once (`sendError`) or handed to the error handler
 * (`forward`).
 */
import type { ServerResponse } from 'node:http';
import { errorEnvelope, type Envelope, type ErrorEnvelope } from '../core/envelope.js';
import { normalizeError, type NormalizedError } from '../core/normalize.js';
import { ResponseError, TimedOutAnswerError } from '../core/response-errors.js';
import { contextOf, peekContext, type MutableContext } from './context.js';
import { markSpan } from './open-telemetry.js';
import { errorReport, reportToStderr } from './report.js';
import { hasTimedOut } from './timed-out.js';

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
// Headers a half-built answer may have set that would describe the envelope wrongly.
// Lower case: removeHeader() lower-cases every name it is given, and a name
// already in lower case is returned as it is instead of copied, six times per error answer.
const STALE_HEADERS = ['content-encoding', 'content-language', 'content-range', 'content-disposition', 'etag', 'last-modified'];

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

/** Reports an answer that came after the response was sent (after a 504 from `timeout()`, as such). */
export function dropLate(res: ServerResponse): void {
  forward(
    res,
    hasTimedOut(res)
      ? new TimedOutAnswerError()
      : new ResponseError('A response was already sent for this request; this answer was dropped.'),
  );
}
