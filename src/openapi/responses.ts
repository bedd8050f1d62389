/**
 * OpenAPI 3.1 Response Objects: one per error status of the spec, for
 * `components.responses`, and the `responses` of an operation that answers
 * an envelope of its own data.
 */
import { ERROR_STATUSES, STANDARD_ERRORS, isErrorHttpStatus, type ErrorHttpStatus } from '../core/catalog.js';
import { IMPLICIT_VERSION } from '../core/version.js';
import { TRACE_ID_HEADER, VERSION_HEADER } from '../core/headers.js';
import { checkOptionKeys, optionNames } from '../core/options.js';
import { headerRef, schemaRef } from './components.js';
import { batchEnvelopeFor, successEnvelopeFor } from './envelope-for.js';
import type { JsonSchema, JsonSchemaObject, OpenApiExample, OpenApiResponse, OpenApiResponses } from './types.js';

/** The key of each error status's response in `components.responses`. */
export const ERROR_RESPONSE_NAMES = Object.freeze({
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  413: 'RequestTooLarge',
  415: 'UnsupportedMediaType',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
} as const satisfies Record<ErrorHttpStatus, string>);

/** A key of `errorResponses()`: `BadRequest`, `Unauthorized`, … */
export type ErrorResponseName = (typeof ERROR_RESPONSE_NAMES)[ErrorHttpStatus];

/** Options of `errorResponses()`. */
export interface ErrorResponsesOptions {
  /** The error statuses to describe, each one of `ERROR_STATUSES`. @default ERROR_STATUSES (all nine of the spec) */
  readonly statuses?: readonly ErrorHttpStatus[];
  /** `meta.version` in the examples: the API's latest version, say. @default IMPLICIT_VERSION ('1') */
  readonly version?: string;
}

/** Options of `openApiResponses()` and `openApiBatchResponses()`. */
export interface OpenApiResponsesOptions {
  /**
   * The error statuses the operation may answer, each a `$ref` to
   * `#/components/responses/<name>` of `errorResponses()`.
   * @default ERROR_STATUSES (all nine of the spec)
   */
  readonly statuses?: readonly ErrorHttpStatus[];
  /** The description of the `200`. @default 'Success: a SUCCESS envelope.' (a batch: 'Every item processed: a BATCH_PROCESSED envelope.') */
  readonly description?: string;
}

/** The trace id of the examples (a v4 UUID, as the library makes them). */
const EXAMPLE_TRACE_ID = '0b9e8f2c-3c1d-4e5f-8a7b-6c5d4e3f2a1b';

/** What each status means, after `http-status-codes.txt`. */
const DESCRIPTIONS: Readonly<Record<ErrorHttpStatus, string>> = {
  400:
    'The request is not valid: it failed validation, its JSON is malformed, its path does not exist or its method is ' +
    'not supported there (the spec answers those with 400, not 404 or 405), or its API version is not supported.',
  401: 'Authentication failed: credentials are missing or not valid.',
  403: 'Authentication succeeded, but the caller is not allowed to make this request.',
  413: 'The request is too large.',
  415: 'The media type of the request body (its Content-Type) is not accepted.',
  429: 'Too many requests: the caller is throttled. Slow down, and retry after Retry-After seconds.',
  500: 'An unexpected error. Quote `meta.trace_id` if you contact support.',
  503: 'The service is unavailable, e.g. for maintenance. Retry later.',
  504: 'A layer of the system timed out. Retry later.',
};

/** The headers each error status may carry besides the trace id and the version. */
const EXTRA_HEADERS: Readonly<Partial<Record<ErrorHttpStatus, readonly string[]>>> = {
  400: ['Allow'],
  401: ['WWW-Authenticate'],
  429: ['Retry-After'],
  503: ['Retry-After'],
};

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? JSON.stringify(value) : typeof value;
}

const ERROR_RESPONSES_OPTIONS = optionNames<ErrorResponsesOptions>({ statuses: true, version: true });
const OPENAPI_RESPONSES_OPTIONS = optionNames<OpenApiResponsesOptions>({ statuses: true, description: true });

/** Checks an options object and its keys; throws a `TypeError` naming the function. */
function checkOptions(options: unknown, known: readonly string[], fn: string): void {
  if (options !== undefined && (options === null || typeof options !== 'object' || Array.isArray(options))) {
    throw new TypeError(`The options of ${fn}() must be an object, got ${describe(options)}.`);
  }
  checkOptionKeys(options, known, `${fn}()`);
}

/** Checks `statuses`: a non-empty list of distinct spec error statuses, returned in `ERROR_STATUSES` order. */
function parseStatuses(statuses: readonly ErrorHttpStatus[] | undefined, fn: string): readonly ErrorHttpStatus[] {
  if (statuses === undefined) return ERROR_STATUSES;
  if (!Array.isArray(statuses) || statuses.length === 0) {
    throw new TypeError(`The \`statuses\` option of ${fn}() must be a non-empty array of error statuses.`);
  }
  for (const status of statuses) {
    if (!isErrorHttpStatus(status)) {
      throw new RangeError(
        `The \`statuses\` option of ${fn}() may only hold ${ERROR_STATUSES.join(', ')}, got ${describe(status)}.`,
      );
    }
  }
  if (new Set(statuses).size !== statuses.length) {
    throw new RangeError(`The \`statuses\` option of ${fn}() must not list a status twice.`);
  }
  return ERROR_STATUSES.filter((status) => statuses.includes(status));
}

