/**
 * `openApiDocument()`: the OpenAPI 3.1 document of an Express app, read
 * from its router — every operation, with every status its middleware can
 * answer.
 */
import { ERROR_STATUSES } from '../core/catalog.js';
import { IMPLICIT_VERSION } from '../core/version.js';
import { VERSION_HEADER } from '../core/headers.js';
import { checkOptionKeys, optionNames, type MiddlewareInfo } from '../core/options.js';
import { envelopeComponents, headerRef } from './components.js';
import { buildOperation } from './operation.js';
import { ERROR_RESPONSE_NAMES, errorResponses } from './responses.js';
import { walkRouter, type SkippedRoute } from './router-walk.js';
import { SchemaCollector } from './schema-source.js';
import type { JsonSchemaObject, OpenApiHeader } from './types.js';

export type { SkippedRoute } from './router-walk.js';

/** The document's `info`: `title` at least; any other field of OpenAPI's Info Object is copied. */
export interface OpenApiInfo {
  readonly title: string;
  /** The document's version. @default the latest API version of `envelope()` */
  readonly version?: string;
  readonly description?: string;
  readonly [field: string]: unknown;
}

/** Options of `openApiDocument()` and `openApiHandler()`. */
export interface OpenApiDocumentOptions {
  /** The document's `info`. */
  readonly info: OpenApiInfo;
  /** The document's `servers`, e.g. `[{ url: 'https://api.example.com' }]`. @default none */
  readonly servers?: readonly { readonly url: string; readonly description?: string }[];
  /** Descriptions of the tags `describe()` uses, in the order to show them. @default the tags in order of use, no descriptions */
  readonly tags?: readonly { readonly name: string; readonly description?: string }[];
  /**
   * Called with each route the document leaves out because OpenAPI cannot
   * state it exactly (an optional, wildcard or regular expression path,
   * `app.all()`, a mounted sub-app), so none is guessed.
   * @default one line on stderr per skipped route
   */
  readonly onSkip?: (route: SkippedRoute) => void;
}

