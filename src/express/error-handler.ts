/**
 * `errorHandler()`: mounted last, it answers everything nothing else did —
 * unknown paths and methods, OPTIONS, and every error — as an envelope.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorEnvelope, type Envelope } from '../core/envelope.js';
import { normalizeError, type NormalizedError } from '../core/normalize.js';
import type { ErrorReporter } from '../core/report.js';
import { checkOptionKeys, optionNames } from '../core/options.js';
import { contextOf, type MutableContext } from './context.js';
import { unmatchedAnswer, type RoutedRequest } from './not-found.js';
import { normalizeForRequest } from './map-errors.js';
import { recordSpanException } from './open-telemetry.js';
import { errorReport, reportToStderr, safeReport } from './report.js';
import { writeEnvelopeOrInternal } from './write.js';

/** Options of `errorHandler()`. */
export interface ErrorHandlerOptions {
  /**
   * Called for every error that reaches the handler (4xx and 5xx, and errors
   * after the response started), with the original thrown value and
   * `{ traceId, version, status, code, method, path, late }`, and for a 5xx
   * caused by an upstream call, `upstream: { status, method, url }`. For logging:
   * what it returns is ignored, and if it throws, both errors go to stderr.
   * @default logs each 5xx and late error to stderr with its trace_id
   */
  readonly onError?: ErrorReporter;
}

/** Express's `next`; inlined in the API reference. @inline */
type Next = (error?: unknown) => void;

const INTERNAL = normalizeError(undefined);
const ERROR_HANDLER_OPTIONS = optionNames<ErrorHandlerOptions>({ onError: true });

/**
 * The last middleware: `app.use(errorHandler())`. It is a pair — a handler
 * for requests no route answered and an error handler — which `app.use`
 * accepts as one argument.
 *
 * - no route for the path → 400 `ROUTE_NOT_FOUND`; a route for other methods
 *   → 400 `METHOD_NOT_ALLOWED` with `Allow`; `OPTIONS` on a known path → 200
 *   with `Allow` and `data.methods`;
 * - any error → the envelope `normalizeError` decides (after the mappers of
 *   `envelope({ mapErrors })`), with its allowlisted headers; a 5xx never
 *   carries the thrown message;
 * - an error after the response started → reported; a response still open is
 *   destroyed so the client sees it incomplete rather than silently cut.
 *
 * @example
 * ```ts
 * app.use(errorHandler({ onError: (err, r) => logger.error({ err, ...r }) }));
 * ```
 */
export function errorHandler(
  options: ErrorHandlerOptions = {},
): [
  (req: IncomingMessage, res: ServerResponse, next: Next) => void,
  (error: unknown, req: IncomingMessage, res: ServerResponse, next: Next) => void,
] {
  if (options === null || typeof options !== 'object') {
    throw new TypeError('The options of errorHandler() must be an object.');
  }
  checkOptionKeys(options, ERROR_HANDLER_OPTIONS, 'errorHandler()');
  const { onError = reportToStderr } = options;
  if (typeof onError !== 'function') {
    throw new TypeError('The `onError` option of errorHandler() must be a function.');
  }

  // The default reporter ignores answered 4xx: then the report is not even built.
  const quiet4xx = onError === reportToStderr;
  const report = (error: unknown, res: ServerResponse, context: MutableContext, normalized: NormalizedError, late: boolean) => {
    if (quiet4xx && normalized.status < 500 && !late) return;
    safeReport(onError, error, errorReport(res, context, normalized.status, normalized.errors[0]?.code ?? 'INTERNAL_ERROR', late, error));
  };

  /** Writes the answer; if it cannot be serialised, answers 500 and reports why. */
  const send = (
    res: ServerResponse,
    context: MutableContext,
    status: number,
    body: Envelope,
    headers: Readonly<Record<string, string>> | undefined,
  ) => {
    const failure = writeEnvelopeOrInternal(res, context, status, body, headers);
    if (failure !== undefined) report(failure, res, context, INTERNAL, false);
  };

  function unmatched(req: RoutedRequest, res: ServerResponse): void {
    if (res.headersSent) return; // answered by a middleware that still called next()
    const context = contextOf(res);
    const answer = unmatchedAnswer(req, context);
    send(res, context, answer.status, answer.body, answer.headers);
  }

  function failed(error: unknown, res: ServerResponse): void {
    const context = contextOf(res);
    const normalized = normalizeForRequest(error, context);
    if (res.headersSent) {
      report(error, res, context, normalized, true);
      if (!res.writableEnded) res.destroy();
      return;
    }
    report(error, res, context, normalized, false);
    if (normalized.status >= 500) recordSpanException(context, error);
    send(res, context, normalized.status, errorEnvelope(context, normalized.errors, context.warnings), normalized.headers);
  }

  // Express tells the two apart by arity: (req, res, next) and (err, req, res, next).
  return [
    (req, res, _next) => unmatched(req as RoutedRequest, res),
    (error, _req, res, _next) => failed(error, res),
  ];
}
