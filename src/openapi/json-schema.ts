/**
 * The envelope as standalone JSON Schema 2020-12 documents, each with its
 * `$schema` and `$id` and its shared parts under its own `$defs`: feed them to
 * any validator (Ajv's `Ajv2020`, for one). The same documents ship as files,
 * `kompliant-envelope/schemas/<name>.json`, which `npm run build` writes from
 * these constants.
 */
import {
  ANY_DATA,
  anyRequest,
  batchShape,
  definitionsUsed,
  errorShape,
  sharedDefinition,
  successShape,
} from './shapes.js';
import type { JsonSchemaObject } from './types.js';

/** The JSON Schema dialect of every schema here (and of OpenAPI 3.1's Schema Object). */
export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/** Where the `$id` of every standalone schema starts; the file name follows (`success-envelope.json`). */
export const SCHEMA_BASE_URI = 'https://kompliant-envelope.dev/schemas/';

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** Wraps a shape as a standalone document: `$schema`, `$id`, `title` first, the `$defs` it uses last. Frozen. */
function standalone(file: string, title: string, body: JsonSchemaObject): JsonSchemaObject {
  const used = definitionsUsed(body);
  const $defs = Object.fromEntries(used.map((name) => [name, sharedDefinition(name, 'defs')]));
  return deepFreeze({
    $schema: JSON_SCHEMA_DIALECT,
    $id: `${SCHEMA_BASE_URI}${file}`,
    title,
    description: body['description'],
    ...body,
    ...(used.length > 0 ? { $defs } : {}),
  });
}

/** An entry of `errors`: `code` and `message`, any other field allowed. `$id` …/error-object.json. */
export const errorObjectSchema: JsonSchemaObject = standalone(
  'error-object.json',
  'Error object',
  sharedDefinition('EnvelopeErrorObject', 'defs'),
);

/** An entry of `meta.warnings`: `code` and `message`, any other field allowed. `$id` …/warning-object.json. */
export const warningObjectSchema: JsonSchemaObject = standalone(
  'warning-object.json',
  'Warning object',
  sharedDefinition('EnvelopeWarningObject', 'defs'),
);

/**
 * The `meta` object: `status`, `trace_id` and `version` required (this
 * library always sends them, though the spec allows an infrastructure answer
 * without `trace_id`), `warnings` optional and never empty, other fields
 * allowed (the spec: meta "may also contain other fields"). `$id` …/meta.json.
 */
export const metaSchema: JsonSchemaObject = standalone('meta.json', 'Envelope meta', sharedDefinition('EnvelopeMeta', 'defs'));

/**
 * `{ meta: { status: "SUCCESS", … }, data }` with any `data` and no other
 * top-level field. For a typed `data`, see `successEnvelopeFor()`.
 * `$id` …/success-envelope.json.
 */
export const successEnvelopeSchema: JsonSchemaObject = standalone(
  'success-envelope.json',
  'Success envelope',
  successShape('defs', ANY_DATA),
);

/**
 * `{ meta: { status: "ERROR", … }, errors }` with at least one error, no
 * `data` and no other top-level field. `$id` …/error-envelope.json.
 */
export const errorEnvelopeSchema: JsonSchemaObject = standalone('error-envelope.json', 'Error envelope', errorShape('defs'));

/**
 * `{ meta: { status: "BATCH_PROCESSED", … }, results }`, each result
 * `{ status: "SUCCESS", request, data }` or `{ status: "ERROR", request, errors }`.
 * For typed items, see `batchEnvelopeFor()`. `$id` …/batch-envelope.json.
 */
export const batchEnvelopeSchema: JsonSchemaObject = standalone(
  'batch-envelope.json',
  'Batch envelope',
  batchShape('defs', ANY_DATA, anyRequest()),
);

/**
 * Any envelope: exactly one of success, error and batch, told apart by
 * `meta.status`. `$id` …/envelope.json.
 */
export const envelopeSchema: JsonSchemaObject = standalone('envelope.json', 'Envelope', {
  description: 'Any answer of the API: a success, an error or a processed batch, told apart by `meta.status`.',
  oneOf: [successShape('defs', ANY_DATA), errorShape('defs'), batchShape('defs', ANY_DATA, anyRequest())],
});

/** Every standalone schema above, e.g. for `new Ajv2020({ schemas: ENVELOPE_JSON_SCHEMAS })`. */
export const ENVELOPE_JSON_SCHEMAS: readonly JsonSchemaObject[] = Object.freeze([
  errorObjectSchema,
  warningObjectSchema,
  metaSchema,
  successEnvelopeSchema,
  errorEnvelopeSchema,
  batchEnvelopeSchema,
  envelopeSchema,
]);
