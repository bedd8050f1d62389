/**
 * `validate()`: checks a request's body, query, params and headers against
 * Standard Schema v1 schemas (zod, valibot, arktype, …) and answers 400
 * `VALIDATION_ERROR` with one error per issue; `validated()` does the same
 * for each item of `batch()`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STANDARD_ERRORS } from '../core/catalog.js';
import type { ErrorObject } from '../core/envelope.js';
import {
  MAX_VALIDATION_ERRORS,
  isFailure,
  isStandardSchema,
  validationErrors,
  type InferOutput,
  type IssueMessage,
  type StandardSchemaProps,
  type StandardSchemaResult,
  type StandardSchemaV1,
} from '../core/standard-schema.js';
import { ApiError } from '../core/api-error.js';
import { errorForNext } from '../express/async-handler.js';
import { checkOptionKeys, markMiddleware, nearestName, optionNames } from '../core/options.js';
import { isThenable } from '../core/thenable.js';
import { sendError } from '../express/write.js';

/** Express's `next`; inlined in the API reference. @inline */
type Next = (error?: unknown) => void;
/** The middleware signature, on Node's request and response; inlined in the API reference. @inline */
type Middleware = (req: IncomingMessage, res: ServerResponse, next: Next) => void;

/** The schemas of `validate()`, one per request part; give at least one. */
export interface ValidateSchemas {
  /**
   * Checks `req.body` (after a body parser); the parsed value replaces it.
   * A request without a body is checked as `{}` on Express 4 and 5 alike
   * (Express 5 leaves `req.body` undefined), so an object schema answers
   * one error per missing field.
   */
  readonly body?: StandardSchemaV1;
  /** Checks `req.query`; the parsed value replaces it (also on Express 5, where `req.query` is a getter). */
  readonly query?: StandardSchemaV1;
  /** Checks `req.params`; the parsed value replaces it. Use it in the route (`app.get('/x/:id', validate(…), …)`), where params are known. */
  readonly params?: StandardSchemaV1;
  /**
   * Checks `req.headers` (names are lower case). Only checked: `req.headers`
   * is kept as it is, since a schema that strips unknown keys would hide
   * `content-type` and the rest from later middleware.
   */
  readonly headers?: StandardSchemaV1;
}

/** Options of `validate()` and `validated()`. */
export interface ValidateOptions {
  /**
   * Each error's `message`: a fixed string (so no schema library's wording
   * reaches clients), or a function of the issue (to translate it).
   * @default each issue's own message
   */
  readonly message?: IssueMessage;
  /**
   * The most error objects in one answer (or one batch item); later issues are dropped.
   * @default 100 (`MAX_VALIDATION_ERRORS`)
   */
  readonly maxErrors?: number;
}

type Part = keyof ValidateSchemas;
// Also the order of the errors when several parts fail.
const PARTS: readonly Part[] = ['body', 'query', 'params', 'headers'];

interface PartCheck {
  readonly part: Part;
  readonly props: StandardSchemaProps;
  /** How a malformed result names the schema, made once. */
  readonly label: string;
}

const VALIDATE_OPTIONS = optionNames<ValidateOptions>({ message: true, maxErrors: true });

function parseOptions(options: ValidateOptions, name: string): { message: IssueMessage | undefined; maxErrors: number } {
  if (options === null || typeof options !== 'object') throw new TypeError(`The options of ${name} must be an object.`);
  checkOptionKeys(options, VALIDATE_OPTIONS, name);
  const { message, maxErrors = MAX_VALIDATION_ERRORS } = options;
  if (message !== undefined && typeof message !== 'function' && (typeof message !== 'string' || message === '')) {
    throw new TypeError(`The \`message\` option of ${name} must be a non-empty string or a function of the issue.`);
  }
  if (typeof maxErrors !== 'number' || !Number.isSafeInteger(maxErrors) || maxErrors < 1) {
    throw new RangeError(`The \`maxErrors\` option of ${name} must be a whole number of at least 1, got ${String(maxErrors)}.`);
  }
  return { message, maxErrors };
}

function schemaProps(schema: unknown, what: string): StandardSchemaProps {
  if (!isStandardSchema(schema)) {
    throw new TypeError(`The ${what} must be a Standard Schema (zod, valibot, arktype, …) with a \`~standard.validate\` function.`);
  }
  return schema['~standard'];
}

function parseSchemas(schemas: ValidateSchemas): PartCheck[] {
  if (schemas === null || typeof schemas !== 'object') {
    throw new TypeError('validate() needs an object of schemas: { body?, query?, params?, headers? }.');
  }
  for (const key of Object.keys(schemas)) {
    if (!(PARTS as readonly string[]).includes(key)) {
      const nearest = nearestName(key, PARTS);
      throw new TypeError(
        `validate() checks body, query, params and headers only, got a schema for \`${key}\`${nearest === undefined ? '.' : `; did you mean \`${nearest}\`?`}`,
      );
    }
  }
  const checks: PartCheck[] = [];
  for (const part of PARTS) {
    const schema: unknown = schemas[part];
    if (schema !== undefined) checks.push({ part, props: schemaProps(schema, `\`${part}\` schema of validate()`), label: `\`${part}\` schema` });
  }
  if (checks.length === 0) throw new TypeError('validate() needs at least one schema: { body?, query?, params?, headers? }.');
  return checks;
}

function checkResult(result: unknown, what: string): StandardSchemaResult<unknown> {
  if (result === null || typeof result !== 'object') {
    throw new TypeError(`The ${what} returned ${result === null ? 'null' : typeof result} from \`~standard.validate\`, not { value } or { issues }.`);
  }
  return result as StandardSchemaResult<unknown>;
}

