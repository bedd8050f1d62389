import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import request from 'supertest';
import * as v from 'valibot';
import { z } from 'zod';
import { batch, ok } from 'kompliant-envelope';
import {
  MAX_VALIDATION_ERRORS,
  validate,
  validated,
  validationErrors,
  type StandardSchemaIssue,
  type StandardSchemaV1,
} from 'kompliant-envelope/validate';
import { EXPRESS_VERSIONS, buildApp, metaFor } from '../support/apps.js';

// arktype ships ES modules only, which Jest cannot require here (no
// --experimental-vm-modules; require(esm) in Jest needs Node 24.9+, and
// node_modules are not transformed). The same code, bundled to CommonJS once
// with esbuild (installed with tsx), loads as any other dependency.
const arktypeDir = mkdtempSync(join(tmpdir(), 'kompliant-arktype-'));
afterAll(() => rmSync(arktypeDir, { recursive: true, force: true }));
const arktypeBundle = join(arktypeDir, 'arktype.cjs');
buildSync({ entryPoints: [require.resolve('arktype')], bundle: true, format: 'cjs', platform: 'node', outfile: arktypeBundle, logLevel: 'silent' });
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { type } = require(arktypeBundle) as typeof import('arktype');

/**
 * The same schemas in each library:
 * - item: `{ sku: non-empty string, quantity: integer ≥ 1, also as a numeric string }`
 * - items: item[]
 * - order (body): `{ customer: { email: string }, items: item[], note: string = "none" }`
 * - list (query): `{ limit: integer string 1–100 → number, default 20 }`
 * - orderId (params): `{ id: integer string → number ≥ 1 }`
 * - source (headers): `{ "x-source": non-empty string }`
 * - unique: `{ name: string }`, "taken" refused by an async check
 * - failing: `{ name: string }` whose transform throws
 */
interface Library {
  item: StandardSchemaV1;
  items: StandardSchemaV1;
  order: StandardSchemaV1;
  list: StandardSchemaV1;
  orderId: StandardSchemaV1;
  source: StandardSchemaV1;
  unique: StandardSchemaV1;
  failing: StandardSchemaV1;
}

const zodItem = z.object({ sku: z.string().min(1), quantity: z.coerce.number().int().min(1) });
const zodLibrary: Library = {
  item: zodItem,
  items: z.array(zodItem),
  order: z.object({ customer: z.object({ email: z.string() }), items: z.array(zodItem), note: z.string().default('none') }),
  list: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }),
  orderId: z.object({ id: z.coerce.number().int().min(1) }),
  source: z.object({ 'x-source': z.string().min(1) }),
  unique: z.object({ name: z.string().refine(async (name) => name !== 'taken', 'is taken') }),
  failing: z.object({ name: z.string().transform((): string => { throw new Error('schema bug'); }) }),
};

const valibotQuantity = v.pipe(v.union([v.number(), v.pipe(v.string(), v.transform(Number))]), v.number(), v.integer(), v.minValue(1));
const valibotItem = v.object({ sku: v.pipe(v.string(), v.minLength(1)), quantity: valibotQuantity });
const valibotInteger = v.pipe(v.string(), v.transform(Number), v.number(), v.integer());
const valibotLibrary: Library = {
  item: valibotItem,
  items: v.array(valibotItem),
  order: v.object({ customer: v.object({ email: v.string() }), items: v.array(valibotItem), note: v.optional(v.string(), 'none') }),
  list: v.object({ limit: v.optional(v.pipe(valibotInteger, v.minValue(1), v.maxValue(100)), '20') }),
  orderId: v.object({ id: v.pipe(valibotInteger, v.minValue(1)) }),
  source: v.object({ 'x-source': v.pipe(v.string(), v.minLength(1)) }),
  unique: v.objectAsync({ name: v.pipeAsync(v.string(), v.checkAsync(async (name) => name !== 'taken', 'is taken')) }),
  failing: v.object({ name: v.pipe(v.string(), v.transform((): string => { throw new Error('schema bug'); })) }),
};

