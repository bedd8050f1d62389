/**
 * kompliant-envelope: a middleware that gives every request a trace id and
 * an API version, the responders `ok()`, `fail()` and `batch()`, and a final
 * error handler — so every answer of an Express 4 or 5 API is the same
 * JSON envelope. Optional parts live on subpaths (`kompliant-envelope/auth`,
 * `/rate-limit`, `/maintenance`, `/timeout`, `/validate`, `/tracing`,
 * `/versioning`, `/node`, `/core`, `/client`, `/openapi`, `/testing`).
 * Every export is listed here by name.
 *
 * @module kompliant-envelope
 */
export { envelope, type EnvelopeOptions, type ResponseReport } from './express/envelope.js';
export { errorHandler, type ErrorHandlerOptions } from './express/error-handler.js';
export { ok, fail, type RespondOptions } from './express/respond.js';
export { batch } from './express/batch.js';
export { asyncHandler, type AsyncRequestHandler } from './express/async-handler.js';
export { requestContext, warn, type RequestContext } from './express/request-context.js';
export { ApiError, isApiError, type ApiErrorOptions } from './core/api-error.js';
export { defineErrors, type ErrorCatalog, type ErrorFactory } from './core/define-errors.js';

export type { TracingOptions, OpenTelemetryTraceApi, SpanLike, ClsNamespaceLike } from './express/tracing-options.js';
export type { Deprecation } from './express/deprecations.js';
export type { BatchOptions, DefaultEcho } from './core/batch.js';
export type { ErrorReport, ErrorReporter } from './core/report.js';
export type { ErrorMapper } from './core/normalize.js';
export type { ErrorCode, StandardErrorCode, ErrorDefinition, ErrorHttpStatus } from './core/catalog.js';
export type {
  Envelope,
  SuccessEnvelope,
  ErrorEnvelope,
  BatchEnvelope,
  BatchResult,
  ErrorObject,
  WarningObject,
  Meta,
  JsonCheck,
  NotJson,
} from './core/envelope.js';
