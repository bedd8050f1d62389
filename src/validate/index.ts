/**
 * kompliant-envelope/validate: request validation with any Standard Schema
 * library (zod, valibot, arktype), one `VALIDATION_ERROR` per issue, and
 * `schemaErrors` for the schema errors handlers throw. Every
 * export is listed here by name.
 *
 * @module kompliant-envelope/validate
 */
export { validate, validated, type ValidateSchemas, type ValidateOptions } from './validate.js';
export { schemaErrors } from './schema-errors.js';
export {
  validationErrors,
  MAX_VALIDATION_ERRORS,
  type StandardSchemaV1,
  type StandardSchemaIssue,
  type StandardSchemaProps,
  type StandardSchemaResult,
  type StandardSchemaSuccess,
  type StandardSchemaFailure,
  type StandardSchemaPathSegment,
  type InferOutput,
  type IssueMessage,
} from '../core/standard-schema.js';