const arkItem = type({ sku: 'string > 0', quantity: type('string.numeric.parse | number').to('number.integer >= 1') });
const arkUnique = type({ name: type('string').narrow((name, ctx) => name !== 'taken' || ctx.reject({ message: 'is taken' })) });
const arktypeLibrary: Library = {
  item: arkItem,
  items: arkItem.array(),
  order: type({ customer: { email: 'string' }, items: arkItem.array(), note: "string = 'none'" }),
  list: type({ limit: type('string.integer.parse').to('1 <= number.integer <= 100').default('20') }),
  orderId: type({ id: type('string.integer.parse').to('number.integer >= 1') }),
  source: type({ 'x-source': 'string > 0' }),
  // arktype has no async checks: its schema is answered through a promise instead.
  unique: { '~standard': { version: 1, vendor: 'test', validate: (value) => Promise.resolve(arkUnique['~standard'].validate(value)) } },
  failing: type({ name: type('string').pipe((): string => { throw new Error('schema bug'); }) }),
};

const LIBRARIES = [
  ['zod', zodLibrary],
  ['valibot', valibotLibrary],
  ['arktype', arktypeLibrary],
] as const;

/** The library's own issues for `value`, to compare messages without hard-coding any library's wording. */
async function issuesOf(schema: StandardSchemaV1, value: unknown): Promise<readonly StandardSchemaIssue[]> {
  const result = await schema['~standard'].validate(value);
  if (result.issues === undefined) throw new Error('Expected the test input to be invalid.');
  return result.issues;
}

function pathOf(issue: StandardSchemaIssue): string {
  // Array.from: arktype's path is an Array subclass whose own map() misbehaves.
  return Array.from(issue.path ?? [], (segment) => String(typeof segment === 'object' ? segment.key : segment)).join('.');
}

/** The errors expected for `issues`, in issue order, each `field` under `prefix`. */
function expectedErrors(issues: readonly StandardSchemaIssue[], prefix: string): { code: string; message: string; field?: string }[] {
  return issues.map((issue) => {
    expect(typeof issue.message).toBe('string');
    expect(issue.message).not.toBe('');
    const field = [prefix, pathOf(issue)].filter((part) => part !== '').join('.');
    return field === '' ? { code: 'VALIDATION_ERROR', message: issue.message } : { code: 'VALIDATION_ERROR', message: issue.message, field };
  });
}

function fieldsOf(errors: readonly { field?: string }[]): (string | undefined)[] {
  return errors.map((error) => error.field).sort();
}

const VALID_ORDER = { customer: { email: 'ada@example.com' }, items: [{ sku: 'A-1', quantity: '2' }, { sku: 'B-2', quantity: 1 }] };
const INVALID_ORDER = { customer: { email: 42 }, items: [{ sku: 'A-1', quantity: 1 }, { sku: '', quantity: 0 }] };

