/**
 * One operation of the generated document, from what the router walk found
 * on the way to it: parameters and request body from `validate()`, the
 * statuses its middleware can answer, security from `authenticate()`, the
 * success schema from `describe()`. Internal.
 */
import type { ErrorHttpStatus } from '../core/catalog.js';
import { infoOf, type MiddlewareInfo } from '../core/options.js';
import { isStandardSchema } from '../core/standard-schema.js';
import type { DescribeOptions } from './describe.js';
import type { FoundOperation } from './router-walk.js';
import { openApiBatchResponses, openApiResponses } from './responses.js';
import type { SchemaCollector } from './schema-source.js';
import type { JsonSchema, JsonSchemaObject, OpenApiResponses } from './types.js';

type Info<Kind extends MiddlewareInfo['kind']> = Extract<MiddlewareInfo, { kind: Kind }>;

/** What the document needs to know of an operation besides its Operation Object. */
export interface BuiltOperation {
  readonly operation: Record<string, unknown>;
  readonly statuses: readonly ErrorHttpStatus[];
  readonly envelope: Info<'envelope'>;
  readonly rateLimits: readonly Info<'rateLimit'>[];
  /** Security scheme name → scheme, for `components.securitySchemes`. */
  readonly securitySchemes: ReadonlyMap<string, Record<string, unknown>>;
}

/** Methods whose requests carry a body: envelope() may refuse it with 413 or 415. */
const BODY_METHODS = new Set(['post', 'put', 'patch']);
/** Header parameters OpenAPI ignores (they are described elsewhere). */
const IGNORED_HEADERS = new Set(['accept', 'content-type', 'authorization']);

/** What batch() echoes by default in each result's `request`. */
const DEFAULT_ECHO: JsonSchemaObject = {
  type: 'object',
  description: "The item's position, and its `id` when it has one.",
  required: ['index'],
  properties: { index: { type: 'integer', minimum: 0 }, id: { type: ['string', 'number'] } },
};
/** The success `data` when `describe()` does not give one. */
const ANY_OBJECT: JsonSchemaObject = { type: 'object' };

function pascal(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '')
    .map((word) => word[0]?.toUpperCase() + word.slice(1))
    .join('');
}

/** `get` + `/accounts/{id}/summary` → `getAccountsByIdSummary`. */
export function defaultOperationId(method: string, path: string): string {
  const words = path
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => (segment.startsWith('{') ? `By${pascal(segment)}` : pascal(segment)));
  return `${method}${words.join('') || 'Root'}`;
}

/** The synthetic request `maintenance()`'s `skip` is asked about: the route's path, no headers. */
function skipsMaintenance(skip: ((req: never) => boolean) | undefined, method: string, path: string): boolean {
  if (skip === undefined) return false;
  const req = {
    method: method.toUpperCase(),
    path,
    url: path,
    originalUrl: path,
    baseUrl: '',
    headers: {},
    query: {},
    params: {},
    get: () => undefined,
    header: () => undefined,
  };
  try {
    return skip(req as never) === true;
  } catch {
    // A skip that needs more of a request than a path: the route may well answer 503.
    return false;
  }
}

function objectProperties(schema: JsonSchema, where: string): { properties: Record<string, JsonSchema>; required: readonly string[] } {
  if (typeof schema === 'object' && schema['type'] === 'object' && typeof schema['properties'] === 'object' && schema['properties'] !== null) {
    const required = Array.isArray(schema['required']) ? (schema['required'] as string[]) : [];
    return { properties: schema['properties'] as Record<string, JsonSchema>, required };
  }
  throw new Error(`openApiDocument(): ${where} must be an object schema with named properties to become parameters, got ${JSON.stringify(schema)}.`);
}

function securityOf(auth: readonly Info<'authenticate'>[]): { requirement: Record<string, string[]> | undefined; schemes: Map<string, Record<string, unknown>> } {
  const schemes = new Map<string, Record<string, unknown>>();
  for (const { headers, challenge } of auth) {
    for (const header of headers) {
      const scheme = /^(bearer|basic)\b/i.exec(challenge ?? '')?.[1]?.toLowerCase();
      if (header.toLowerCase() === 'authorization' && scheme !== undefined) {
        schemes.set(`${scheme}Auth`, { type: 'http', scheme, description: `The ${header} header: \`${scheme === 'bearer' ? 'Bearer' : 'Basic'} …\`.` });
      } else {
        schemes.set(header.replace(/[^\w.-]/g, '_'), { type: 'apiKey', in: 'header', name: header, description: `The ${header} header.` });
      }
    }
  }
  if (schemes.size === 0) return { requirement: undefined, schemes };
  // One requirement naming every header: all of them are needed together (an API key, or the HMAC headers).
  return { requirement: Object.fromEntries([...schemes.keys()].map((name) => [name, []])), schemes };
}

/** The schema of a batch route's items: a schema, or the item handler validated() made. */
function itemsSource(items: DescribeOptions['items']): unknown {
  if (typeof items === 'function' && !isStandardSchema(items)) {
    const info = infoOf(items);
    if (info?.kind === 'validated') return info.schema;
    throw new TypeError('The `items` option of describe() is a function, but not one validated() made.');
  }
  return items;
}

/**
 * Builds the Operation Object of `found`, or `undefined` when no
 * `envelope()` is on its way (the library answers nothing there).
 */
