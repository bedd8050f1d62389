import createError from 'http-errors';
import request from 'supertest';
import { ApiError, batch, warn } from 'kompliant-envelope';
import { EXPRESS_VERSIONS, buildApp, metaFor } from '../support/apps.js';

const INTERNAL = {
  code: 'INTERNAL_ERROR',
  message: 'An unexpected error occurred. Quote the trace_id if you contact support.',
};

describe.each(EXPRESS_VERSIONS)('batch() on %s', (_name, express) => {
  const items: unknown[] = [
    { id: 'a1', qty: 2 },
    { id: 'a2', qty: -1 },
    { id: 7, qty: 0 },
    { qty: 3 },
    { id: 'a5', qty: 'secret' },
    'plain',
  ];

  const handler = async (item: { qty?: unknown }) => {
    await new Promise((r) => setTimeout(r, Math.random() * 5));
    if (typeof item !== 'object') throw createError(404, 'No such order.');
    if (item.qty === 0) throw new ApiError(400, [
      { code: 'VALIDATION_ERROR', message: 'Must be positive.', field: 'qty' },
      { code: 'VALIDATION_ERROR', message: 'Zero is not allowed.', field: 'qty' },
    ]);
    if (typeof item.qty !== 'number') throw new TypeError(`secret ${String(item.qty)}`);
    if (item.qty < 0) throw new ApiError(400, 'NEGATIVE_QTY', 'Quantity is negative.', { qty: item.qty });
    if (item.qty === 3) return undefined;
    return { total: item.qty * 10 };
  };

  it('answers 200 BATCH_PROCESSED with one result per item, in item order, mapped like the error handler', async () => {
    const { app, reported } = buildApp(express, (a) =>
      a.post('/orders/batch', (req, res) => batch(res, req.body, handler, { concurrency: 3, onItemError: (e, d) => reported.push({ error: e, report: d as never }) })),
    );
    const res = await request(app).post('/orders/batch').send(items);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      meta: metaFor(res, 'BATCH_PROCESSED'),
      results: [
        { status: 'SUCCESS', request: { index: 0, id: 'a1' }, data: { total: 20 } },
        { status: 'ERROR', request: { index: 1, id: 'a2' }, errors: [{ code: 'NEGATIVE_QTY', message: 'Quantity is negative.', qty: -1 }] },
        {
          status: 'ERROR',
          request: { index: 2, id: 7 },
          errors: [
            { code: 'VALIDATION_ERROR', message: 'Must be positive.', field: 'qty' },
            { code: 'VALIDATION_ERROR', message: 'Zero is not allowed.', field: 'qty' },
          ],
        },
        { status: 'SUCCESS', request: { index: 3 }, data: {} },
        { status: 'ERROR', request: { index: 4, id: 'a5' }, errors: [INTERNAL] },
        { status: 'ERROR', request: { index: 5 }, errors: [{ code: 'NOT_FOUND', message: 'No such order.' }] },
      ],
    });
    expect(res.text).not.toContain('secret');
    expect(reported).toEqual([{ error: expect.any(TypeError), report: { index: 4, status: 500, code: 'INTERNAL_ERROR' } }]);
  });

  it('uses echo for request, and keeps warnings', async () => {
    const { app } = buildApp(express, (a) =>
      a.post('/b', (req, res) =>
        batch(res, req.body, (item: { sku: string }) => {
          if (item.sku === 'old') warn('SKU_RETIRED', 'SKU old is retired.', { sku: 'old' });
          return { ok: true };
        }, { echo: (item) => ({ sku: item.sku }) }),
      ),
    );
    const res = await request(app).post('/b').send([{ sku: 'old', note: 'x'.repeat(100) }, { sku: 'new' }]);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      meta: { ...metaFor(res, 'BATCH_PROCESSED'), warnings: [{ code: 'SKU_RETIRED', message: 'SKU old is retired.', sku: 'old' }] },
      results: [
        { status: 'SUCCESS', request: { sku: 'old' }, data: { ok: true } },
        { status: 'SUCCESS', request: { sku: 'new' }, data: { ok: true } },
      ],
    });
  });

  it.each([
    ['undefined', () => undefined],
    ['a string', () => 'ref-1'],
    ['an array', () => ['a']],
    ['a throw', () => { throw new Error('echo bug'); }],
  ])('falls back to { index } when echo gives %s: request is always an object', async (_label, echo) => {
    const { app } = buildApp(express, (a) => a.post('/b', (req, res) => batch(res, req.body, () => ({ ok: true }), { echo: echo as never })));
    const res = await request(app).post('/b').send([{ id: 'x' }]);
    expect(res.body.results).toEqual([{ status: 'SUCCESS', request: { index: 0 }, data: { ok: true } }]);
  });

  it('never runs more than `concurrency` items at once', async () => {
    let running = 0;
    let peak = 0;
    const { app } = buildApp(express, (a) =>
      a.post('/b', (req, res) =>
        batch(res, req.body, async () => {
          running += 1;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, 2));
          running -= 1;
          return {};
        }, { concurrency: 4 }),
      ),
    );
    const res = await request(app).post('/b').send(Array.from({ length: 40 }, (_, i) => i));
    expect(res.status).toBe(200);
    expect(res.body.results).toHaveLength(40);
    expect(peak).toBe(4);
  });

  it.each([
    ['an object', { id: 1 }, 'The request body must be a JSON array of batch items.', undefined],
    ['an empty list', [], 'The batch must contain at least one item.', undefined],
    ['more than maxItems', [1, 2, 3, 4], 'The batch has 4 items; at most 3 are accepted.', 3],
  ])('answers a whole-request 400 for %s', async (_label, body, message, maxItems) => {
    let calls = 0;
    const { app } = buildApp(express, (a) =>
      a.post('/b', (req, res) => batch(res, req.body, () => { calls += 1; }, { maxItems: 3 })),
    );
    const res = await request(app).post('/b').send(body as object);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      meta: metaFor(res, 'ERROR'),
      errors: [{ code: 'VALIDATION_ERROR', message, ...(maxItems === undefined ? {} : { max_items: maxItems }) }],
    });
    expect(calls).toBe(0);
  });

  it('answers 400 for a missing body', async () => {
    const { app } = buildApp(express, (a) => a.post('/b', (req, res) => batch(res, req.body, () => ({}))));
    const res = await request(app).post('/b');
    expect(res.status).toBe(400);
    expect(res.body.errors[0].message).toBe('The request body must be a JSON array of batch items.');
  });

  it('answers 500 for bad batch options (a programming error) and reports it', async () => {
    const { app, reported } = buildApp(express, (a) =>
      a.post('/b', (req, res) => batch(res, req.body, () => ({}), { concurrency: 0 })),
    );
    const res = await request(app).post('/b').send([1]);
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: [INTERNAL] });
    expect(String(reported[0]?.error)).toContain('`concurrency`');
  });

  it('logs a crashed item to stderr with the trace_id by default', async () => {
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const { app } = buildApp(express, (a) =>
        a.post('/b', (req, res) => batch(res, req.body, (n: number) => {
          if (n === 2) throw new Error('inventory db down');
          return { n };
        })),
      );
      const res = await request(app).post('/b').send([1, 2]);
      expect(res.status).toBe(200);
      expect(res.body.results[1]).toEqual({ status: 'ERROR', request: { index: 1 }, errors: [INTERNAL] });
      const logged = stderr.mock.calls.map((c) => String(c[0])).join('');
      expect(logged).toContain(`status=500 code="INTERNAL_ERROR (batch item 1)" trace_id=${res.headers['x-trace-id']}`);
      expect(logged).toContain('inventory db down');
    } finally {
      stderr.mockRestore();
    }
  });

  it('answers 500 when an item result cannot be serialised', async () => {
    const { app } = buildApp(express, (a) => a.post('/b', (req, res) => batch(res, req.body, () => ({ n: 1n }))));
    const res = await request(app).post('/b').send([1]);
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: [INTERNAL] });
  });
});
