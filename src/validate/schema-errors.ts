/**
 * `schemaErrors`: an `envelope({ mapErrors })` mapper for the errors schema
 * libraries throw (`schema.parse()` in a handler), recognised by shape, so
 * the library imports none of them.
 */
import { ApiError } from '../core/api-error.js';
import { STANDARD_ERRORS } from '../core/catalog.js';
import type { ErrorMapper } from '../core/normalize.js';
import { validationErrors, type StandardSchemaIssue } from '../core/standard-schema.js';

/**
 * The issues of a thrown schema error: zod's `ZodError` and valibot's
 * `ValiError` (`issues`), @standard-schema/utils' `SchemaError` (`issues`),
 * arktype's `TraversalError` (`arkErrors`) and its `ArkErrors` list itself
 * (an array marked `" arkKind": "errors"`). `undefined` for anything else.
 */
function issuesOf(error: unknown): readonly StandardSchemaIssue[] | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  if (Array.isArray(error)) {
    return (error as { ' arkKind'?: unknown })[' arkKind'] === 'errors' ? (error as StandardSchemaIssue[]) : undefined;
  }
  const record = error as Record<string, unknown>;
  const name = record['name'];
  const issues = name === 'ZodError' || name === 'ValiError' || name === 'SchemaError' ? record['issues'] : name === 'TraversalError' ? record['arkErrors'] : undefined;
  return Array.isArray(issues) ? (issues as StandardSchemaIssue[]) : undefined;
}

/**
 * A mapper for `envelope({ mapErrors })`: a schema error thrown by a
 * handler — zod's `ZodError` (`schema.parse()`), valibot's `ValiError`
 * (`v.parse()`), arktype's `TraversalError` (`.assert()`) or `ArkErrors`,
 * a Standard Schema `SchemaError` — answers 400 `VALIDATION_ERROR` with one
 * error per issue and its `field` (the path inside the parsed value, e.g.
 * `items.0.quantity`), at most 100, as `validate()` and `validated()`
 * answer (`onError` still receives the thrown schema error). Any other
 * error is left to the next mapper and the built-in mapping.
 *
 * Opt-in, because it blames the caller for every schema failure: a schema
 * that fails on data your service read elsewhere (an upstream's answer, a
 * database row) is your 500, not the caller's 400. Install it when handlers
 * parse only what the caller sent, or prefer `validate()`, which checks the
 * request before the handler runs.
 *
 * @example
 * ```ts
 * app.use(envelope({ mapErrors: [schemaErrors] }));
 * app.post('/orders', (req, res) => ok(res, orders.create(Order.parse(req.body))));
 * ```
 */
export const schemaErrors: ErrorMapper = (error) => {
  const issues = issuesOf(error);
  if (issues === undefined) return undefined;
  return new ApiError(STANDARD_ERRORS.VALIDATION_ERROR.status, validationErrors(issues), { cause: error });
};
