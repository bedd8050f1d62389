/**
 * `errorHandler()`: mounted last, it answers everything nothing else did —
 * unknown paths and methods, OPTIONS, and every error — as an envelope.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STANDARD_ERRORS } from '../core/catalog.js';
import { entry, errorEnvelope, successEnvelope, type ErrorObject } from '../core/envelope.js';
import { reportToStderr, safeReport, type ErrorReporter } from '../core/report.js';
import { normalizeError, type NormalizedError } from '../errors/normalize.js';
import { contextOf, type MutableContext } from './context.js';
import { allowedMethods, appRelativePath } from './not-found.js';
import { writeEnvelope } from './respond.js';

/** Options of `errorHandler()`. */
export interface ErrorHandlerOptions {
  /**
   * Called for every error that reaches the handler (4xx and 5xx, and errors
   * after the response started), with the original thrown value and
   * `{ traceId, version, status, code, method, path, late }`. For logging:
   * what it returns is ignored, and if it throws, both errors go to stderr.
   * @default logs each 5xx and late error to stderr with its trace_id
   */
  readonly onError?: ErrorReporter;
}

/** The Express request fields read here; typed loosely so Express 4 and 5 both fit. */
interface RequestLike extends IncomingMessage {
  app?: unknown;
  baseUrl?: string;
  path?: string;
  originalUrl?: string;
}

type Next = (error?: unknown) => void;

const ROUTE_NOT_FOUND: readonly ErrorObject[] = Object.freeze([
  entry('ROUTE_NOT_FOUND', STANDARD_ERRORS.ROUTE_NOT_FOUND.message),
]);
const INTERNAL = normalizeError(undefined);

function pathOf(req: RequestLike): string {
  const url = req.originalUrl ?? req.url ?? '';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

function answerUnmatched(req: RequestLike, res: ServerResponse, context: MutableContext): void {
  const methods = allowedMethods(req.app, appRelativePath(req.app, req.baseUrl ?? '', req.path ?? '/'));
  const method = req.method ?? 'GET';
  if (methods.size === 0 || methods.has('*') || (methods.has(method) && method !== 'OPTIONS')) {
    // Unknown path, or routes that all fell through with next().
    writeEnvelope(res, 400, errorEnvelope(context, ROUTE_NOT_FOUND, context.warnings), undefined, true);
    return;
  }
  methods.add('OPTIONS');
  const allowed = [...methods].sort();
  const allow = { Allow: allowed.join(', ') };
  if (method === 'OPTIONS') {
    writeEnvelope(res, 200, successEnvelope(context, { methods: allowed }, context.warnings), allow, true);
    return;
  }
  const errors = [
    entry('METHOD_NOT_ALLOWED', `This path does not support ${method}. Allowed methods: ${allow.Allow}.`, {
      allowed_methods: allowed,
    }),
  ];
  writeEnvelope(res, 400, errorEnvelope(context, errors, context.warnings), allow, true);
}

/**
 * The last middleware: `app.use(errorHandler())`. It is a pair — a handler
 * for requests no route answered and an error handler — which `app.use`
 * accepts as one argument.
 *
 * - no route for the path → 400 `ROUTE_NOT_FOUND`; a route for other methods
 *   → 400 `METHOD_NOT_ALLOWED` with `Allow`; `OPTIONS` on a known path → 200
 *   with `Allow` and `data.methods`;
 * - any error → the envelope `normalizeError` decides, with its allowlisted
 *   headers; a 5xx never carries the thrown message;
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
  const { onError = reportToStderr } = options;
  if (typeof onError !== 'function') {
    throw new TypeError('The `onError` option of errorHandler() must be a function.');
  }

  const report = (error: unknown, req: RequestLike, context: MutableContext, normalized: NormalizedError, late: boolean) =>
    safeReport(onError, error, {
      traceId: context.traceId,
      version: context.version,
      status: normalized.status,
      code: normalized.errors[0]?.code ?? 'INTERNAL_ERROR',
      method: req.method,
      path: pathOf(req),
      late,
    });

  function unmatched(req: IncomingMessage, res: ServerResponse): void {
    if (res.headersSent) return; // answered by a middleware that still called next()
    answerUnmatched(req as RequestLike, res, contextOf(res));
  }

  function failed(error: unknown, req: IncomingMessage, res: ServerResponse): void {
    const context = contextOf(res);
    const normalized = normalizeError(error);
    if (res.headersSent) {
      report(error, req, context, normalized, true);
      if (!res.writableEnded) res.destroy();
      return;
    }
    report(error, req, context, normalized, false);
    const failure = writeEnvelope(
      res,
      normalized.status,
      errorEnvelope(context, normalized.errors, context.warnings),
      normalized.headers,
      true,
    );
    if (failure !== undefined) {
      // The error's own fields (or a warning) could not be serialised.
      report(failure, req, context, INTERNAL, false);
      writeEnvelope(res, INTERNAL.status, errorEnvelope(context, INTERNAL.errors), undefined, true);
    }
  }

  // Express tells the two apart by arity: (req, res, next) and (err, req, res, next).
  return [
    (req, res, _next) => unmatched(req, res),
    (error, req, res, _next) => failed(error, req, res),
  ];
}
