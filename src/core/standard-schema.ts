/**
 * Standard Schema v1 (https://standardschema.dev), the interface zod,
 * valibot, arktype and others implement, written out here so the library
 * depends on none of them; and the pure mapping from a schema's issues to
 * `VALIDATION_ERROR` error objects. No Express here.
 */
import { STANDARD_ERRORS } from './catalog.js';
import { entry, type ErrorObject } from './envelope.js';
import { clip } from './bound.js';

/** A path segment given as an object, as valibot does: `{ key }`. */
export interface StandardSchemaPathSegment {
  readonly key: PropertyKey;
}

/** One problem a schema found: a message and, below the root, where. */
export interface StandardSchemaIssue {
  readonly message: string;
  /** Keys from the validated value down to the offending one; absent or empty at the root. */
  readonly path?: ReadonlyArray<PropertyKey | StandardSchemaPathSegment> | undefined;
}

/** What `validate` gives for a valid value: the parsed (coerced, defaulted, transformed) value. */
export interface StandardSchemaSuccess<Output> {
  readonly value: Output;
  readonly issues?: undefined;
}

/** What `validate` gives for an invalid value. */
export interface StandardSchemaFailure {
  readonly issues: readonly StandardSchemaIssue[];
}

/** The outcome of `validate`. */
export type StandardSchemaResult<Output> = StandardSchemaSuccess<Output> | StandardSchemaFailure;

/** The `~standard` property every Standard Schema carries. */
export interface StandardSchemaProps<Input = unknown, Output = Input> {
  readonly version: 1;
  /** The library behind the schema, e.g. `"zod"`. */
  readonly vendor: string;
  /** Validates and parses `value`, synchronously or not. */
  readonly validate: (value: unknown) => StandardSchemaResult<Output> | Promise<StandardSchemaResult<Output>>;
  /** Types only, for inference; never read at run time. */
  readonly types?: { readonly input: Input; readonly output: Output } | undefined;
}

/**
 * A schema of any Standard Schema v1 library (zod ≥ 3.24, valibot ≥ 1,
 * arktype ≥ 2, …).
 *
 * @example
 * ```ts
 * const Order: StandardSchemaV1<unknown, { sku: string }> = z.object({ sku: z.string() });
 * ```
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': StandardSchemaProps<Input, Output>;
}

/** The type a schema parses to, e.g. `InferOutput<typeof Order>`. */
export type InferOutput<Schema extends StandardSchemaV1> = NonNullable<Schema['~standard']['types']>['output'];

/**
 * What each error's `message` is: a fixed string for every issue, or a
 * function of the issue (to translate, say). By default the schema's own
 * issue message.
 */
export type IssueMessage = string | ((issue: StandardSchemaIssue) => string);

/** The most `VALIDATION_ERROR` objects one answer (or one batch item) carries; later issues are dropped. */
export const MAX_VALIDATION_ERRORS = 100;

/** True for a value with a `~standard.validate` function. */
export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  if ((value === null || typeof value !== 'object') && typeof value !== 'function') return false;
  const props = (value as { '~standard'?: unknown })['~standard'];
  return props !== null && typeof props === 'object' && typeof (props as { validate?: unknown }).validate === 'function';
}

/** True for a result (sync or awaited) that reports issues; `issues: undefined` is a success. */
export function isFailure<Output>(result: StandardSchemaResult<Output>): result is StandardSchemaFailure {
  return result.issues !== undefined;
}

function keyText(key: PropertyKey): string {
  return typeof key === 'symbol' ? (key.description ?? '') : String(key);
}

/**
 * The dotted field of an issue: `prefix` then every path key, e.g.
 * `body.items.0.quantity`; `prefix` alone at the root. `undefined` when both
 * are empty (a batch item's own root). Array indexes are plain numbers.
 */
export function fieldOf(prefix: string, path: StandardSchemaIssue['path']): string | undefined {
  let field = prefix;
  // A loop, not map(): arktype's path is an Array subclass whose map() builds a wrong array.
  if (Array.isArray(path)) {
    for (let i = 0; i < path.length; i++) {
      const segment: unknown = path[i];
      const key =
        segment !== null && typeof segment === 'object' ? (segment as { key?: unknown }).key : segment;
      const text = typeof key === 'string' || typeof key === 'number' || typeof key === 'symbol' ? keyText(key) : '';
      field = field === '' ? text : `${field}.${text}`;
    }
  }
  return field === '' ? undefined : field;
}

function messageOf(issue: StandardSchemaIssue, message: IssueMessage | undefined): string {
  const text = message === undefined ? issue.message : typeof message === 'string' ? message : message(issue);
  return typeof text === 'string' && text !== '' ? clip(text) : STANDARD_ERRORS.VALIDATION_ERROR.message;
}

/**
 * Turns a schema's issues into error objects, one per issue in issue order,
 * at most `limit`: `{ code: "VALIDATION_ERROR", message, field }` with
 * `field` from `fieldOf(prefix, issue.path)` (left out when that is
 * `undefined`). A failure with no issues still gives one error, so a 400
 * never has an empty `errors`. A `message` function that throws, throws.
 *
 * @example
 * ```ts
 * validationErrors([{ message: 'Too small', path: ['items', 0, 'quantity'] }], 'body');
 * // [{ code: 'VALIDATION_ERROR', message: 'Too small', field: 'body.items.0.quantity' }]
 * ```
 */
export function validationErrors(
  issues: readonly StandardSchemaIssue[],
  prefix = '',
  limit = MAX_VALIDATION_ERRORS,
  message?: IssueMessage,
): ErrorObject[] {
  const list: readonly unknown[] = Array.isArray(issues) && issues.length > 0 ? issues : [{ message: '' }];
  const errors: ErrorObject[] = [];
  for (let i = 0; i < list.length && errors.length < limit; i++) {
    const raw = list[i];
    const issue: StandardSchemaIssue = raw !== null && typeof raw === 'object' ? (raw as StandardSchemaIssue) : { message: '' };
    const field = fieldOf(prefix, issue.path);
    const text = messageOf(issue, message);
    errors.push(field === undefined ? entry('VALIDATION_ERROR', text) : entry('VALIDATION_ERROR', text, { field }));
  }
  return errors;
}
