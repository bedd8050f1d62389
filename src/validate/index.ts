/**
 * kompliant-envelope/validate: request validation with any Standard Schema
 * library (zod, valibot, arktype), one `VALIDATION_ERROR` per issue. Every
 * export is listed here by name.
 */
export { validate, validated, type ValidateSchemas, type ValidateOptions } from './validate.js';
export {
  validationErrors,
  MAX_VALIDATION_ERRORS,
  type StandardSchemaV1,
  type StandardSchemaIssue,
  type InferOutput,
  type IssueMessage,
} from '../core/standard-schema.js';
