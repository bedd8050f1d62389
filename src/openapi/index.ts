/**
 * kompliant-envelope/openapi: an app's OpenAPI 3.1 document generated from
 * its router (`openApiDocument()`, `openApiHandler()`, `describe()`), and the
 * envelope as JSON Schema 2020-12 and as OpenAPI 3.1 components and
 * responses. Every export is listed here by name.
 *
 * @module kompliant-envelope/openapi
 */
export {
  errorObjectSchema,
  warningObjectSchema,
  metaSchema,
  successEnvelopeSchema,
  errorEnvelopeSchema,
  batchEnvelopeSchema,
  envelopeSchema,
  ENVELOPE_JSON_SCHEMAS,
  JSON_SCHEMA_DIALECT,
  SCHEMA_BASE_URI,
} from './json-schema.js';
export { successEnvelopeFor, batchEnvelopeFor, type EnvelopeForOptions } from './envelope-for.js';
export {
  envelopeComponents,
  ENVELOPE_SCHEMA_NAMES,
  ENVELOPE_HEADER_NAMES,
  type EnvelopeComponents,
  type EnvelopeSchemaName,
} from './components.js';
export {
  errorResponses,
  openApiResponses,
  openApiBatchResponses,
  ERROR_RESPONSE_NAMES,
  type ErrorResponseName,
  type ErrorResponsesOptions,
  type OpenApiResponsesOptions,
} from './responses.js';
export {
  openApiDocument,
  type OpenApiDocument,
  type OpenApiDocumentOptions,
  type OpenApiInfo,
  type SkippedRoute,
} from './document.js';
export { openApiHandler } from './handler.js';
export { describe, type DescribeOptions, type SchemaSource } from './describe.js';
export type {
  JsonSchema,
  JsonSchemaObject,
  OpenApiReference,
  OpenApiHeader,
  OpenApiExample,
  OpenApiMediaType,
  OpenApiResponse,
  OpenApiResponses,
} from './types.js';
