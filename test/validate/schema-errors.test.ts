import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import request from 'supertest';
import * as v from 'valibot';
import { z } from 'zod';
import { batch, isApiError, ok, type ErrorMapper } from 'kompliant-envelope';
import { schemaErrors, validated, MAX_VALIDATION_ERRORS, type StandardSchemaV1 } from 'kompliant-envelope/validate';
import { EXPRESS_VERSIONS, buildApp, metaFor } from '../support/apps.js';

// arktype ships ES modules only; bundled to CommonJS once, as in validate.test.ts.
const arktypeDir = mkdtempSync(join(tmpdir(), 'kompliant-arktype-'));
afterAll(() => rmSync(arktypeDir, { recursive: true, force: true }));
const arktypeBundle = join(arktypeDir, 'arktype.cjs');
buildSync({ entryPoints: [require.resolve('arktype')], bundle: true, format: 'cjs', platform: 'node', outfile: arktypeBundle, logLevel: 'silent' });
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { type } = require(arktypeBundle) as typeof import('arktype');

const INTERNAL = { code: 'INTERNAL_ERROR', message: 'An unexpected error occurred. Quote the trace_id if you contact support.' };

/** `{ customer: { email }, items: [{ sku, quantity ≥ 1 }] }` in each library, with the call a handler makes that throws. */
interface Library {
  readonly schema: StandardSchemaV1;
  readonly parse: (value: unknown) => unknown;
}

const zodOrder = z.object({
  customer: z.object({ email: z.string() }),
  items: z.array(z.object({ sku: z.string().min(1), quantity: z.number().int().min(1) })),
});
const valiOrder = v.object({
  customer: v.object({ email: v.string() }),
  items: v.array(v.object({ sku: v.pipe(v.string(), v.minLength(1)), quantity: v.pipe(v.number(), v.integer(), v.minValue(1)) })),
});
const arkOrder = type({ customer: { email: 'string' }, items: type({ sku: 'string > 0', quantity: 'number.integer >= 1' }).array() });

const LIBRARIES: [string, Library][] = [
  ['zod (schema.parse)', { schema: zodOrder, parse: (value) => zodOrder.parse(value) }],
  ['valibot (v.parse)', { schema: valiOrder, parse: (value) => v.parse(valiOrder, value) }],
  ['arktype (.assert)', { schema: arkOrder, parse: (value) => arkOrder.assert(value) }],
  [
    'arktype (ArkErrors thrown as they are)',
    {
      schema: arkOrder,
      parse: (value) => {
        const out = arkOrder(value);
        if (out instanceof type.errors) throw out;
        return out;
      },
    },
  ],
];

/** A body wrong in three places: one error each, whole body checked. */
const BAD_ORDER = { customer: {}, items: [{ sku: 'a', quantity: 2 }, { sku: '', quantity: 0 }] };
const GOOD_ORDER = { customer: { email: 'a@example.com' }, items: [{ sku: 'a', quantity: 2 }] };

/** What validated() answers for the same value: the same function, so the same errors. */
function expectedErrors(schema: StandardSchemaV1, value: unknown): unknown[] {
  try {
    validated(schema, () => undefined)(value, 0);
  } catch (error) {
    return (error as { errors: unknown[] }).errors;
  }
  throw new Error('the value was valid');
}

describe.each(EXPRESS_VERSIONS)('schemaErrors on %s', (_name, express) => {
  describe.each(LIBRARIES)('%s', (_library, { schema, parse }) => {
    const routes = (app: import('express').Express) => {
      app.post('/orders', (req, res) => ok(res, parse(req.body)));
      app.post('/orders/batch', (req, res) => batch(res, req.body, (item) => parse(item) as object));
    };

    it('a thrown schema error answers 400 VALIDATION_ERROR, one error per issue with its field, as validated() would', async () => {
      const expected = expectedErrors(schema, BAD_ORDER);
      expect(expected.length).toBeGreaterThanOrEqual(3);
      for (const field of ['customer.email', 'items.1.sku', 'items.1.quantity']) {
        expect(expected).toContainEqual(expect.objectContaining({ code: 'VALIDATION_ERROR', field }));
      }
      const { app, reported } = buildApp(express, routes, { envelope: { mapErrors: [schemaErrors] } });
      const res = await request(app).post('/orders').send(BAD_ORDER);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: expected });
      expect(reported).toHaveLength(1);
      expect(reported[0]?.report).toMatchObject({ status: 400, code: 'VALIDATION_ERROR' });
      // onError gets what the handler threw, not the mapped answer.
      expect(isApiError(reported[0]?.error)).toBe(false);
      expect(schemaErrors(reported[0]?.error)).toBeDefined();
    });

    it('a valid body still answers 200', async () => {
      const { app } = buildApp(express, routes, { envelope: { mapErrors: [schemaErrors] } });
      const res = await request(app).post('/orders').send(GOOD_ORDER);
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual(GOOD_ORDER);
    });

    it('without the mapper, the same error stays 500 INTERNAL_ERROR with nothing of the schema in it', async () => {
      const { app, reported } = buildApp(express, routes);
      const res = await request(app).post('/orders').send(BAD_ORDER);
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: [INTERNAL] });
      expect(res.text).not.toContain('email');
      expect(reported).toHaveLength(1);
    });

    it('inside batch() items: each failing item gets its mapped errors', async () => {
      const { app } = buildApp(express, routes, { envelope: { mapErrors: [schemaErrors] } });
      const res = await request(app).post('/orders/batch').send([GOOD_ORDER, BAD_ORDER]);
      expect(res.status).toBe(200);
      expect(res.body.results).toEqual([
        { status: 'SUCCESS', request: { index: 0 }, data: GOOD_ORDER },
        { status: 'ERROR', request: { index: 1 }, errors: expectedErrors(schema, BAD_ORDER) },
      ]);
    });

    it('inside batch() items without the mapper: 500 INTERNAL_ERROR for the item', async () => {
      const { app } = buildApp(express, routes);
      const res = await request(app).post('/orders/batch').send([BAD_ORDER]);
      expect(res.body.results).toEqual([{ status: 'ERROR', request: { index: 0 }, errors: [INTERNAL] }]);
    });
  });
});

describe('schemaErrors, by shape', () => {
  const map = schemaErrors as ErrorMapper;

  it('leaves other errors alone', () => {
    for (const value of [undefined, null, 'ZodError', 42, new Error('x'), [], [{ message: 'x' }], { name: 'ZodError' }, { name: 'ZodError', issues: 'no' }, { name: 'TraversalError', issues: [] }]) {
      expect(map(value)).toBeUndefined();
    }
  });

  it('a Standard Schema SchemaError (@standard-schema/utils) is one too; no issues still gives one error', () => {
    expect(map(Object.assign(new Error('x'), { name: 'SchemaError', issues: [{ message: 'Required', path: [{ key: 'a' }, 0] }] }))?.errors).toEqual([
      { code: 'VALIDATION_ERROR', message: 'Required', field: 'a.0' },
    ]);
    expect(map(Object.assign(new Error('x'), { name: 'ZodError', issues: [] }))?.errors).toEqual([
      { code: 'VALIDATION_ERROR', message: 'The request did not pass validation.' },
    ]);
  });

  it('keeps at most MAX_VALIDATION_ERRORS errors', () => {
    const issues = Array.from({ length: MAX_VALIDATION_ERRORS + 5 }, (_, i) => ({ message: 'Bad', path: [i] }));
    expect(map(Object.assign(new Error('x'), { name: 'ValiError', issues }))?.errors).toHaveLength(MAX_VALIDATION_ERRORS);
  });
});
