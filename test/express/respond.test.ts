import request from 'supertest';
import { fail, ok, warn, type ErrorReport } from 'kompliant-envelope';
import { EXPRESS_VERSIONS, buildApp, metaFor } from '../support/apps.js';

const INTERNAL = {
  code: 'INTERNAL_ERROR',
  message: 'An unexpected error occurred. Quote the trace_id if you contact support.',
};

describe.each(EXPRESS_VERSIONS)('ok() and fail() on %s', (_name, express) => {
  describe('ok()', () => {
    it.each([
      ['an object', { id: 7, tags: ['a'] }, { id: 7, tags: ['a'] }],
      ['an array', [1, 2], [1, 2]],
      ['a string', 'text', 'text'],
      ['zero', 0, 0],
      ['false', false, false],
      ['nothing', undefined, {}],
      ['null', null, {}],
      ['a Date (through its toJSON)', new Date(0), '1970-01-01T00:00:00.000Z'],
    ])('answers 200 with %s as data', async (_label, data, expected) => {
      const { app } = buildApp(express, (a) => a.get('/d', (_req, res) => ok(res, data)));
      const res = await request(app).get('/d');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.headers['content-length']).toBe(String(Buffer.byteLength(res.text)));
      expect(res.headers.etag).toBeUndefined();
      expect(res.body).toEqual({ meta: metaFor(res, 'SUCCESS'), data: expected });
      expect(Object.keys(res.body)).toEqual(['meta', 'data']);
      expect(Object.keys(res.body.meta)).toEqual(['status', 'trace_id', 'version']);
    });

    it('answers 200 whatever status the handler set before', async () => {
      const { app } = buildApp(express, (a) =>
        a.post('/create', (_req, res) => {
          res.status(201);
          ok(res, { created: true });
        }),
      );
      const res = await request(app).post('/create');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ meta: metaFor(res, 'SUCCESS'), data: { created: true } });
    });

    it('sends no body for HEAD but the same headers', async () => {
      const { app } = buildApp(express, (a) => a.get('/d', (_req, res) => ok(res, { a: 1 })));
      const res = await request(app).head('/d');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.text).toBeUndefined();
    });

    it('puts warnings from warn() and from the option in meta.warnings, in order', async () => {
      const { app } = buildApp(express, (a) =>
        a.get('/w', async (_req, res) => {
          warn('FIELD_DEPRECATED', 'The `fax` field is deprecated.', { field: 'fax' });
          await new Promise((r) => setTimeout(r, 1));
          ok(res, { fax: null }, { warnings: [{ code: 'PARTIAL_DATA', message: 'One source did not answer.' }] });
        }),
      );
      const res = await request(app).get('/w');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        meta: {
          ...metaFor(res, 'SUCCESS'),
          warnings: [
            { code: 'FIELD_DEPRECATED', message: 'The `fax` field is deprecated.', field: 'fax' },
            { code: 'PARTIAL_DATA', message: 'One source did not answer.' },
          ],
        },
        data: { fax: null },
      });
      expect(Object.keys(res.body.meta)).toEqual(['status', 'trace_id', 'version', 'warnings']);
    });

    it.each([
      ['a BigInt', () => ({ amount: 10n })],
      ['a cycle', () => {
        const node: Record<string, unknown> = { name: 'loop' };
        node['self'] = node;
        return node;
      }],
      ['a toJSON that throws', () => ({ toJSON: () => { throw new Error('secret toJSON detail'); } })],
      ['a function', () => () => 1],
    ])('answers 500 INTERNAL_ERROR for data with %s, and reports it', async (_label, make) => {
      // `as unknown`: the compiler refuses most of these (see test/types.test.ts); this checks the run-time answer.
      const { app, reported } = buildApp(express, (a) => a.get('/bad', (_req, res) => ok(res, make() as unknown)));
      const res = await request(app).get('/bad');
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: [INTERNAL] });
      expect(res.text).not.toContain('secret');
      expect(reported).toHaveLength(1);
      expect(reported[0]?.error).toBeInstanceOf(Error);
      expect(reported[0]?.report).toEqual<ErrorReport>({
        traceId: res.headers['x-trace-id'] as string,
        version: '1',
        status: 500,
        code: 'INTERNAL_ERROR',
        method: 'GET',
        path: '/bad',
        late: false,
        durationMs: expect.any(Number),
      });
    });

    it('answers 500 for unserialisable data after an await, without hanging', async () => {
      const { app } = buildApp(express, (a) =>
        a.get('/later', (_req, res) => {
          // @ts-expect-error: a bigint is refused at compile time; this checks the run-time answer.
          setTimeout(() => ok(res, { n: 1n }), 5);
        }),
      );
      const res = await request(app).get('/later');
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: [INTERNAL] });
    });

    it('keeps the first answer when called twice, and reports the second call', async () => {
      const { app, reported } = buildApp(express, (a) =>
        a.get('/twice', (_req, res) => {
          ok(res, { first: true });
          ok(res, { second: true });
        }),
      );
      const res = await request(app).get('/twice');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ meta: metaFor(res, 'SUCCESS'), data: { first: true } });
      expect(reported).toHaveLength(1);
      expect(String(reported[0]?.error)).toContain('already sent');
      expect(reported[0]?.report.late).toBe(true);
      const next = await request(app).get('/twice');
      expect(next.status).toBe(200);
    });
  });

  describe('fail()', () => {
    it('answers the status with one error, keeping every extra field', async () => {
      const { app } = buildApp(express, (a) =>
        a.post('/f', (_req, res) =>
          fail(res, 400, { code: 'VALIDATION_ERROR', message: 'Must be an email.', field: 'email', rule: { max: 3 } }),
        ),
      );
      const res = await request(app).post('/f');
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        meta: metaFor(res, 'ERROR'),
        errors: [{ code: 'VALIDATION_ERROR', message: 'Must be an email.', field: 'email', rule: { max: 3 } }],
      });
      expect(res.body.data).toBeUndefined();
    });

    it('answers several errors in order, with warnings', async () => {
      const { app } = buildApp(express, (a) =>
        a.post('/f', (_req, res) =>
          fail(
            res,
            403,
            [
              { code: 'NOT_AUTHORIZED', message: 'No access to account 1.', account: 1 },
              { code: 'NOT_AUTHORIZED', message: 'No access to account 2.', account: 2 },
            ],
            { warnings: [{ code: 'KEY_EXPIRES_SOON', message: 'Your key expires in 3 days.' }] },
          ),
        ),
      );
      const res = await request(app).post('/f');
      expect(res.status).toBe(403);
      expect(res.body).toEqual({
        meta: { ...metaFor(res, 'ERROR'), warnings: [{ code: 'KEY_EXPIRES_SOON', message: 'Your key expires in 3 days.' }] },
        errors: [
          { code: 'NOT_AUTHORIZED', message: 'No access to account 1.', account: 1 },
          { code: 'NOT_AUTHORIZED', message: 'No access to account 2.', account: 2 },
        ],
      });
    });

    it('keeps an own __proto__ field as data, without touching prototypes', async () => {
      const extra = JSON.parse('{"code":"BAD_REQUEST","message":"m","__proto__":{"polluted":true}}');
      const { app } = buildApp(express, (a) => a.get('/p', (_req, res) => fail(res, 400, extra)));
      const res = await request(app).get('/p');
      expect(res.status).toBe(400);
      expect(res.text).toContain('"__proto__":{"polluted":true}');
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    });

    it.each([
      ['a status the spec does not use', 404, { code: 'X', message: 'y' }],
      ['status 200', 200, { code: 'X', message: 'y' }],
      ['an error without a code', 400, { message: 'y' }],
      ['an empty list', 400, []],
      ['an error whose message is not a string', 400, { code: 'X', message: 42 }],
    ])('answers 500 for %s (a programming error) and reports it', async (_label, status, errors) => {
      const { app, reported } = buildApp(express, (a) =>
        a.get('/misuse', (_req, res) => fail(res, status as 400, errors as never)),
      );
      const res = await request(app).get('/misuse');
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: [INTERNAL] });
      expect(reported).toHaveLength(1);
      expect(reported[0]?.error).toBeInstanceOf(Error);
    });
  });
});