describe.each(EXPRESS_VERSIONS)('validate() on %s', (_name, express) => {
  describe.each(LIBRARIES)('with %s', (_library, lib) => {
    const app = () =>
      buildApp(express, (a) => {
        a.post('/orders', validate({ body: lib.order }), (req, res) => ok(res, { body: req.body }));
        a.post('/orders/many', validate({ body: lib.items }), (req, res) => ok(res, req.body));
        a.get('/orders', validate({ query: lib.list }), (req, res) =>
          ok(res, { query: req.query, type: typeof req.query['limit'], stable: req.query === req.query }),
        );
        a.get('/orders/:id', validate({ params: lib.orderId }), (req, res) => ok(res, { params: req.params, type: typeof req.params['id'] }));
        a.post('/shops/:id/orders', validate({ body: lib.order, query: lib.list, params: lib.orderId, headers: lib.source }), (req, res) =>
          ok(res, { body: req.body, query: req.query, params: req.params, source: req.headers['x-source'] }),
        );
        a.post('/users', validate({ body: lib.unique }), (req, res) => ok(res, req.body));
        a.post('/broken', validate({ body: lib.failing }), (_req, res) => ok(res));
        a.post('/orders/batch', (req, res) => batch(res, req.body, validated(lib.item, (item) => item)));
      });

    it('lets a valid body through, parsed: coerced numbers and defaults applied', async () => {
      const res = await request(app().app).post('/orders').send(VALID_ORDER);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        meta: metaFor(res, 'SUCCESS'),
        data: {
          body: {
            customer: { email: 'ada@example.com' },
            items: [{ sku: 'A-1', quantity: 2 }, { sku: 'B-2', quantity: 1 }],
            note: 'none',
          },
        },
      });
    });

    it('answers 400 with one VALIDATION_ERROR per issue, nested and array paths in `field`', async () => {
      const res = await request(app().app).post('/orders').send(INVALID_ORDER);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: expectedErrors(await issuesOf(lib.order, INVALID_ORDER), 'body') });
      expect(fieldsOf(res.body.errors)).toEqual(['body.customer.email', 'body.items.1.quantity', 'body.items.1.sku']);
    });

    it('answers a POST without a body with one VALIDATION_ERROR per missing field, as on the other major', async () => {
      // Express 5's express.json() leaves req.body undefined here, Express 4's makes it {}.
      const res = await request(app().app).post('/orders');
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: expectedErrors(await issuesOf(lib.order, {}), 'body') });
      expect(fieldsOf(res.body.errors)).toEqual(['body.customer', 'body.items']);
    });

    it('checks a missing body as {} also without a body parser, and passes {} on when the schema accepts it', async () => {
      const { app: bare } = buildApp(
        express,
        (a) => {
          a.post('/orders', validate({ body: lib.order }), (_req, res) => ok(res));
          a.post('/notes', validate({ body: lib.list }), (req, res) => ok(res, { body: req.body }));
        },
        { json: false },
      );
      const missing = await request(bare).post('/orders');
      expect(missing.status).toBe(400);
      expect(missing.body).toEqual({ meta: metaFor(missing, 'ERROR'), errors: expectedErrors(await issuesOf(lib.order, {}), 'body') });
      const defaults = await request(bare).post('/notes');
      expect(defaults.status).toBe(200);
      expect(defaults.body).toEqual({ meta: metaFor(defaults, 'SUCCESS'), data: { body: { limit: 20 } } });
    });

    it('names the part alone for an issue about the whole body', async () => {
      const single = { sku: 'A-1', quantity: 1 };
      const res = await request(app().app).post('/orders/many').send(single);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: expectedErrors(await issuesOf(lib.items, single), 'body') });
      expect(fieldsOf(res.body.errors)).toEqual(['body']);
    });

    it('replaces req.query with the parsed query (a number, a default), read the same each time', async () => {
      const given = await request(app().app).get('/orders?limit=5');
      expect(given.status).toBe(200);
      expect(given.body).toEqual({ meta: metaFor(given, 'SUCCESS'), data: { query: { limit: 5 }, type: 'number', stable: true } });

      const defaulted = await request(app().app).get('/orders');
      expect(defaulted.body.data).toEqual({ query: { limit: 20 }, type: 'number', stable: true });

      const wrong = await request(app().app).get('/orders?limit=abc');
      expect(wrong.status).toBe(400);
      expect(wrong.body).toEqual({ meta: metaFor(wrong, 'ERROR'), errors: expectedErrors(await issuesOf(lib.list, { limit: 'abc' }), 'query') });
      expect(fieldsOf(wrong.body.errors)).toEqual(['query.limit']);
    });

    it('validates and replaces req.params', async () => {
      const good = await request(app().app).get('/orders/42');
      expect(good.status).toBe(200);
      expect(good.body.data).toEqual({ params: { id: 42 }, type: 'number' });

      const bad = await request(app().app).get('/orders/0');
      expect(bad.status).toBe(400);
      expect(bad.body).toEqual({ meta: metaFor(bad, 'ERROR'), errors: expectedErrors(await issuesOf(lib.orderId, { id: '0' }), 'params') });
      expect(fieldsOf(bad.body.errors)).toEqual(['params.id']);
    });

    it('answers the issues of every failing part together, in the order body, query, params, headers', async () => {
      const body = { customer: { email: 'ada@example.com' }, items: [{ sku: 'A-1', quantity: 0 }] };
      const res = await request(app().app).post('/shops/x/orders?limit=500').send(body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        meta: metaFor(res, 'ERROR'),
        errors: [
          ...expectedErrors(await issuesOf(lib.order, body), 'body'),
          ...expectedErrors(await issuesOf(lib.list, { limit: '500' }), 'query'),
          ...expectedErrors(await issuesOf(lib.orderId, { id: 'x' }), 'params'),
          ...expectedErrors(await issuesOf(lib.source, {}), 'headers'),
        ],
      });
      expect(res.body.errors.map((error: { field: string }) => error.field)).toEqual([
        'body.items.0.quantity',
        'query.limit',
        'params.id',
        'headers.x-source',
      ]);
    });

    it('replaces body, query and params when all parts pass, leaving the headers as they are', async () => {
      const res = await request(app().app).post('/shops/7/orders?limit=3').set('X-Source', 'web').send(VALID_ORDER);
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({
        body: { customer: { email: 'ada@example.com' }, items: [{ sku: 'A-1', quantity: 2 }, { sku: 'B-2', quantity: 1 }], note: 'none' },
        query: { limit: 3 },
        params: { id: 7 },
        source: 'web',
      });
    });

    it('waits for an async schema', async () => {
      const free = await request(app().app).post('/users').send({ name: 'ada' });
      expect(free.status).toBe(200);
      expect(free.body.data).toEqual({ name: 'ada' });

      const taken = await request(app().app).post('/users').send({ name: 'taken' });
      expect(taken.status).toBe(400);
      expect(taken.body).toEqual({ meta: metaFor(taken, 'ERROR'), errors: expectedErrors(await issuesOf(lib.unique, { name: 'taken' }), 'body') });
      expect(fieldsOf(taken.body.errors)).toEqual(['body.name']);
    });

    it('hands a throwing schema to the error handler: 500, reported', async () => {
      const { app: server, reported } = app();
      const res = await request(server).post('/broken').send({ name: 'x' });
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: [{ code: 'INTERNAL_ERROR', message: expect.any(String) }] });
      expect(reported).toHaveLength(1);
      expect((reported[0]?.error as Error).message).toBe('schema bug');
    });

    it('validates batch items: valid ones reach the handler parsed, invalid ones are ERROR results with item-relative fields', async () => {
      const items = [{ id: 'a', sku: 'A-1', quantity: '2' }, { id: 'b', sku: '', quantity: 0 }, 5];
      const res = await request(app().app).post('/orders/batch').send(items);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        meta: metaFor(res, 'BATCH_PROCESSED'),
        results: [
          { status: 'SUCCESS', request: { index: 0, id: 'a' }, data: expect.objectContaining({ sku: 'A-1', quantity: 2 }) },
          { status: 'ERROR', request: { index: 1, id: 'b' }, errors: expectedErrors(await issuesOf(lib.item, items[1]), '') },
          { status: 'ERROR', request: { index: 2 }, errors: expectedErrors(await issuesOf(lib.item, 5), '') },
        ],
      });
      expect(fieldsOf(res.body.results[1].errors)).toEqual(['quantity', 'sku']);
      // An issue about the item as a whole has no `field`.
      expect(res.body.results[2].errors).toHaveLength(1);
      expect(res.body.results[2].errors[0]).not.toHaveProperty('field');
    });
  });

  describe('with any Standard Schema', () => {
    /** A hand-written schema: `check` returns the issues, or none for a valid value (returned as is). */
    const schemaOf = (check: (value: unknown) => readonly StandardSchemaIssue[] | undefined): StandardSchemaV1 => ({
      '~standard': {
        version: 1,
        vendor: 'test',
        validate: (value) => {
          const issues = check(value);
          return issues === undefined ? { value } : { issues };
        },
      },
    });

    it('never lets an invalid request through when a message function throws a falsy value', async () => {
      const schema = schemaOf(() => [{ message: 'bad', path: ['a'] }]);
      let reached = false;
      const { app } = buildApp(express, (a) =>
        a.post('/x', validate({ body: schema }, { message: () => { throw undefined; } }), (_req, res) => {
          reached = true;
          ok(res);
        }),
      );
      const res = await request(app).post('/x').send({ a: 1 });
      expect(res.status).toBe(500);
      expect(reached).toBe(false);
    });

    it('reads `{ key }` path segments and symbol keys', async () => {
      const schema = schemaOf(() => [
        { message: 'first', path: [{ key: 'lines' }, { key: 3 }, 'sku'] },
        { message: 'second', path: [Symbol('tag')] },
      ]);
      const { app } = buildApp(express, (a) => a.post('/x', validate({ body: schema }), (_req, res) => ok(res)));
      const res = await request(app).post('/x').send({});
      expect(res.body).toEqual({
        meta: metaFor(res, 'ERROR'),
        errors: [
          { code: 'VALIDATION_ERROR', message: 'first', field: 'body.lines.3.sku' },
          { code: 'VALIDATION_ERROR', message: 'second', field: 'body.tag' },
        ],
      });
    });

    it('sends at most 100 errors by default, and `maxErrors` when given, across parts', async () => {
      const many = schemaOf(() => Array.from({ length: 150 }, (_, i) => ({ message: `bad ${i}`, path: [i] })));
      const { app } = buildApp(express, (a) => {
        a.post('/default', validate({ body: many }), (_req, res) => ok(res));
        a.post('/two', validate({ body: many, query: many }, { maxErrors: 2 }), (_req, res) => ok(res));
      });
      const capped = await request(app).post('/default').send({});
      expect(capped.status).toBe(400);
      expect(capped.body.errors).toHaveLength(MAX_VALIDATION_ERRORS);
      expect(MAX_VALIDATION_ERRORS).toBe(100);
      expect(capped.body.errors[99]).toEqual({ code: 'VALIDATION_ERROR', message: 'bad 99', field: 'body.99' });

      const two = await request(app).post('/two').send({});
      expect(two.body.errors).toEqual([
        { code: 'VALIDATION_ERROR', message: 'bad 0', field: 'body.0' },
        { code: 'VALIDATION_ERROR', message: 'bad 1', field: 'body.1' },
      ]);
    });

    it('uses the `message` option instead of the issue messages, as a string or a function', async () => {
      const { app } = buildApp(express, (a) => {
        a.post('/fixed', validate({ body: zodLibrary.order }, { message: 'This value is not accepted.' }), (_req, res) => ok(res));
        a.post('/mapped', validate({ body: zodLibrary.order }, { message: (issue) => `Check ${pathOf(issue)}.` }), (_req, res) => ok(res));
      });
      const fixed = await request(app).post('/fixed').send({ customer: { email: 1 }, items: [] });
      expect(fixed.body.errors).toEqual([{ code: 'VALIDATION_ERROR', message: 'This value is not accepted.', field: 'body.customer.email' }]);
      const mapped = await request(app).post('/mapped').send({ customer: { email: 1 }, items: [] });
      expect(mapped.body.errors).toEqual([{ code: 'VALIDATION_ERROR', message: 'Check customer.email.', field: 'body.customer.email' }]);
    });

    it('answers 500 for a schema that rejects, throws synchronously or returns no result', async () => {
      const rejecting: StandardSchemaV1 = { '~standard': { version: 1, vendor: 'test', validate: () => Promise.reject(new Error('async bug')) } };
      const throwing: StandardSchemaV1 = { '~standard': { version: 1, vendor: 'test', validate: () => { throw new Error('sync bug'); } } };
      const empty = { '~standard': { version: 1, vendor: 'test', validate: () => undefined } } as unknown as StandardSchemaV1;
      const { app, reported } = buildApp(express, (a) => {
        a.post('/rejecting', validate({ body: rejecting }), (_req, res) => ok(res));
        a.post('/throwing', validate({ body: throwing }), (_req, res) => ok(res));
        a.post('/empty', validate({ body: empty }), (_req, res) => ok(res));
      });
      for (const path of ['/rejecting', '/throwing', '/empty']) {
        const res = await request(app).post(path).send({});
        expect(res.status).toBe(500);
        expect(res.body.errors[0].code).toBe('INTERNAL_ERROR');
      }
      expect(reported.map((r) => (r.error as Error).message)).toEqual(['async bug', 'sync bug', expect.stringContaining('`body` schema')]);
    });

    it('fails a batch item whose schema throws with 500 INTERNAL_ERROR, the others unaffected', async () => {
      const onItemError = jest.fn();
      const { app } = buildApp(express, (a) =>
        a.post('/batch', (req, res) => batch(res, req.body, validated(zodLibrary.failing, () => 'never'), { onItemError })),
      );
      const res = await request(app).post('/batch').send([{ name: 'x' }, { name: 1 }]);
      expect(res.body.results).toEqual([
        { status: 'ERROR', request: { index: 0 }, errors: [{ code: 'INTERNAL_ERROR', message: expect.any(String) }] },
        { status: 'ERROR', request: { index: 1 }, errors: expectedErrors(await issuesOf(zodLibrary.failing, { name: 1 }), '') },
      ]);
      expect(onItemError).toHaveBeenCalledTimes(1);
    });
  });
});

