/**
 * kompliant-envelope/core: the convention itself, with no framework and no
 * Node built-ins — the envelope builders and guards, the error catalog, the
 * error class and the one normaliser, and the constants. Usable from any
 * framework, a worker or a browser. Every export is listed here by name.
 *
 * @module kompliant-envelope/core
 */
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
  type SuccessStatus,
  type ErrorStatus,
  type BatchStatus,
  type JsonCheck,
  type NotJson,
} from './envelope.js';
export {
  STANDARD_ERRORS,
  ERROR_STATUSES,
  isErrorHttpStatus,
  type StandardErrorCode,
  type ErrorCode,
  type ErrorDefinition,
  type ErrorHttpStatus,
} from './catalog.js';
export { ApiError, isApiError, type ApiErrorOptions } from './api-error.js';
export { defineErrors, type ErrorCatalog, type ErrorFactory } from './define-errors.js';
export { normalizeError, ALLOWED_ERROR_HEADERS, type NormalizedError, type ErrorMapper, type MapperFailureHandler } from './normalize.js';
export { ResponseError, TimedOutAnswerError, RejectedWithoutReasonError } from './response-errors.js';
export { MAX_ERROR_MESSAGE_LENGTH } from './bound.js';
export { TRACE_ID_HEADER, VERSION_HEADER, EXPOSED_HEADERS } from './headers.js';
export { DEFAULT_MAX_BODY_SIZE, DEFAULT_CONTENT_TYPES } from './guards.js';
export { IMPLICIT_VERSION } from './version.js';
export { DEFAULT_BATCH_CONCURRENCY, DEFAULT_BATCH_MAX_ITEMS, type BatchOptions, type DefaultEcho } from './batch.js';
export { redactHeaders, isSecretHeader, REDACTED, type ErrorReport, type ErrorReporter } from './report.js';