/** An OpenAPI 3.1 document, as `openApiDocument()` makes it. */
export interface OpenApiDocument {
  readonly openapi: '3.1.0';
  readonly info: OpenApiInfo & { readonly version: string };
  readonly servers?: readonly { readonly url: string; readonly description?: string }[];
  readonly tags?: readonly { readonly name: string; readonly description?: string }[];
  readonly paths: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly components: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

type Info<Kind extends MiddlewareInfo['kind']> = Extract<MiddlewareInfo, { kind: Kind }>;

const DOCUMENT_OPTIONS = optionNames<OpenApiDocumentOptions>({ info: true, servers: true, tags: true, onSkip: true });

/** Headers some answers carry besides those of `envelopeComponents()`. */
const EXTRA_HEADERS: Readonly<Record<string, OpenApiHeader>> = {
  RateLimit: { description: 'The caller\'s quota left in the current window (IETF RateLimit headers, draft 7 or 8).', schema: { type: 'string' } },
  'RateLimit-Policy': { description: 'The quota policy: requests per window.', schema: { type: 'string' } },
  'RateLimit-Limit': { description: 'Requests allowed per window (IETF draft 6).', schema: { type: 'integer', minimum: 0 } },
  'RateLimit-Remaining': { description: 'Requests left in the current window (IETF draft 6).', schema: { type: 'integer', minimum: 0 } },
  'RateLimit-Reset': { description: 'Seconds until the window resets (IETF draft 6).', schema: { type: 'integer', minimum: 0 } },
  'X-RateLimit-Limit': { description: 'Requests allowed per window (legacy header).', schema: { type: 'integer', minimum: 0 } },
  'X-RateLimit-Remaining': { description: 'Requests left in the current window (legacy header).', schema: { type: 'integer', minimum: 0 } },
  'X-RateLimit-Reset': { description: 'When the window resets, in Unix seconds (legacy header).', schema: { type: 'integer', minimum: 0 } },
  Deprecation: {
    description: 'Sent when the requested API version is deprecated: since when, as `@` and Unix seconds (RFC 9745).',
    schema: { type: 'string', pattern: '^@-?\\d+$' },
  },
  Sunset: { description: 'Sent when the requested API version is deprecated: when it stops working, an HTTP date (RFC 8594).', schema: { type: 'string' } },
  Link: { description: 'Sent when the requested API version is deprecated: a page about it, with rel="deprecation".', schema: { type: 'string' } },
};

/** The RateLimit headers express-rate-limit sends with a `standardHeaders` and `legacyHeaders` setting. */
function rateLimitHeaders({ standardHeaders, legacyHeaders }: Info<'rateLimit'>): string[] {
  const names: string[] = [];
  if (standardHeaders === true || standardHeaders === 'draft-6') names.push('RateLimit-Policy', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset');
  else if (standardHeaders === 'draft-7' || standardHeaders === 'draft-8') names.push('RateLimit-Policy', 'RateLimit');
  if (legacyHeaders) names.push('X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset');
  return names;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

/** Checks the options once; throws a `TypeError` naming the bad one. */
export function checkDocumentOptions(options: OpenApiDocumentOptions, where: string): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${where} needs an options object with \`info: { title }\`, got ${describeValue(options)}.`);
  }
  checkOptionKeys(options, DOCUMENT_OPTIONS, where);
  const { info, servers, tags, onSkip } = options;
  if (info === null || typeof info !== 'object' || typeof info.title !== 'string' || info.title.trim() === '') {
    throw new TypeError(`The \`info\` option of ${where} must be an object with a non-empty \`title\`.`);
  }
  if (info.version !== undefined && (typeof info.version !== 'string' || info.version === '')) {
    throw new TypeError(`The \`info.version\` option of ${where} must be a non-empty string.`);
  }
  if (servers !== undefined && (!Array.isArray(servers) || !servers.every((server) => typeof server?.url === 'string' && server.url !== ''))) {
    throw new TypeError(`The \`servers\` option of ${where} must be an array of { url, description? }.`);
  }
  if (tags !== undefined && (!Array.isArray(tags) || !tags.every((tag) => typeof tag?.name === 'string' && tag.name !== ''))) {
    throw new TypeError(`The \`tags\` option of ${where} must be an array of { name, description? }.`);
  }
  if (onSkip !== undefined && typeof onSkip !== 'function') throw new TypeError(`The \`onSkip\` option of ${where} must be a function.`);
}

function warnSkipped(route: SkippedRoute): void {
  process.stderr.write(`kompliant-envelope: openApiDocument() left out ${route.method ?? 'the router at'} ${route.path}: ${route.reason}.\n`);
}

/** Every `#/components/<type>/<name>` the value points at. */
function refsIn(value: unknown, found: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) refsIn(item, found);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string' && child.startsWith('#/components/')) found.add(child);
      else refsIn(child, found);
    }
  }
}

/** Keeps the components the paths point at, directly or through other components. */
function referenced(paths: unknown, candidates: Readonly<Record<string, Readonly<Record<string, unknown>>>>): Record<string, Record<string, unknown>> {
  const seen = new Set<string>();
  const queue = new Set<string>();
  refsIn(paths, queue);
  const kept: Record<string, Record<string, unknown>> = {};
  while (queue.size > 0) {
    const ref = queue.values().next().value as string;
    queue.delete(ref);
    if (seen.has(ref)) continue;
    seen.add(ref);
    const [type, encoded] = ref.slice('#/components/'.length).split('/') as [string, string | undefined];
    const name = decodeURIComponent(encoded ?? '');
    const component = candidates[type]?.[name];
    if (component === undefined) continue;
    (kept[type] ??= {})[name] = component;
    const inner = new Set<string>();
    refsIn(component, inner);
    for (const next of inner) if (!seen.has(next)) queue.add(next);
  }
  // The order of `candidates`, not of discovery, so the document reads the same on every run.
  const ordered: Record<string, Record<string, unknown>> = {};
  for (const [type, all] of Object.entries(candidates)) {
    const names = Object.keys(all).filter((name) => kept[type]?.[name] !== undefined);
    if (names.length > 0) ordered[type] = Object.fromEntries(names.map((name) => [name, all[name]]));
  }
  return ordered;
}

