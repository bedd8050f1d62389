import request from 'supertest';
import { ApiError } from 'kompliant-envelope';
import { MAX_EXTRA_DEPTH, MAX_EXTRA_ITEMS, MAX_EXTRA_KEY, MAX_EXTRA_STRING, MAX_EXTRA_VALUES, boundExtra } from '../../src/core/bound.js';
import { EXPRESS_VERSIONS, buildApp, metaFor } from '../support/apps.js';

describe('boundExtra', () => {
  it('cuts long strings, long lists, wide objects and deep nesting', () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 20; i++) deep = { next: deep };
    const bounded = boundExtra({
      text: 'x'.repeat(MAX_EXTRA_STRING + 10),
      list: Array.from({ length: 500 }, (_, i) => i),
      wide: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, i])),
      deep,
    });
    expect((bounded['text'] as string).length).toBe(MAX_EXTRA_STRING);
    expect((bounded['text'] as string).endsWith('…')).toBe(true);
    expect(bounded['list']).toHaveLength(MAX_EXTRA_ITEMS);
    expect(Object.keys(bounded['wide'] as object)).toHaveLength(MAX_EXTRA_ITEMS);
    let node = bounded['deep'];
    let depth = 1;
    while (node !== null && typeof node === 'object') {
      node = (node as { next?: unknown }).next;
      depth += 1;
    }
    expect(node).toBe('[truncated]');
    expect(depth).toBe(MAX_EXTRA_DEPTH);
    expect(JSON.stringify(bounded).length).toBeLessThan(2_000_000);
  });

  it('turns a cycle into a bounded tree and keeps __proto__ a plain field', () => {
    const cycle: Record<string, unknown> = { name: 'a' };
    cycle['self'] = cycle;
    const bounded = boundExtra({ cycle, ...JSON.parse('{"__proto__": {"polluted": true}}') });
    expect(() => JSON.stringify(bounded)).not.toThrow();
    expect(Object.getPrototypeOf(bounded)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('keeps small values, and writes dates and other toJSON values as JSON would, bounded', () => {
    const when = new Date('2026-01-02T03:04:05Z');
    expect(boundExtra({ when, n: 1, ok: true, none: null, field: 'email' })).toEqual({
      when: '2026-01-02T03:04:05.000Z',
      n: 1,
      ok: true,
      none: null,
      field: 'email',
    });
    const bounded = boundExtra({ raw: Buffer.alloc(5000), broken: { toJSON: () => { throw new Error('x'); } } });
    expect((bounded['raw'] as { data: number[] }).data).toHaveLength(MAX_EXTRA_ITEMS);
    expect(bounded['broken']).toBe('[unserialisable]');
  });

  it('drops a toJSON field of the extra itself and cuts long keys', () => {
    const bounded = boundExtra({ field: 'email', toJSON: () => 'hijacked', ['k'.repeat(500)]: 1 });
    expect(Object.keys(bounded).map((k) => k.length)).toEqual([5, MAX_EXTRA_KEY]);
    expect(JSON.stringify(bounded)).not.toContain('hijacked');
  });

  it('caps the total number of values', () => {
    const grid = Array.from({ length: 100 }, () => Array.from({ length: 100 }, () => 1));
    const json = JSON.stringify(boundExtra({ grid }));
    expect(json.length).toBeLessThan(5_000);
    expect(json.match(/1/g)?.length).toBeLessThan(MAX_EXTRA_VALUES);
    expect(json).toContain('"[truncated]"');
  });
});

describe.each(EXPRESS_VERSIONS)('a huge or cyclic extra over HTTP on %s', (_name, express) => {
  it('is answered bounded, not as a 5 MB body or a 500', async () => {
    const cycle: Record<string, unknown> = { id: 1 };
    cycle['parent'] = cycle;
    const { app } = buildApp(express, (a) =>
      a.post('/x', (req) => {
        throw new ApiError(400, 'VALIDATION_ERROR', 'Bad.', { received: req.body, cycle });
      }),
    );
    const res = await request(app).post('/x').send({ blob: 'y'.repeat(90_000) });
    expect(res.status).toBe(400);
    expect(res.body.meta).toEqual(metaFor(res, 'ERROR'));
    expect(res.body.errors[0].received.blob).toHaveLength(MAX_EXTRA_STRING);
    expect(res.text.length).toBeLessThan(20_000);
  });
});