describe('validate() and validated() construction', () => {
  it('refuses anything but Standard Schemas, naming the part', () => {
    expect(() => validate({ body: {} as StandardSchemaV1 })).toThrow(new TypeError('The `body` schema of validate() must be a Standard Schema (zod, valibot, arktype, …) with a `~standard.validate` function.'));
    expect(() => validate({ query: { '~standard': { version: 1 } } as unknown as StandardSchemaV1 })).toThrow(TypeError);
    expect(() => validate({ params: null as unknown as StandardSchemaV1 })).toThrow(/`params` schema/);
    expect(() => validate(null as unknown as object)).toThrow(TypeError);
    expect(() => validate({})).toThrow(new TypeError('validate() needs at least one schema: { body?, query?, params?, headers? }.'));
    expect(() => validate({ cookies: z.object({}) } as object)).toThrow(/got a schema for `cookies`/);
  });

  it('checks its options once', () => {
    const body = z.object({});
    expect(() => validate({ body }, { message: '' })).toThrow(TypeError);
    expect(() => validate({ body }, { message: 5 as unknown as string })).toThrow(TypeError);
    expect(() => validate({ body }, { maxErrors: 0 })).toThrow(RangeError);
    expect(() => validate({ body }, { maxErrors: 1.5 })).toThrow(RangeError);
    expect(() => validate({ body }, { message: 'Not valid.', maxErrors: 5 })).not.toThrow();
    expect(() => validate({ body }, null as unknown as object)).toThrow(TypeError);
  });

  it('refuses a non-schema, a missing handler and bad options in validated()', () => {
    expect(() => validated({} as StandardSchemaV1, (item) => item)).toThrow(/schema of validated\(\)/);
    expect(() => validated(zodItem, undefined as unknown as () => void)).toThrow(new TypeError('validated() needs a handler function.'));
    expect(() => validated(zodItem, (item) => item, { maxErrors: -1 })).toThrow(RangeError);
  });

  it('types the handler with the schema output', () => {
    const handler = validated(zodItem, (item) => {
      const quantity: number = item.quantity;
      return quantity;
    });
    expect(handler({ sku: 'A', quantity: '3' }, 0)).toBe(3);
  });
});

describe('validationErrors()', () => {
  it('turns issues into error objects, with the catalog message when an issue has none', () => {
    expect(validationErrors([{ message: 'Too small.', path: ['items', 0, 'quantity'] }, { message: '' }], 'body')).toEqual([
      { code: 'VALIDATION_ERROR', message: 'Too small.', field: 'body.items.0.quantity' },
      { code: 'VALIDATION_ERROR', message: 'The request did not pass validation.', field: 'body' },
    ]);
  });

  it('gives one error for a failure without issues, and stops at the limit', () => {
    expect(validationErrors([])).toEqual([{ code: 'VALIDATION_ERROR', message: 'The request did not pass validation.' }]);
    expect(validationErrors([{ message: 'a' }, { message: 'b' }, { message: 'c' }], 'query', 2)).toHaveLength(2);
  });
});
