/**
 * The envelope shapes of `response-fields.txt` as JSON Schema 2020-12, built
 * once here and written three ways: with local `$defs` (the standalone
 * schemas), with `$ref`s into an OpenAPI document's `components.schemas`, or
 * fully inlined. Every schema this entry point hands out comes from these
 * builders, so a shape is defined in exactly one place. Internal.
 */
import type { JsonSchema, JsonSchemaObject } from './types.js';

/** The shared definitions the envelope shapes point at, by their component (and `$defs`) name. */
export const SHARED_DEFINITIONS = ['EnvelopeErrorObject', 'EnvelopeWarningObject', 'EnvelopeMeta'] as const;

/** A name of `SHARED_DEFINITIONS`. */
export type SharedDefinition = (typeof SHARED_DEFINITIONS)[number];

/**
 * Where a shape's shared parts live: `defs` (`#/$defs/…` of the same schema),
 * `components` (`#/components/schemas/…` of an OpenAPI document) or
 * `inline` (copied in place, no `$ref` at all).
 */
export type RefStyle = 'defs' | 'components' | 'inline';

/** Makes the schema that stands for a shared definition. */
type Ref = (name: SharedDefinition) => JsonSchemaObject;

/** The value of `meta.status` the spec allows on each kind of envelope. */
export const META_STATUSES = ['SUCCESS', 'ERROR', 'BATCH_PROCESSED'] as const;

function entryShape(what: 'error' | 'warning'): JsonSchemaObject {
  return {
    type: 'object',
    description:
      `An entry of \`${what === 'error' ? 'errors' : 'meta.warnings'}\`: at least \`code\` and \`message\`; ` +
      `it may carry other fields defined by the ${what} or the API.`,
    required: ['code', 'message'],
    properties: {
      code: {
        type: 'string',
        minLength: 1,
        description: 'An ENUM string from the Standard Errors catalog or from the API documentation.',
      },
      message: { type: 'string', description: `A plain-language description of the ${what}.` },
    },
    additionalProperties: true,
  };
}

function metaShape(ref: Ref): JsonSchemaObject {
  return {
    type: 'object',
    description:
      'Metadata of the request and response. This library always sends `status`, `trace_id` and `version`; ' +
      '`warnings` only when there is at least one. Other fields may appear.',
    required: ['status', 'trace_id', 'version'],
    properties: {
      status: { enum: [...META_STATUSES], description: 'The result of the whole request.' },
      trace_id: {
        type: 'string',
        minLength: 1,
        description: 'A unique id of the request, also sent in the X-Trace-Id header; quote it to support.',
      },
      version: {
        type: 'string',
        minLength: 1,
        description: 'The API version that answered: the X-API-Version header of the request, or the latest.',
      },
      warnings: { type: 'array', minItems: 1, items: ref('EnvelopeWarningObject') },
    },
    additionalProperties: true,
  };
}

const BUILDERS: Readonly<Record<SharedDefinition, (ref: Ref) => JsonSchemaObject>> = {
  EnvelopeErrorObject: () => entryShape('error'),
  EnvelopeWarningObject: () => entryShape('warning'),
  EnvelopeMeta: metaShape,
};

const inlineRef: Ref = (name) => BUILDERS[name](inlineRef);

/** The `Ref` of a style. */
export function refFor(style: RefStyle): Ref {
  if (style === 'inline') return inlineRef;
  const prefix = style === 'defs' ? '#/$defs/' : '#/components/schemas/';
  return (name) => ({ $ref: `${prefix}${name}` });
}

/** A shared definition, its own shared parts written in `style`. */
export function sharedDefinition(name: SharedDefinition, style: RefStyle): JsonSchemaObject {
  return BUILDERS[name](refFor(style));
}

function metaWithStatus(ref: Ref, status: (typeof META_STATUSES)[number]): JsonSchemaObject {
  // allOf rather than a $ref with sibling keywords: both are 2020-12, but more OpenAPI tools read allOf.
  return { allOf: [ref('EnvelopeMeta'), { type: 'object', properties: { status: { const: status } } }] };
}

function errorsShape(ref: Ref): JsonSchemaObject {
  return { type: 'array', minItems: 1, items: ref('EnvelopeErrorObject') };
}

/** `{ meta: { status: "SUCCESS" }, data }`: HTTP 200. */
export function successShape(style: RefStyle, data: JsonSchema): JsonSchemaObject {
  const ref = refFor(style);
  return {
    type: 'object',
    description: 'A regular success, always with HTTP 200. With no data to return, `data` is `{}`.',
    required: ['meta', 'data'],
    properties: { meta: metaWithStatus(ref, 'SUCCESS'), data },
    additionalProperties: false,
  };
}

/** `{ meta: { status: "ERROR" }, errors }`: any HTTP status but 200; never `data`. */
export function errorShape(style: RefStyle): JsonSchemaObject {
  const ref = refFor(style);
  return {
    type: 'object',
    description: 'An error, with any HTTP status but 200: one or more error objects, never `data`.',
    required: ['meta', 'errors'],
    properties: { meta: metaWithStatus(ref, 'ERROR'), errors: errorsShape(ref) },
    additionalProperties: false,
  };
}

/** `{ meta: { status: "BATCH_PROCESSED" }, results }`: HTTP 200, one result per item. */
export function batchShape(style: RefStyle, data: JsonSchema, request: JsonSchema): JsonSchemaObject {
  const ref = refFor(style);
  return {
    type: 'object',
    description:
      'A batch in which every item was processed, always with HTTP 200. Each result, in item order, ' +
      'holds the `request` echo and either `data` (SUCCESS) or `errors` (ERROR).',
    required: ['meta', 'results'],
    properties: {
      meta: metaWithStatus(ref, 'BATCH_PROCESSED'),
      results: {
        type: 'array',
        items: {
          oneOf: [
            {
              type: 'object',
              required: ['status', 'request', 'data'],
              properties: { status: { const: 'SUCCESS' }, request, data },
              additionalProperties: false,
            },
            {
              type: 'object',
              required: ['status', 'request', 'errors'],
              properties: { status: { const: 'ERROR' }, request, errors: errorsShape(ref) },
              additionalProperties: false,
            },
          ],
        },
      },
    },
    additionalProperties: false,
  };
}

/** Any data: the spec only says the field is there. */
export const ANY_DATA: JsonSchema = true;

/** What a batch result's `request` is without a schema of the API's own: an object (the spec's "request object"). */
export function anyRequest(): JsonSchemaObject {
  return { type: 'object', description: 'Fields of the item, echoed to correlate the result with it.' };
}

/** The names of the shared definitions `schema` points at through `#/$defs/…`, directly or not, in `SHARED_DEFINITIONS` order. */
export function definitionsUsed(schema: JsonSchema): SharedDefinition[] {
  const used = new Set<SharedDefinition>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string' && child.startsWith('#/$defs/')) {
        const name = child.slice('#/$defs/'.length) as SharedDefinition;
        if (SHARED_DEFINITIONS.includes(name) && !used.has(name)) {
          used.add(name);
          visit(sharedDefinition(name, 'defs'));
        }
      } else {
        visit(child);
      }
    }
  };
  visit(schema);
  return SHARED_DEFINITIONS.filter((name) => used.has(name));
}