export function buildOperation(
  found: FoundOperation,
  schemas: SchemaCollector,
  versionParameterRef: (envelope: Info<'envelope'>) => string,
): BuiltOperation | undefined {
  const { method, path, params, chain } = found;
  const route = `${method.toUpperCase()} ${path}`;
  const envelope = chain.find((info): info is Info<'envelope'> => info.kind === 'envelope');
  if (envelope === undefined) return undefined;

  const described: DescribeOptions = Object.assign(
    {},
    ...chain.filter((info): info is Info<'describe'> => info.kind === 'describe').map((info) => info.options as DescribeOptions),
  );
  const validations = chain.filter((info): info is Info<'validate'> => info.kind === 'validate');
  const partSchema = (part: 'body' | 'query' | 'params' | 'headers'): JsonSchema | undefined => {
    // The last validate() of a part is the one whose parsed value the handler sees.
    // describe()'s body and query stand in for parts a handler checks by hand.
    const source =
      validations.map((info) => info.schemas[part]).filter((schema) => schema !== undefined).at(-1) ??
      (part === 'body' || part === 'query' ? described[part] : undefined);
    return source === undefined ? undefined : schemas.convert(source, 'input', `the ${part} schema of ${route}`);
  };

  const parameters: Record<string, unknown>[] = [];
  const paramsSchema = partSchema('params');
  const pathProperties = paramsSchema === undefined ? undefined : objectProperties(paramsSchema, `the params schema of ${route}`).properties;
  for (const name of params) {
    parameters.push({ name, in: 'path', required: true, schema: pathProperties?.[name] ?? { type: 'string' } });
  }
  for (const part of ['query', 'headers'] as const) {
    const schema = partSchema(part);
    if (schema === undefined) continue;
    const { properties, required } = objectProperties(schema, `the ${part} schema of ${route}`);
    for (const [name, property] of Object.entries(properties)) {
      if (part === 'headers' && IGNORED_HEADERS.has(name.toLowerCase())) continue;
      const isObject = typeof property === 'object' && property['type'] === 'object';
      parameters.push({
        name,
        in: part === 'query' ? 'query' : 'header',
        required: required.includes(name),
        schema: property,
        // qs (Express 4, or `query parser: 'extended'`) reads `?filter[name]=x` as an object.
        ...(part === 'query' && isObject ? { style: 'deepObject', explode: true } : {}),
      });
    }
  }
  parameters.push({ $ref: versionParameterRef(envelope) });

  let bodySchema = partSchema('body');
  if (bodySchema === undefined && described.batch === true && described.items !== undefined) {
    bodySchema = { type: 'array', minItems: 1, items: schemas.convert(itemsSource(described.items), 'input', `the batch items schema of ${route}`) };
  }
  const takesBody = BODY_METHODS.has(method) || bodySchema !== undefined;

  const has = (kind: MiddlewareInfo['kind']) => chain.some((info) => info.kind === kind);
  const maintenances = chain.filter((info): info is Info<'maintenance'> => info.kind === 'maintenance');
  const rateLimits = chain.filter((info): info is Info<'rateLimit'> => info.kind === 'rateLimit');
  const auth = chain.filter((info): info is Info<'authenticate'> => info.kind === 'authenticate');
  const unavailable = maintenances.some((info) => info.enabled !== false && !skipsMaintenance(info.skip, method, path));
  const statuses: ErrorHttpStatus[] = [400];
  if (auth.length > 0) statuses.push(401);
  if (has('authorize')) statuses.push(403);
  if (takesBody) statuses.push(413, 415);
  if (rateLimits.length > 0) statuses.push(429);
  statuses.push(500);
  if (unavailable) statuses.push(503);
  if (has('timeout')) statuses.push(504);

  const data = described.data === undefined ? ANY_OBJECT : schemas.convert(described.data, 'output', `the data schema of ${route}`);
  const responses: OpenApiResponses =
    described.batch === true
      ? openApiBatchResponses(
          data,
          described.echo === undefined ? DEFAULT_ECHO : schemas.convert(described.echo, 'output', `the echo schema of ${route}`),
          { statuses },
        )
      : openApiResponses(data, { statuses });

  const { requirement, schemes } = securityOf(auth);
  const versioned = chain.find((info): info is Info<'versioned'> => info.kind === 'versioned');
  const firstVersion = versioned === undefined ? undefined : envelope.versions.find((version) => versioned.versions.includes(version));
  const notes = [
    described.description,
    firstVersion !== undefined && firstVersion !== envelope.versions[0] ? `Available from API version ${firstVersion}; older versions answer 400 UNSUPPORTED_API_VERSION.` : undefined,
  ].filter((note): note is string => note !== undefined);

  const operation: Record<string, unknown> = {
    ...(described.tags === undefined ? {} : { tags: [...described.tags] }),
    ...(described.summary === undefined ? {} : { summary: described.summary }),
    ...(notes.length === 0 ? {} : { description: notes.join('\n\n') }),
    operationId: described.operationId ?? defaultOperationId(method, path),
    parameters,
    ...(bodySchema === undefined
      ? {}
      : { requestBody: { required: true, content: Object.fromEntries(envelope.contentTypes.map((type) => [type, { schema: bodySchema }])) } }),
    responses,
    // An empty list says "no credentials needed" outright; authenticate() without headers leaves it unsaid.
    ...(requirement !== undefined ? { security: [requirement] } : auth.length === 0 ? { security: [] } : {}),
    ...(described.deprecated === true ? { deprecated: true } : {}),
  };
  return { operation, statuses, envelope, rateLimits, securitySchemes: schemes };
}
