/**
 * `describe()`: what `openApiDocument()` cannot read from the router — a
 * route's summary, tags, operationId and the schema of its success `data` —
 * as a middleware that only calls `next()`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkOptionKeys, infoOf, markMiddleware, optionNames } from '../core/options.js';
import { isStandardSchema, type StandardSchemaV1 } from '../core/standard-schema.js';
import type { JsonSchema } from './types.js';

/** Express's `next`; inlined in the API reference. @inline */
type Next = (error?: unknown) => void;

/**
 * A schema `openApiDocument()` can write into the document: a Standard
 * Schema with Standard JSON Schema (zod 4.2+, arktype 2.1.28+, valibot
 * wrapped in `toStandardJsonSchema()`), or a JSON Schema 2020-12 object.
 */
export type SchemaSource = StandardSchemaV1 | JsonSchema;

/** Options of `describe()`. Every field is optional. */
export interface DescribeOptions {
  /** A short summary of the operation. @default none */
  readonly summary?: string;
  /** A longer description (CommonMark). @default none */
  readonly description?: string;
  /** Tags that group the operation, e.g. `['accounts']`. @default none */
  readonly tags?: readonly string[];
  /** The operation's id, unique in the document. @default the method and path, e.g. `getAccountsById` for GET /accounts/{id} */
  readonly operationId?: string;
  /** Marks the operation deprecated. @default false */
  readonly deprecated?: boolean;
  /**
   * The schema of the success `data` (of each result's `data` with `batch`).
   * Standard Schemas are converted as they produce (`output`).
   * @default any object (`{ type: 'object' }`)
   */
  readonly data?: SchemaSource;
  /**
   * The request body's schema, for a route that checks its body by hand.
   * Prefer `validate({ body })`, whose schema is the one enforced: when the
   * route has both, `validate()`'s is used. Standard Schemas are converted
   * as they read (`input`).
   * @default none (no request body schema)
   */
  readonly body?: SchemaSource;
  /**
   * The query's schema (an object schema: each property is a parameter), for
   * a route that checks its query by hand. As with `body`, a
   * `validate({ query })` on the route takes precedence.
   * @default none (no query parameters)
   */
  readonly query?: SchemaSource;
  /** The route answers with `batch()`: its 200 is a BATCH_PROCESSED envelope. @default false */
  readonly batch?: boolean;
  /**
   * With `batch`: the schema of each item of the request body, or the item
   * handler `validated(schema, …)` made (its schema is used).
   * @default none (no request body schema)
   */
  readonly items?: SchemaSource | ((item: never, index: number) => unknown);
  /**
   * With `batch`: the schema of each result's `request`, what `batch()`'s
   * `echo` returns. @default the default echo, `{ index, id? }`
   */
  readonly echo?: SchemaSource;
}

const DESCRIBE_OPTIONS = optionNames<DescribeOptions>({
  summary: true,
  description: true,
  tags: true,
  operationId: true,
  deprecated: true,
  data: true,
  body: true,
  query: true,
  batch: true,
  items: true,
  echo: true,
});

/** What OpenAPI tools accept in an operationId (Redocly's `operation-operationId-url-safe`). */
const OPERATION_ID = /^[A-Za-z0-9_.~-]{1,200}$/;

function isSchemaSource(value: unknown): boolean {
  // An arktype type is a function that carries `~standard`.
  return isStandardSchema(value) || typeof value === 'boolean' || (value !== null && typeof value === 'object' && !Array.isArray(value));
}

function checkText(value: unknown, name: string): void {
  if (value !== undefined && (typeof value !== 'string' || value.trim() === '')) {
    throw new TypeError(`The \`${name}\` option of describe() must be a non-empty string.`);
  }
}

/**
 * Describes a route for `openApiDocument()`: its summary, description,
 * tags, operationId, and the schema of its success `data` (any object when
 * not given). Everything else — path, parameters, request body, error
 * statuses, security — is read from the route and its middleware. At request
 * time it only calls `next()`. Options are checked here (`TypeError`).
 *
 * In a Jest or Mocha test file, import it under another name
 * (`import { describe as describeRoute } …`): it would hide the test
 * runner's `describe`.
 *
 * @example
 * ```ts
 * const Account = z.object({ id: z.string(), name: z.string(), email: z.string() });
 * app.get('/accounts/:id', describe({ summary: 'One account', tags: ['accounts'], data: Account }), getAccount);
 * app.post('/accounts/batch', describe({ batch: true, items: NewAccount, data: Account }), createAccounts);
 * ```
 */
export function describe(options: DescribeOptions): (req: IncomingMessage, res: ServerResponse, next: Next) => void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError('describe() needs an options object: { summary?, description?, tags?, operationId?, data?, … }.');
  }
  checkOptionKeys(options, DESCRIBE_OPTIONS, 'describe()');
  const { summary, description, tags, operationId, deprecated, data, body, query, batch, items, echo } = options;
  checkText(summary, 'summary');
  checkText(description, 'description');
  if (tags !== undefined && (!Array.isArray(tags) || !tags.every((tag) => typeof tag === 'string' && tag.trim() !== ''))) {
    throw new TypeError('The `tags` option of describe() must be an array of non-empty strings.');
  }
  if (operationId !== undefined && (typeof operationId !== 'string' || !OPERATION_ID.test(operationId))) {
    throw new TypeError('The `operationId` option of describe() must be 1-200 letters, digits or "_.~-", got ' + JSON.stringify(operationId) + '.');
  }
  if (deprecated !== undefined && typeof deprecated !== 'boolean') throw new TypeError('The `deprecated` option of describe() must be a boolean.');
  if (batch !== undefined && typeof batch !== 'boolean') throw new TypeError('The `batch` option of describe() must be a boolean.');
  if (data !== undefined && !isSchemaSource(data)) throw new TypeError('The `data` option of describe() must be a schema (zod, valibot, arktype or JSON Schema).');
  if (body !== undefined && !isSchemaSource(body)) throw new TypeError('The `body` option of describe() must be a schema (zod, valibot, arktype or JSON Schema).');
  if (query !== undefined && !isSchemaSource(query)) throw new TypeError('The `query` option of describe() must be a schema (zod, valibot, arktype or JSON Schema).');
  if (echo !== undefined && !isSchemaSource(echo)) throw new TypeError('The `echo` option of describe() must be a schema (zod, valibot, arktype or JSON Schema).');
  const madeByValidated = infoOf(items)?.kind === 'validated';
  if (items !== undefined && !madeByValidated && !isSchemaSource(items)) {
    throw new TypeError('The `items` option of describe() must be a schema or an item handler made by validated().');
  }
  if (body !== undefined && items !== undefined) throw new TypeError('describe() takes `body` or `items` (the schema of each item of a batch), not both.');
  if (batch !== true && (items !== undefined || echo !== undefined)) {
    throw new TypeError('The `items` and `echo` options of describe() describe a batch route: add `batch: true`.');
  }
  const frozen = Object.freeze({ ...options, ...(tags === undefined ? {} : { tags: Object.freeze([...tags]) }) });
  return markMiddleware((_req: IncomingMessage, _res: ServerResponse, next: Next) => next(), { kind: 'describe', options: frozen });
}
