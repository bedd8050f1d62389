/**
 * openApiDocument(), describe() and openApiHandler() on real Express 4 and 5
 * apps: what the router walk finds (nested routers, app.route(), path
 * parameters, skipped paths), the statuses each middleware adds, security
 * schemes, schemas from validate() through Standard JSON Schema (zod,
 * arktype, valibot), only referenced components, and the errors.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import request from 'supertest';
import * as v from 'valibot';
import { toStandardJsonSchema } from '@valibot/to-json-schema';
import { z } from 'zod';
import { jest } from '@jest/globals';
import type { Express } from 'express';
import { envelope, errorHandler, ok } from 'kompliant-envelope';
import { STANDARD_ERRORS } from 'kompliant-envelope/core';
import { authenticate, authorize } from 'kompliant-envelope/auth';
import { maintenance } from 'kompliant-envelope/maintenance';
import { describe as describeRoute, openApiDocument, openApiHandler, type SkippedRoute } from 'kompliant-envelope/openapi';
import { rateLimit } from 'kompliant-envelope/rate-limit';
import { timeout } from 'kompliant-envelope/timeout';
import { validate, validated } from 'kompliant-envelope/validate';
import { versioned } from 'kompliant-envelope/versioning';
import { EXPRESS_VERSIONS, UUID_V4, type ExpressFactory } from '../support/apps.js';
import { validateOpenApi } from './support.js';

// arktype ships ES modules only; bundled to CommonJS once, as in validate.test.ts.
const arktypeDir = mkdtempSync(join(tmpdir(), 'kompliant-arktype-'));
afterAll(() => rmSync(arktypeDir, { recursive: true, force: true }));
const arktypeBundle = join(arktypeDir, 'arktype.cjs');
buildSync({ entryPoints: [require.resolve('arktype')], bundle: true, format: 'cjs', platform: 'node', outfile: arktypeBundle, logLevel: 'silent' });
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { type } = require(arktypeBundle) as typeof import('arktype');

type Doc = ReturnType<typeof openApiDocument>;
type Operation = {
  operationId: string;
  parameters: Record<string, unknown>[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, Record<string, unknown>>;
  security?: unknown;
  tags?: string[];
  summary?: string;
  description?: string;
};

const INFO = { title: 'Test' };
const handler = (_req: unknown, res: Parameters<typeof ok>[0]) => ok(res, {});

function generate(app: unknown): { doc: Doc; skipped: SkippedRoute[] } {
  const skipped: SkippedRoute[] = [];
  const doc = openApiDocument(app, { info: INFO, onSkip: (route) => skipped.push(route) });
  return { doc, skipped };
}

function operation(doc: Doc, path: string, method: string): Operation {
  const found = (doc.paths[path] as Record<string, Operation> | undefined)?.[method];
  if (found === undefined) throw new Error(`No ${method} ${path} in ${JSON.stringify(Object.keys(doc.paths))}`);
  return found;
}

function statuses(doc: Doc, path: string, method: string): string[] {
  return Object.keys(operation(doc, path, method).responses);
}

function appWith(express: ExpressFactory, setup: (app: Express) => void, options: Parameters<typeof envelope>[0] = {}): Express {
  const app = express();
  app.use(envelope(options));
  app.use(express.json());
  setup(app);
  app.use(errorHandler({ onError: () => undefined }));
  return app;
}

describe.each(EXPRESS_VERSIONS)('openApiDocument() on %s', (name, express) => {
  const major = name === 'Express 4' ? 4 : 5;

  it('walks nested routers, app.route() and path parameters, in registration order', () => {
    const app = appWith(express, (app) => {
      const v1 = express.Router();
      v1.route('/things').get(handler).post(handler);
      v1.get('/things/:thingId', handler);
      const tenants = express.Router({ mergeParams: true });
      tenants.get('/users/:userId', handler);
      v1.use('/tenants/:tenantId', tenants);
      app.use('/v1', v1);
      app.get('/', handler);
      app.delete('/files/:name.:ext', handler);
    });
    const { doc, skipped } = generate(app);
    expect(skipped).toEqual([]);
    expect(Object.entries(doc.paths).map(([path, item]) => [path, Object.keys(item)])).toEqual([
      ['/v1/things', ['get', 'post']],
      ['/v1/things/{thingId}', ['get']],
      ['/v1/tenants/{tenantId}/users/{userId}', ['get']],
      ['/', ['get']],
      ['/files/{name}.{ext}', ['delete']],
    ]);
    const user = operation(doc, '/v1/tenants/{tenantId}/users/{userId}', 'get');
    expect(user.operationId).toBe('getV1TenantsByTenantIdUsersByUserId');
    expect(user.parameters).toEqual([
      { name: 'tenantId', in: 'path', required: true, schema: { type: 'string' } },
      { name: 'userId', in: 'path', required: true, schema: { type: 'string' } },
      { $ref: '#/components/parameters/ApiVersion' },
    ]);
    expect(operation(doc, '/', 'get').operationId).toBe('getRoot');
    expect(operation(doc, '/files/{name}.{ext}', 'delete').parameters.slice(0, 2).map((p) => p['name'])).toEqual(['name', 'ext']);
  });

  it('reports optional, wildcard and regex paths, app.all(), sub-apps and routes behind no envelope() as skipped, never guessed', () => {
    const app = express();
    app.get('/before', handler);
    app.use(envelope());
    app.get(major === 4 ? '/files/:name?' : '/files{/:name}', handler);
    app.get(major === 4 ? '/static/*' : '/static/*rest', handler);
    app.get(/^\/re(g)ex$/, handler);
    app.all('/anything', handler);
    app.use('/sub', express());
    const router = express.Router();
    router.get('/inside', handler);
    app.use(/^\/pattern/, router);
    app.get('/kept/:id', handler);
    const { doc, skipped } = generate(app);
    expect(Object.keys(doc.paths)).toEqual(['/kept/{id}']);
    expect(skipped.map(({ method, reason }) => [method, reason])).toEqual([
      ['GET', 'no envelope() on its way, so none of its answers is an envelope'],
      ['GET', 'an optional, wildcard or pattern path'],
      ['GET', 'an optional, wildcard or pattern path'],
      ['GET', 'a regular expression path'],
      ['ALL', 'app.all() / route.all() answers every method; OpenAPI lists methods one by one'],
      [undefined, 'a mounted sub-app (app.use(path, otherApp)): describe it with its own openApiDocument()'],
      [undefined, major === 4 ? 'a regular expression or list mount path' : 'a regular expression path'],
    ]);
    expect(skipped[1]?.path).toBe(major === 4 ? '/files/:name?' : '/files{/:name}');
  });

  it('writes each skipped route on stderr by default', () => {
    const app = appWith(express, (app) => app.get(major === 4 ? '/static/*' : '/static/*rest', handler));
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      openApiDocument(app, { info: INFO });
      expect(write.mock.calls.map(([line]) => line)).toEqual([
        `kompliant-envelope: openApiDocument() left out GET ${major === 4 ? '/static/*' : '/static/*rest'}: an optional, wildcard or pattern path.\n`,
      ]);
    } finally {
      write.mockRestore();
    }
  });

  it('lists the statuses the middleware on the way can answer, and only those', () => {
    const app = express();
    app.use(envelope({ versions: ['2024-01-01', '2025-06-01'] }));
    app.get('/early', handler);
    app.use(maintenance({ enabled: () => false, skip: (req) => req.path === '/health' }));
    app.use(express.json());
    app.get('/health', handler);
    app.get('/plain', handler);
    app.post('/items', handler);
    app.put('/items/:id', handler);
    app.get('/search', rateLimit({ limit: 5, windowMs: 1000 }), handler);
    app.get('/slow', timeout(1000), handler);
    app.get('/new', versioned({ '2025-06-01': handler }), handler);
    const admin = express.Router();
    admin.use(authenticate({ headers: ['X-API-Key'], verify: () => ({}) }));
    admin.get('/stats', authorize(() => true), handler);
    admin.get('/open', handler);
    app.use('/admin', admin);
    app.get('/after', handler);
    app.route('/guarded').all(authenticate({ headers: ['X-API-Key'], verify: () => ({}) })).get(handler);
    app.use(errorHandler({ onError: () => undefined }));
    const { doc, skipped } = generate(app);
    expect(skipped).toEqual([]);
    expect(Object.keys(doc.paths['/guarded'] ?? {})).toEqual(['get']);
    expect(statuses(doc, '/guarded', 'get')).toEqual(['200', '400', '401', '500', '503']);
    expect(statuses(doc, '/early', 'get')).toEqual(['200', '400', '500']);
    expect(statuses(doc, '/health', 'get')).toEqual(['200', '400', '500']);
    expect(statuses(doc, '/plain', 'get')).toEqual(['200', '400', '500', '503']);
    expect(statuses(doc, '/items', 'post')).toEqual(['200', '400', '413', '415', '500', '503']);
    expect(statuses(doc, '/items/{id}', 'put')).toEqual(['200', '400', '413', '415', '500', '503']);
    expect(statuses(doc, '/search', 'get')).toEqual(['200', '400', '429', '500', '503']);
    expect(statuses(doc, '/slow', 'get')).toEqual(['200', '400', '500', '503', '504']);
    expect(statuses(doc, '/admin/stats', 'get')).toEqual(['200', '400', '401', '403', '500', '503']);
    expect(statuses(doc, '/admin/open', 'get')).toEqual(['200', '400', '401', '500', '503']);
    // A router's use() reaches only what is mounted below it.
    expect(statuses(doc, '/after', 'get')).toEqual(['200', '400', '500', '503']);
    expect(operation(doc, '/new', 'get').description).toBe('Available from API version 2025-06-01; older versions answer 400 UNSUPPORTED_API_VERSION.');
    expect(operation(doc, '/admin/stats', 'get').security).toEqual([{ 'X-API-Key': [] }]);
    expect(operation(doc, '/plain', 'get').security).toEqual([]);
    expect(doc.components['securitySchemes']).toEqual({ 'X-API-Key': { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'The X-API-Key header.' } });
    expect(doc.components['parameters']).toEqual({
      ApiVersion: {
        name: 'X-API-Version',
        in: 'header',
        required: false,
        description: 'The API version to use; without it, the latest. Any other value is a 400 UNSUPPORTED_API_VERSION.',
        schema: { type: 'string', enum: ['2024-01-01', '2025-06-01'], default: '2025-06-01' },
      },
    });
    expect(doc.info).toEqual({ title: 'Test', version: '2025-06-01' });
  });

  it('lists no 503 behind maintenance({ enabled: false })', () => {
    const app = appWith(express, (app) => {
      app.use(maintenance({ enabled: false }));
      app.get('/x', handler);
    });
    expect(statuses(generate(app).doc, '/x', 'get')).toEqual(['200', '400', '500']);
  });

  it('describes bearer, HMAC and API key credentials as security schemes', () => {
    const app = appWith(express, (app) => {
      app.get('/bearer', authenticate({ headers: ['Authorization'], verify: () => ({}) }), handler);
      app.get('/signed', authenticate({ headers: ['X-Key-Id', 'X-Timestamp', 'X-Signature'], verify: () => ({}) }), handler);
      app.get('/verify-only', authenticate({ verify: () => ({}) }), handler);
    });
    const { doc } = generate(app);
    expect(operation(doc, '/bearer', 'get').security).toEqual([{ bearerAuth: [] }]);
    expect(operation(doc, '/signed', 'get').security).toEqual([{ 'X-Key-Id': [], 'X-Timestamp': [], 'X-Signature': [] }]);
    expect(operation(doc, '/verify-only', 'get').security).toBeUndefined();
    expect(statuses(doc, '/verify-only', 'get')).toEqual(['200', '400', '401', '500']);
    expect(doc.components['securitySchemes']).toEqual({
      bearerAuth: { type: 'http', scheme: 'bearer', description: 'The Authorization header: `Bearer …`.' },
      'X-Key-Id': { type: 'apiKey', in: 'header', name: 'X-Key-Id', description: 'The X-Key-Id header.' },
      'X-Timestamp': { type: 'apiKey', in: 'header', name: 'X-Timestamp', description: 'The X-Timestamp header.' },
      'X-Signature': { type: 'apiKey', in: 'header', name: 'X-Signature', description: 'The X-Signature header.' },
    });
  });

  it('names the RateLimit headers of each rateLimit() setting on the 200 and the shared error responses', () => {
    const app = appWith(express, (app) => {
      app.get('/seven', rateLimit({ limit: 5 }), handler);
      app.get('/six', rateLimit({ limit: 5, standardHeaders: 'draft-6', legacyHeaders: true }), handler);
    });
    const { doc } = generate(app);
    const headersOf = (response: Record<string, unknown>) => Object.keys(response['headers'] as object);
    expect(headersOf(operation(doc, '/seven', 'get').responses['200']!)).toEqual(['X-Trace-Id', 'X-API-Version', 'RateLimit-Policy', 'RateLimit']);
    expect(headersOf(operation(doc, '/six', 'get').responses['200']!)).toEqual([
      'X-Trace-Id', 'X-API-Version', 'RateLimit-Policy', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset',
      'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset',
    ]);
    expect(headersOf((doc.components['responses'] as Record<string, Record<string, unknown>>)['TooManyRequests']!)).toEqual([
      'X-Trace-Id', 'X-API-Version', 'Retry-After', 'RateLimit-Policy', 'RateLimit', 'RateLimit-Limit', 'RateLimit-Remaining',
      'RateLimit-Reset', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset',
    ]);
  });

  it('emits only the components its paths point at: no Envelope, no unused response or header', () => {
    const { doc } = generate(appWith(express, (app) => app.get('/one', handler)));
    expect(Object.fromEntries(Object.entries(doc.components).map(([kind, entries]) => [kind, Object.keys(entries)]))).toEqual({
      schemas: ['EnvelopeErrorObject', 'EnvelopeWarningObject', 'EnvelopeMeta', 'ErrorEnvelope'],
      responses: ['BadRequest', 'InternalError'],
      parameters: ['ApiVersion'],
      headers: ['X-Trace-Id', 'X-API-Version', 'Allow'],
    });
    expect(doc).not.toHaveProperty('tags');
  });

  it('reads parameters and bodies from validate() schemas of zod, arktype and valibot', async () => {
    const Tag = z.object({ label: z.string() }).meta({ id: 'Tag' });
    const app = appWith(express, (app) => {
      app.post(
        '/orders/:orderId',
        validate({
          params: z.object({ orderId: z.string().regex(/^o_\d+$/) }),
          query: z.object({ dryRun: z.enum(['yes', 'no']).optional(), filter: z.object({ sku: z.string() }).optional() }),
          headers: z.object({ 'x-tenant': z.string(), 'content-type': z.string() }),
          body: z.object({ sku: z.string(), quantity: z.coerce.number().int().min(1), tags: z.array(Tag) }),
        }),
        handler,
      );
      app.put('/ark', validate({ body: type({ name: 'string > 0', 'age?': 'number.integer' }) }), handler);
      app.patch('/valibot', validate({ body: toStandardJsonSchema(v.object({ name: v.string() })) }), handler);
    });
    const { doc } = generate(app);
    const order = operation(doc, '/orders/{orderId}', 'post');
    expect(order.parameters).toEqual([
      { name: 'orderId', in: 'path', required: true, schema: { type: 'string', pattern: '^o_\\d+$' } },
      { name: 'dryRun', in: 'query', required: false, schema: { type: 'string', enum: ['yes', 'no'] } },
      {
        name: 'filter',
        in: 'query',
        required: false,
        schema: { type: 'object', properties: { sku: { type: 'string' } }, required: ['sku'] },
        style: 'deepObject',
        explode: true,
      },
      { name: 'x-tenant', in: 'header', required: true, schema: { type: 'string' } },
      { $ref: '#/components/parameters/ApiVersion' },
    ]);
    expect(order.requestBody).toEqual({
      required: true,
      content: {
        'application/json': {
          schema: {
            type: 'object',
            properties: {
              sku: { type: 'string' },
              quantity: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
              tags: { type: 'array', items: { $ref: '#/components/schemas/Tag' } },
            },
            required: ['sku', 'quantity', 'tags'],
          },
        },
      },
    });
    expect((doc.components['schemas'] as Record<string, unknown>)['Tag']).toEqual({ type: 'object', properties: { label: { type: 'string' } }, required: ['label'] });
    expect(operation(doc, '/ark', 'put').requestBody?.content['application/json']?.schema).toEqual({
      type: 'object',
      properties: { name: { type: 'string', minLength: 1 }, age: { type: 'integer' } },
      required: ['name'],
    });
    expect(operation(doc, '/valibot', 'patch').requestBody?.content['application/json']?.schema).toEqual({
      type: 'object',
      properties: { name: { type: 'string' } },
      required: ['name'],
    });
    expect(await validateOpenApi(doc)).toEqual({ valid: true, version: '3.1', errors: null });
  }, 30_000);

  it('moves $defs to components.schemas once, renaming two different schemas of one name', () => {
    const Item = z.object({ sku: z.string() }).meta({ id: 'Item' });
    const OtherItem = z.object({ code: z.number() }).meta({ id: 'Item' });
    const app = appWith(express, (app) => {
      app.get('/a', describeRoute({ data: z.array(Item) }), handler);
      app.get('/b', describeRoute({ data: z.object({ first: Item }) }), handler);
      app.get('/c', describeRoute({ data: z.array(OtherItem) }), handler);
    });
    const { doc } = generate(app);
    const schemas = doc.components['schemas'] as Record<string, unknown>;
    expect([schemas['Item'], schemas['Item2']]).toEqual([
      { type: 'object', properties: { sku: { type: 'string' } }, required: ['sku'], additionalProperties: false },
      { type: 'object', properties: { code: { type: 'number' } }, required: ['code'], additionalProperties: false },
    ]);
    const dataOf = (path: string) =>
      (operation(doc, path, 'get').responses['200']!['content'] as Record<string, { schema: { properties: Record<string, unknown> } }>)['application/json']!.schema.properties['data'];
    expect([dataOf('/a'), dataOf('/c')]).toEqual([
      { type: 'array', items: { $ref: '#/components/schemas/Item' } },
      { type: 'array', items: { $ref: '#/components/schemas/Item2' } },
    ]);
  });

  it('throws an Error naming the route for a schema it cannot convert', () => {
    const plainValibot = appWith(express, (app) => app.post('/v', validate({ body: v.object({ name: v.string() }) }), handler));
    expect(() => generate(plainValibot)).toThrow(
      new Error(
        'openApiDocument(): the body schema of POST /v is a valibot schema without Standard JSON Schema (`~standard.jsonSchema`). ' +
          'zod 4.2+ and arktype 2.1.28+ have it; wrap a valibot schema with toStandardJsonSchema() from @valibot/to-json-schema.',
      ),
    );
    const dates = appWith(express, (app) => app.get('/d', describeRoute({ data: z.object({ at: z.date() }) }), handler));
    expect(() => generate(dates)).toThrow('openApiDocument(): the data schema of GET /d cannot be converted to JSON Schema: Date cannot be represented in JSON Schema');
    const union = appWith(express, (app) => app.get('/q', validate({ query: z.union([z.object({ a: z.string() }), z.object({ b: z.string() })]) }), handler));
    expect(() => generate(union)).toThrow(/^openApiDocument\(\): the query schema of GET \/q must be an object schema with named properties/);
  });

  it('takes summary, tags, operationId, data and batch from describe()', () => {
    const Item = z.object({ sku: z.string() });
    const app = appWith(express, (app) => {
      app.get('/a', describeRoute({ summary: 'A', tags: ['letters'], operationId: 'getA', data: z.object({ id: z.string() }) }), handler);
      app.get('/b', describeRoute({ summary: 'B', tags: ['letters', 'more'], deprecated: true, data: { type: 'array', items: { type: 'string' } } }), handler);
      app.post(
        '/batch',
        describeRoute({ batch: true, items: validated(Item, (item) => item), data: Item, echo: z.object({ sku: z.string() }) }),
        handler,
      );
      app.get('/dup', describeRoute({ operationId: 'getA' }), handler);
    });
    const doc = openApiDocument(app, { info: INFO, tags: [{ name: 'more', description: 'More letters' }] });
    expect(doc.tags).toEqual([{ name: 'more', description: 'More letters' }, { name: 'letters' }]);
    const a = operation(doc, '/a', 'get');
    expect([a.summary, a.tags, a.operationId]).toEqual(['A', ['letters'], 'getA']);
    expect((a.responses['200']!['content'] as Record<string, { schema: { properties: Record<string, unknown> } }>)['application/json']!.schema.properties['data']).toEqual({
      type: 'object',
      properties: { id: { type: 'string' } },
      required: ['id'],
      additionalProperties: false,
    });
    expect(operation(doc, '/b', 'get')).toMatchObject({ deprecated: true, operationId: 'getB' });
    expect(operation(doc, '/dup', 'get').operationId).toBe('getA2');
    const batchOp = operation(doc, '/batch', 'post');
    expect(batchOp.requestBody?.content['application/json']?.schema).toEqual({
      type: 'array',
      minItems: 1,
      items: { type: 'object', properties: { sku: { type: 'string' } }, required: ['sku'] },
    });
    const batchSchema = (batchOp.responses['200']!['content'] as Record<string, { schema: { properties: Record<string, unknown> } }>)['application/json']!.schema;
    expect(batchSchema.properties['meta']).toEqual({ allOf: [{ $ref: '#/components/schemas/EnvelopeMeta' }, { type: 'object', properties: { status: { const: 'BATCH_PROCESSED' } } }] });
    expect(statuses(doc, '/batch', 'post')).toEqual(['200', '400', '413', '415', '500']);
  });
});

describe.each(EXPRESS_VERSIONS)('describe() and openApiHandler() over HTTP on %s', (_name, express) => {
  it('describe() changes nothing at request time', async () => {
    const plain = appWith(express, (app) => app.get('/x', (_req, res) => ok(res, { n: 1 })));
    const described = appWith(express, (app) => app.get('/x', describeRoute({ summary: 'X', data: z.object({ n: z.number() }) }), (_req, res) => ok(res, { n: 1 })));
    const [a, b] = await Promise.all([request(plain).get('/x'), request(described).get('/x')]);
    expect(b.status).toBe(a.status);
    expect({ ...b.body, meta: { ...b.body.meta, trace_id: 'x' } }).toEqual({ ...a.body, meta: { ...a.body.meta, trace_id: 'x' } });
    expect(b.headers['x-trace-id']).toMatch(UUID_V4);
  });

  it('openApiHandler() answers the raw document, made on the first request with every route registered by then, and the same bytes after', async () => {
    const app = express();
    app.use(envelope());
    app.get('/openapi.json', openApiHandler(app, { info: INFO }));
    app.get('/before', handler);
    app.use(errorHandler({ onError: () => undefined }));
    // Registered after the handler was mounted, before the first request.
    app.get('/after', handler);
    const first = await request(app).get('/openapi.json');
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(first.headers['x-trace-id']).toMatch(UUID_V4);
    expect(first.body).toEqual(JSON.parse(JSON.stringify(openApiDocument(app, { info: INFO }))));
    expect(Object.keys(first.body.paths)).toEqual(['/before', '/after']);
    app.get('/later', handler);
    const second = await request(app).get('/openapi.json');
    expect(second.text).toBe(first.text);
    const head = await request(app).head('/openapi.json');
    expect([head.status, head.headers['content-length']]).toEqual([200, String(Buffer.byteLength(first.text))]);
  });

  it('openApiHandler() answers a 500 envelope when the document cannot be made', async () => {
    const app = appWith(express, (app) => {
      app.get('/openapi.json', openApiHandler(app, { info: INFO }));
      app.get('/d', describeRoute({ data: z.object({ at: z.date() }) }), handler);
    });
    const res = await request(app).get('/openapi.json');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      meta: { status: 'ERROR', trace_id: res.headers['x-trace-id'], version: '1' },
      errors: [{ code: 'INTERNAL_ERROR', message: STANDARD_ERRORS.INTERNAL_ERROR.message }],
    });
  });
});

describe('options', () => {
  const app = appWith(EXPRESS_VERSIONS[1][1], () => undefined);

  it.each([
    [undefined, 'openApiDocument() needs an options object with `info: { title }`, got undefined.'],
    [{}, 'The `info` option of openApiDocument() must be an object with a non-empty `title`.'],
    [{ info: { title: '' } }, 'The `info` option of openApiDocument() must be an object with a non-empty `title`.'],
    [{ info: INFO, server: [] }, 'The `server` option of openApiDocument() is not known; did you mean `servers`? Known options: info, servers, tags, onSkip.'],
    [{ info: INFO, servers: [{}] }, 'The `servers` option of openApiDocument() must be an array of { url, description? }.'],
    [{ info: INFO, onSkip: 'log' }, 'The `onSkip` option of openApiDocument() must be a function.'],
  ])('openApiDocument(app, %j) throws a TypeError', (options, message) => {
    expect(() => openApiDocument(app, options as never)).toThrow(new TypeError(message));
  });

  it('openApiHandler() checks its options when it is made', () => {
    expect(() => openApiHandler(app, { info: {} } as never)).toThrow(new TypeError('The `info` option of openApiHandler() must be an object with a non-empty `title`.'));
  });

  it('needs an Express app or router', () => {
    expect(() => openApiDocument({}, { info: INFO })).toThrow(new TypeError('openApiDocument() needs an Express 4 or 5 app (express()) or router (express.Router()).'));
  });

  it.each([
    [null, 'describe() needs an options object: { summary?, description?, tags?, operationId?, data?, … }.'],
    [{ sumary: 'x' }, 'The `sumary` option of describe() is not known; did you mean `summary`? Known options: summary, description, tags, operationId, deprecated, data, body, query, batch, items, echo.'],
    [{ summary: '' }, 'The `summary` option of describe() must be a non-empty string.'],
    [{ tags: 'a' }, 'The `tags` option of describe() must be an array of non-empty strings.'],
    [{ operationId: 'get a' }, 'The `operationId` option of describe() must be 1-200 letters, digits or "_.~-", got "get a".'],
    [{ data: 'string' }, 'The `data` option of describe() must be a schema (zod, valibot, arktype or JSON Schema).'],
    [{ echo: {} }, 'The `items` and `echo` options of describe() describe a batch route: add `batch: true`.'],
    [{ batch: true, body: {}, items: {} }, 'describe() takes `body` or `items` (the schema of each item of a batch), not both.'],
    [{ batch: true, items: () => ({}) }, 'The `items` option of describe() must be a schema or an item handler made by validated().'],
  ])('describe(%j) throws a TypeError', (options, message) => {
    expect(() => describeRoute(options as never)).toThrow(new TypeError(message));
  });
});
