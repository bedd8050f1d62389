/**
 * What an OpenAPI 3.1 document needs under `components` to describe the
 * envelope: the envelope schemas and the headers every answer carries.
 */
import { TRACE_ID_HEADER, VERSION_HEADER } from '../core/headers.js';
import { ANY_DATA, SHARED_DEFINITIONS, anyRequest, batchShape, errorShape, sharedDefinition, successShape } from './shapes.js';
import type { JsonSchemaObject, OpenApiHeader } from './types.js';


/** The names `envelopeComponents()` gives under `components.schemas`. */
export const ENVELOPE_SCHEMA_NAMES = [
  ...SHARED_DEFINITIONS,
  'SuccessEnvelope',
  'ErrorEnvelope',
  'BatchEnvelope',
  'Envelope',
] as const;

/** A name of `ENVELOPE_SCHEMA_NAMES`. */
export type EnvelopeSchemaName = (typeof ENVELOPE_SCHEMA_NAMES)[number];

/** The headers `envelopeComponents()` describes under `components.headers`, by their HTTP name. */
export const ENVELOPE_HEADER_NAMES = [TRACE_ID_HEADER, VERSION_HEADER, 'Retry-After', 'WWW-Authenticate', 'Allow'] as const;

/** What `envelopeComponents()` returns: spread it into the document's `components`. */
export interface EnvelopeComponents {
  readonly schemas: Readonly<Record<EnvelopeSchemaName, JsonSchemaObject>>;
  readonly headers: Readonly<Record<string, OpenApiHeader>>;
}

/** `$ref` to a schema of `envelopeComponents()`. */
export function schemaRef(name: EnvelopeSchemaName): { readonly $ref: string } {
  return { $ref: `#/components/schemas/${name}` };
}

/** `$ref` to a header of `envelopeComponents()`. */
export function headerRef(name: string): { readonly $ref: string } {
  return { $ref: `#/components/headers/${name}` };
}

/**
 * The `components.schemas` and `components.headers` that `errorResponses()`,
 * `openApiResponses()` and (by default) `successEnvelopeFor()` and
 * `batchEnvelopeFor()` point at. A new object on each call.
 *
 * Schemas: `EnvelopeErrorObject`, `EnvelopeWarningObject`, `EnvelopeMeta`,
 * `SuccessEnvelope` (any data), `ErrorEnvelope`, `BatchEnvelope` (any items)
 * and `Envelope` (one of the three). Headers: `X-Trace-Id`, `X-API-Version`,
 * `Retry-After`, `WWW-Authenticate`, `Allow`.
 *
 * @example
 * ```ts
 * const components = envelopeComponents();
 * const doc = {
 *   openapi: '3.1.0',
 *   info: { title: 'Accounts', version: '2025-06-01' },
 *   paths: { '/accounts': { get: { responses: openApiResponses({ type: 'array', items: Account }) } } },
 *   components: { schemas: { ...components.schemas, Account }, headers: components.headers, responses: errorResponses() },
 * };
 * ```
 */
export function envelopeComponents(): EnvelopeComponents {
  return {
    schemas: {
      EnvelopeErrorObject: sharedDefinition('EnvelopeErrorObject', 'components'),
      EnvelopeWarningObject: sharedDefinition('EnvelopeWarningObject', 'components'),
      EnvelopeMeta: sharedDefinition('EnvelopeMeta', 'components'),
      SuccessEnvelope: successShape('components', ANY_DATA),
      ErrorEnvelope: errorShape('components'),
      BatchEnvelope: batchShape('components', ANY_DATA, anyRequest()),
      Envelope: {
        description: 'Any answer of the API: a success, an error or a processed batch, told apart by `meta.status`.',
        oneOf: [schemaRef('SuccessEnvelope'), schemaRef('ErrorEnvelope'), schemaRef('BatchEnvelope')],
      },
    },
    headers: {
      [TRACE_ID_HEADER]: {
        description: 'The trace id of the request, the same as `meta.trace_id`. Quote it to support.',
        required: true,
        schema: { type: 'string', minLength: 1 },
      },
      [VERSION_HEADER]: {
        description: 'The API version that answered, the same as `meta.version`.',
        required: true,
        schema: { type: 'string', minLength: 1 },
      },
      'Retry-After': {
        description: 'How many seconds to wait before trying again.',
        schema: { type: 'integer', minimum: 0 },
      },
      'WWW-Authenticate': {
        description: 'The authentication the API expects (RFC 9110), e.g. `ApiKey header="X-API-Key"`.',
        schema: { type: 'string' },
      },
      Allow: {
        description: 'The methods the path supports; sent with METHOD_NOT_ALLOWED (a 400, as the spec has no 405).',
        schema: { type: 'string' },
      },
    },
  };
}