function withHeaders(response: unknown, names: readonly string[]): unknown {
  if (names.length === 0 || response === null || typeof response !== 'object' || '$ref' in response) return response;
  const { headers, ...rest } = response as { headers?: Record<string, unknown> };
  const added = Object.fromEntries(names.map((name) => [name, headerRef(name)]));
  return { ...rest, headers: { ...headers, ...added } };
}

/**
 * The OpenAPI 3.1 document of an Express 4 or 5 app, read from its router:
 * one operation per route and method (nested `express.Router()`s and
 * `app.route()` included), with
 * - the path template and path parameters of the Express path;
 * - parameters and request body from the route's `validate()` schemas
 *   (converted through Standard JSON Schema), and an `X-API-Version`
 *   parameter listing `envelope()`'s versions;
 * - every status the middleware on the way can answer: 400 and 500 always,
 *   413 and 415 for a body, 401 and the security scheme for
 *   `authenticate()`, 403 for `authorize()`, 429 for `rateLimit()`, 503 for
 *   `maintenance()` (unless its `skip` lets the path through), 504 for
 *   `timeout()`;
 * - the success envelope of `describe({ data })`'s schema (any object by
 *   default), or the batch envelope for `describe({ batch: true })`;
 * - only the components these point at.
 *
 * Call it after every route is registered. Routes OpenAPI cannot state
 * exactly (optional, wildcard or regular expression paths, `app.all()`,
 * sub-apps) go to `onSkip`, never guessed; routes behind no `envelope()` are
 * left out. A schema that cannot be converted throws an `Error` naming the
 * route; bad options a `TypeError`.
 *
 * @example
 * ```ts
 * const doc = openApiDocument(app, { info: { title: 'Accounts' }, servers: [{ url: 'https://api.example.com' }] });
 * await writeFile('openapi.json', JSON.stringify(doc, null, 2));
 * ```
 */
