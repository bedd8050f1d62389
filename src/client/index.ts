/**
 * kompliant-envelope/client: a `fetch` client for APIs that answer with the
 * envelope. No Express, no Node built-ins: it runs in browsers too. Every
 * export is listed here by name.
 *
 * @module kompliant-envelope/client
 */
export { TRACE_ID_HEADER, VERSION_HEADER } from '../core/headers.js';
export {
  createClient,
  type EnvelopeClient,
  type RequestOptions,
  type BodylessRequestOptions,
  type QueryValue,
} from './client.js';
export {
  EnvelopeResponse,
  type BatchOutcome,
  type BatchSuccess,
  type BatchFailure,
} from './response.js';
export {
  EnvelopeError,
  isEnvelopeError,
  CLIENT_ERROR_CODES,
  type ClientErrorCode,
  type EnvelopeErrorInit,
} from './envelope-error.js';
export {
  DEFAULT_RETRY,
  type ClientOptions,
  type RetryOptions,
  type FetchFunction,
} from './options.js';
export { parseRetryAfter, IDEMPOTENT_METHODS } from './retry.js';
export { signRequest } from './sign-request.js';
export type { HmacOptions } from '../core/signature.js';
export type {
  Envelope,
  SuccessEnvelope,
  ErrorEnvelope,
  BatchEnvelope,
  BatchResult,
  ErrorObject,
  WarningObject,
  Meta,
} from '../core/envelope.js';