function headersFor(status: ErrorHttpStatus | 200): Record<string, { readonly $ref: string }> {
  const names = [TRACE_ID_HEADER, VERSION_HEADER, ...(status === 200 ? [] : (EXTRA_HEADERS[status] ?? []))];
  return Object.fromEntries(names.map((name) => [name, headerRef(name)]));
}

/** One example per catalog code answered with `status`, keyed by the code. */
function examplesFor(status: ErrorHttpStatus, version: string): Record<string, OpenApiExample> {
  const examples: Record<string, OpenApiExample> = {};
  for (const [code, definition] of Object.entries(STANDARD_ERRORS)) {
    if (definition.status !== status) continue;
    examples[code] = {
      summary: code,
      value: {
        meta: { status: 'ERROR', trace_id: EXAMPLE_TRACE_ID, version },
        errors: [{ code, message: definition.message }],
      },
    };
  }
  return examples;
}

/**
 * One Response Object per error status, for `components.responses`, keyed
 * `BadRequest` (400), `Unauthorized` (401), `Forbidden` (403),
 * `RequestTooLarge` (413), `UnsupportedMediaType` (415), `TooManyRequests`
 * (429), `InternalError` (500), `ServiceUnavailable` (503) and
 * `GatewayTimeout` (504). Each answers the `ErrorEnvelope` schema with an
 * example per standard error code of its status, and the `X-Trace-Id` and
 * `X-API-Version` headers (plus `Allow` on 400, `WWW-Authenticate` on 401,
 * `Retry-After` on 429 and 503), all `$ref`s into `envelopeComponents()`.
 * Throws a `TypeError` or `RangeError` for bad options.
 *
 * @example
 * ```ts
 * components: { ...envelopeComponents(), responses: errorResponses({ version: '2025-06-01' }) }
 * ```
 */
export function errorResponses(options?: ErrorResponsesOptions): Partial<Record<ErrorResponseName, OpenApiResponse>> {
  checkOptions(options, ERROR_RESPONSES_OPTIONS, 'errorResponses');
  const statuses = parseStatuses(options?.statuses, 'errorResponses');
  const version = options?.version ?? IMPLICIT_VERSION;
  if (typeof version !== 'string' || version === '') {
    throw new TypeError(`The \`version\` option of errorResponses() must be a non-empty string, got ${describe(version)}.`);
  }
  const responses: Partial<Record<ErrorResponseName, OpenApiResponse>> = {};
  for (const status of statuses) {
    responses[ERROR_RESPONSE_NAMES[status]] = {
      description: DESCRIPTIONS[status],
      headers: headersFor(status),
      content: { 'application/json': { schema: schemaRef('ErrorEnvelope'), examples: examplesFor(status, version) } },
    };
  }
  return responses;
}

function responsesFor(
  schema: JsonSchemaObject,
  options: OpenApiResponsesOptions | undefined,
  fn: string,
  defaultDescription: string,
): OpenApiResponses {
  checkOptions(options, OPENAPI_RESPONSES_OPTIONS, fn);
  const statuses = parseStatuses(options?.statuses, fn);
  const description = options?.description ?? defaultDescription;
  if (typeof description !== 'string' || description === '') {
    throw new TypeError(`The \`description\` option of ${fn}() must be a non-empty string, got ${describe(description)}.`);
  }
  const responses: Record<string, OpenApiResponse | { readonly $ref: string }> = {
    '200': { description, headers: headersFor(200), content: { 'application/json': { schema } } },
  };
  for (const status of statuses) responses[String(status)] = { $ref: `#/components/responses/${ERROR_RESPONSE_NAMES[status]}` };
  return responses;
}

/**
 * The `responses` of an operation: `200` with a SUCCESS envelope of
 * `dataSchema`, and a `$ref` to the `errorResponses()` entry of each error
 * status. Needs `envelopeComponents()` and `errorResponses()` in the
 * document's `components`.
 *
 * @example
 * ```ts
 * paths: { '/accounts/{id}': { get: { responses: openApiResponses({ $ref: '#/components/schemas/Account' }, { statuses: [400, 500] }) } } }
 * ```
 */
export function openApiResponses(dataSchema: JsonSchema, options?: OpenApiResponsesOptions): OpenApiResponses {
  return responsesFor(successEnvelopeFor(dataSchema), options, 'openApiResponses', 'Success: a SUCCESS envelope.');
}

/**
 * The `responses` of a batch operation: `200` with a BATCH_PROCESSED envelope
 * of `itemDataSchema` and `requestSchema` (see `batchEnvelopeFor()`), and a
 * `$ref` per error status, as `openApiResponses()`.
 */
export function openApiBatchResponses(
  itemDataSchema: JsonSchema,
  requestSchema?: JsonSchema,
  options?: OpenApiResponsesOptions,
): OpenApiResponses {
  return responsesFor(
    batchEnvelopeFor(itemDataSchema, requestSchema),
    options,
    'openApiBatchResponses',
    'Every item processed: a BATCH_PROCESSED envelope.',
  );
}