export function openApiDocument(app: unknown, options: OpenApiDocumentOptions): OpenApiDocument {
  checkDocumentOptions(options, 'openApiDocument()');
  const { info, servers, tags: tagOptions, onSkip = warnSkipped } = options;
  const { operations, skipped } = walkRouter(app);

  const schemas = new SchemaCollector();
  const versionParameters = new Map<string, { name: string; parameter: Record<string, unknown> }>();
  const versionParameterRef = (envelope: Info<'envelope'>): string => {
    const key = JSON.stringify([envelope.versions, envelope.deprecated]);
    let entry = versionParameters.get(key);
    if (entry === undefined) {
      const deprecated = envelope.deprecated.map(({ version, since, sunset }) =>
        `${version} is deprecated since ${since.slice(0, 10)}${sunset === undefined ? '' : `, sunset ${sunset.slice(0, 10)}`}`,
      );
      entry = {
        name: versionParameters.size === 0 ? 'ApiVersion' : `ApiVersion${versionParameters.size + 1}`,
        parameter: {
          name: VERSION_HEADER,
          in: 'header',
          required: false,
          description:
            'The API version to use; without it, the latest. Any other value is a 400 UNSUPPORTED_API_VERSION.' +
            (deprecated.length === 0 ? '' : ` ${deprecated.join('; ')}: its answers carry an API_VERSION_DEPRECATED warning and the Deprecation, Sunset and Link headers.`),
          schema: { type: 'string', enum: [...envelope.versions], default: envelope.versions.at(-1) },
          ...(deprecated.length === 0 ? {} : { 'x-deprecated-versions': envelope.deprecated.map(({ version }) => version) }),
        },
      };
      versionParameters.set(key, entry);
    }
    return `#/components/parameters/${entry.name}`;
  };

  const paths: Record<string, Record<string, unknown>> = {};
  const operationIds = new Set<string>();
  const schemes = new Map<string, Record<string, unknown>>();
  const rateLimitNames = new Set<string>();
  let deprecations = false;
  let latest: string | undefined;
  const tagNames: string[] = [];

  for (const found of operations) {
    if (found.chain.some((info) => info.kind === 'openapi')) continue;
    const built = buildOperation(found, schemas, versionParameterRef);
    if (built === undefined) {
      onSkip({ method: found.method.toUpperCase(), path: found.path, reason: 'no envelope() on its way, so none of its answers is an envelope' });
      continue;
    }
    const pathItem = (paths[found.path] ??= {});
    if (pathItem[found.method] !== undefined) continue; // Express answers with the first route that matches.
    const { operation } = built;
    let id = operation['operationId'] as string;
    for (let n = 2; operationIds.has(id); n++) id = `${operation['operationId'] as string}${n}`;
    operationIds.add(id);
    operation['operationId'] = id;
    for (const [name, scheme] of built.securitySchemes) schemes.set(name, scheme);
    const ownRateLimit = built.rateLimits.flatMap(rateLimitHeaders);
    for (const name of ownRateLimit) rateLimitNames.add(name);
    const deprecationHeaders = built.envelope.deprecated.length > 0 ? ['Deprecation', 'Sunset', 'Link'] : [];
    if (deprecationHeaders.length > 0) deprecations = true;
    latest ??= built.envelope.versions.at(-1);
    const responses = operation['responses'] as Record<string, unknown>;
    operation['responses'] = { ...responses, '200': withHeaders(responses['200'], [...ownRateLimit, ...deprecationHeaders]) };
    for (const tag of (operation['tags'] as string[] | undefined) ?? []) if (!tagNames.includes(tag)) tagNames.push(tag);
    pathItem[found.method] = operation;
  }
  for (const route of skipped) onSkip(route);

  // Shared error responses: a throttled route's errors carry the RateLimit headers too, a deprecated version's its three.
  const sharedHeaders = [...rateLimitNames, ...(deprecations ? ['Deprecation', 'Sunset', 'Link'] : [])];
  const envelopeParts = envelopeComponents();
  const errorAnswers = errorResponses({ statuses: ERROR_STATUSES, version: latest ?? IMPLICIT_VERSION });
  const responses = Object.fromEntries(
    ERROR_STATUSES.map((status) => [ERROR_RESPONSE_NAMES[status], withHeaders(errorAnswers[ERROR_RESPONSE_NAMES[status]], sharedHeaders)]),
  );
  const candidates = {
    schemas: { ...envelopeParts.schemas, ...Object.fromEntries(schemas.named) } as Record<string, JsonSchemaObject>,
    responses,
    parameters: Object.fromEntries([...versionParameters.values()].map(({ name, parameter }) => [name, parameter])),
    headers: { ...envelopeParts.headers, ...EXTRA_HEADERS },
  };
  const components: Record<string, Record<string, unknown>> = referenced(paths, candidates);
  if (schemes.size > 0) components['securitySchemes'] = Object.fromEntries(schemes);

  const described = tagOptions ?? [];
  const tags = [
    ...described.map((tag) => ({ ...tag })),
    ...tagNames.filter((name) => !described.some((tag) => tag.name === name)).map((name) => ({ name })),
  ];
  return {
    openapi: '3.1.0',
    info: { ...info, version: info.version ?? latest ?? IMPLICIT_VERSION },
    ...(servers === undefined ? {} : { servers: servers.map((server) => ({ ...server })) }),
    ...(tags.length === 0 ? {} : { tags }),
    paths,
    components,
  };
}
