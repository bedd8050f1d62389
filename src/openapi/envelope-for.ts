/**
 * Envelope schemas around the API's own schemas: a SUCCESS envelope of a
 * given `data`, a batch of given items. For an OpenAPI 3.1 document, whose
 * Schema Object is JSON Schema 2020-12.
 */
import { checkOptionKeys, optionNames } from '../core/options.js';
import { anyRequest, batchShape, successShape } from './shapes.js';
import type { JsonSchema, JsonSchemaObject } from './types.js';

/** Options of `successEnvelopeFor()` and `batchEnvelopeFor()`. */
export interface EnvelopeForOptions {
  /**
   * How the schema reaches `meta`, the error and the warning objects:
   * `'components'` by `$ref` to `#/components/schemas/EnvelopeMeta` (and
   * `EnvelopeErrorObject`, `EnvelopeWarningObject`), which `envelopeComponents()`
   * provides; `'inline'` by copying them in, for a schema that stands alone
   * (e.g. for Ajv, or a document without those components).
   * @default 'components'
   */
  readonly refs?: 'components' | 'inline';
}

/** Throws a `TypeError` unless `schema` is a JSON Schema (an object or a boolean). */
function checkSchema(schema: unknown, name: string, fn: string): asserts schema is JsonSchema {
  if (typeof schema === 'boolean') return;
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
    throw new TypeError(`The \`${name}\` of ${fn}() must be a JSON Schema (an object or a boolean), got ${describe(schema)}.`);
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

const ENVELOPE_FOR_OPTIONS = optionNames<EnvelopeForOptions>({ refs: true });

function refStyle(options: EnvelopeForOptions | undefined, fn: string): 'components' | 'inline' {
  if (options === undefined) return 'components';
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`The options of ${fn}() must be an object, got ${describe(options)}.`);
  }
  checkOptionKeys(options, ENVELOPE_FOR_OPTIONS, `${fn}()`);
  const { refs = 'components' } = options;
  if (refs !== 'components' && refs !== 'inline') {
    throw new TypeError(`The \`refs\` option of ${fn}() must be 'components' or 'inline', got ${JSON.stringify(refs)}.`);
  }
  return refs;
}

/**
 * The schema of a SUCCESS envelope whose `data` follows `dataSchema`.
 *
 * @example
 * ```ts
 * const Account = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } };
 * responses: { '200': { description: 'The account', content: { 'application/json': { schema: successEnvelopeFor(Account) } } } }
 * ```
 */
export function successEnvelopeFor(dataSchema: JsonSchema, options?: EnvelopeForOptions): JsonSchemaObject {
  checkSchema(dataSchema, 'dataSchema', 'successEnvelopeFor');
  return successShape(refStyle(options, 'successEnvelopeFor'), dataSchema);
}

/**
 * The schema of a BATCH_PROCESSED envelope: each result's `data` follows
 * `itemDataSchema`, its `request` (the echo that correlates it with its item)
 * follows `requestSchema`.
 *
 * @param requestSchema - @default `{ type: 'object' }` (the spec's "request object")
 * @example
 * ```ts
 * schema: batchEnvelopeFor(Account, { type: 'object', properties: { email: { type: ['string', 'null'] } } })
 * ```
 */
export function batchEnvelopeFor(
  itemDataSchema: JsonSchema,
  requestSchema?: JsonSchema,
  options?: EnvelopeForOptions,
): JsonSchemaObject {
  checkSchema(itemDataSchema, 'itemDataSchema', 'batchEnvelopeFor');
  if (requestSchema !== undefined) checkSchema(requestSchema, 'requestSchema', 'batchEnvelopeFor');
  return batchShape(refStyle(options, 'batchEnvelopeFor'), itemDataSchema, requestSchema ?? anyRequest());
}