function replacePart(req: IncomingMessage, part: Part, value: unknown): void {
  // Express 5 reads `req.query` through a getter on the request prototype, where
  // assigning throws; an own property shadows it, and is harmless on Express 4.
  if (part === 'query') {
    Object.defineProperty(req, 'query', { value, configurable: true, enumerable: true, writable: true });
  } else if (part !== 'headers') {
    (req as unknown as Record<Part, unknown>)[part] = value;
  }
}

/**
 * Validates the parts of each request against Standard Schema v1 schemas
 * (zod, valibot, arktype, …; async ones too). When every part is valid, the
 * parsed values (coerced, defaulted, transformed) replace `req.body`,
 * `req.query` and `req.params` (headers are only checked) and the next
 * handler runs. Otherwise it answers 400 with one `VALIDATION_ERROR` per
 * issue, of every failing part in the order body, query, params, headers,
 * at most `maxErrors`:
 * `{ code: "VALIDATION_ERROR", message, field: "body.items.0.quantity" }`
 * (`field` is the part alone for an issue about the whole part). A schema
 * that throws or rejects is a bug: it reaches the error handler (500).
 *
 * Schemas and options are checked once, here: a value without
 * `~standard.validate` is a `TypeError`.
 *
 * @example
 * ```ts
 * const Order = z.object({ sku: z.string(), quantity: z.coerce.number().int().min(1) });
 * app.post('/orders', validate({ body: Order }), (req, res) => ok(res, orders.create(req.body)));
 * app.get('/orders', validate({ query: z.object({ limit: z.coerce.number().default(20) }) }), listOrders);
 * ```
 */
export function validate(schemas: ValidateSchemas, options: ValidateOptions = {}): Middleware {
  const checks = parseSchemas(schemas);
  const { message, maxErrors } = parseOptions(options, 'validate()');

  const settle = (req: IncomingMessage, res: ServerResponse, next: Next, outcomes: readonly unknown[]): void => {
    let errors: ErrorObject[] | undefined;
    try {
      for (let i = 0; i < checks.length; i++) {
        const { part, label } = checks[i] as PartCheck;
        const result = checkResult(outcomes[i], label);
        if (!isFailure(result)) continue;
        errors ??= [];
        const room = maxErrors - errors.length;
        if (room > 0) errors.push(...validationErrors(result.issues, part, room, message));
      }
      if (errors === undefined) {
        for (let i = 0; i < checks.length; i++) {
          replacePart(req, (checks[i] as PartCheck).part, (outcomes[i] as { value: unknown }).value);
        }
      }
    } catch (error) {
      // A falsy throw (from a `message` function) must not read as next() — "valid".
      return next(errorForNext(error));
    }
    if (errors !== undefined) return sendError(res, { status: STANDARD_ERRORS.VALIDATION_ERROR.status, errors, headers: undefined });
    next();
  };

  const middleware: Middleware = (req, res, next) => {
    const outcomes: unknown[] = [];
    let pending = false;
    try {
      for (const check of checks) {
        let input = (req as unknown as Record<Part, unknown>)[check.part];
        // A request without a body: Express 5's body parsers leave req.body undefined,
        // Express 4's set {}. Checking {} on both gives one error per missing field,
        // what a form needs, instead of one "expected object" for the whole body.
        if (input === undefined && check.part === 'body') input = {};
        const outcome = check.props.validate(input);
        if (isThenable(outcome)) pending = true;
        outcomes.push(outcome);
      }
    } catch (error) {
      return next(errorForNext(error));
    }
    if (!pending) return settle(req, res, next, outcomes);
    Promise.all(outcomes).then(
      (settled) => settle(req, res, next, settled),
      (error: unknown) => next(errorForNext(error)),
    );
  };
  const parts = Object.fromEntries(checks.map((check) => [check.part, schemas[check.part]]));
  return markMiddleware(middleware, { kind: 'validate', schemas: Object.freeze(parts) });
}

/**
 * Wraps a `batch()` item handler: each item is validated against `schema`
 * first. A valid item reaches `handler` parsed; an invalid one becomes an
 * ERROR result with one `VALIDATION_ERROR` per issue, `field` relative to
 * the item (`quantity`, `lines.0.sku`; no `field` for the item as a whole),
 * by throwing `ApiError(400, errors)` into batch()'s usual mapping. A schema
 * that throws fails its item with 500 `INTERNAL_ERROR`, reported as other
 * item failures are.
 *
 * @example
 * ```ts
 * app.post('/orders/batch', (req, res) => batch(res, req.body, validated(Order, (order) => orders.create(order))));
 * ```
 */
export function validated<Schema extends StandardSchemaV1, Data>(
  schema: Schema,
  handler: (value: InferOutput<Schema>, index: number) => Data | Promise<Data>,
  options: ValidateOptions = {},
): (item: unknown, index: number) => Data | Promise<Data> {
  const props = schemaProps(schema, 'schema of validated()');
  if (typeof handler !== 'function') throw new TypeError('validated() needs a handler function.');
  const { message, maxErrors } = parseOptions(options, 'validated()');

  const settle = (outcome: unknown, index: number): Data | Promise<Data> => {
    const result = checkResult(outcome, 'schema of validated()');
    if (isFailure(result)) throw new ApiError(STANDARD_ERRORS.VALIDATION_ERROR.status, validationErrors(result.issues, '', maxErrors, message));
    return handler(result.value as InferOutput<Schema>, index);
  };
  return markMiddleware((item: unknown, index: number): Data | Promise<Data> => {
    const outcome = props.validate(item);
    // A synchronous schema keeps the item synchronous: batch() then skips an await per item.
    return isThenable(outcome) ? Promise.resolve(outcome).then((settled) => settle(settled, index)) : settle(outcome, index);
  }, { kind: 'validated', schema });
}
