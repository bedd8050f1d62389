/**
 * kompliant-envelope: one response convention for every answer of an
 * Express 4 or 5 API. Every export is listed here by name.
 */
export { envelope, type EnvelopeOptions, type ResponseReport } from './express/envelope.js';
export { errorHandler, type ErrorHandlerOptions } from './express/error-handler.js';
export { ok, fail, ResponseError, TimedOutAnswerError, hasTimedOut, type RespondOptions } from './express/respond.js';
export { batch } from './express/batch.js';
export { asyncHandler, RejectedWithoutReasonError, type AsyncRequestHandler } from './express/async-handler.js';
export {
  requestContext,
  warn,
  TRACE_ID_HEADER,
  VERSION_HEADER,
  type RequestContext,
} from './express/context.js';

// Tracing across services, and versions.
export {
  traceHeaders,
  type TraceHeadersOptions,
  type TracingOptions,
  type OpenTelemetryTraceApi,
  type SpanLike,
  type ClsNamespaceLike,
} from './express/tracing.js';
export { versioned, type Deprecation, type VersionedHandler } from './express/versioned.js';
export { parseTraceparent, type TraceParent } from './core/trace-id.js';

// Infrastructure answers: 401, 403, 429, 503, 504 and Node's own parse errors.
export { rateLimit, StoreTimeoutError, type RateLimitOptions } from './express/rate-limit.js';
export { maintenance, maintenanceSwitch, type MaintenanceOptions, type MaintenanceSwitch } from './express/maintenance.js';
export { timeout, type TimeoutOptions } from './express/timeout.js';
export {
  authenticate,
  authorize,
  principalOf,
  type AuthenticateOptions,
  type AuthorizeOptions,
} from './express/authenticate.js';
export { hmacVerifier, signRequest, keepRawBody, rawBodyOf, type HmacOptions, type HmacPrincipal } from './express/hmac.js';
export { validate, validated, MAX_VALIDATION_ERRORS, validationErrors, type ValidateSchemas, type ValidateOptions, type StandardSchemaV1, type StandardSchemaIssue, type InferOutput, type IssueMessage } from './express/validate.js';
export { clientErrorHandler, type ClientErrorHandlerOptions } from './node/client-error.js';

export { ApiError, isApiError, type ApiErrorOptions } from './errors/api-error.js';
export { defineErrors, type ErrorCatalog, type ErrorFactory } from './errors/define-errors.js';
export { normalizeError, ALLOWED_ERROR_HEADERS, MAX_ERROR_MESSAGE_LENGTH, type NormalizedError } from './errors/normalize.js';

export {
  STANDARD_ERRORS,
  ERROR_STATUSES,
  isErrorHttpStatus,
  type StandardErrorCode,
  type ErrorCode,
  type ErrorDefinition,
  type ErrorHttpStatus,
} from './core/catalog.js';
export {
  successEnvelope,
  errorEnvelope,
  batchEnvelope,
  isSuccessEnvelope,
  isErrorEnvelope,
  isBatchEnvelope,
  type Envelope,
  type SuccessEnvelope,
  type ErrorEnvelope,
  type BatchEnvelope,
  type BatchResult,
  type ErrorObject,
  type WarningObject,
  type Meta,
  type MetaSource,
} from './core/envelope.js';
export { DEFAULT_MAX_BODY_SIZE, DEFAULT_CONTENT_TYPES } from './core/guards.js';
export { IMPLICIT_VERSION } from './core/version.js';
export { DEFAULT_BATCH_CONCURRENCY, DEFAULT_BATCH_MAX_ITEMS, type BatchOptions, type DefaultEcho } from './core/batch.js';
export type { ErrorReport, ErrorReporter } from './core/report.js';
