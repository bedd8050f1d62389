import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { asyncHandler, ok, requestContext } from 'kompliant-envelope';
import { traceHeaders } from 'kompliant-envelope/tracing';
import { EXPRESS_VERSIONS, UUID_V4, buildApp, metaFor } from '../support/apps.js';

const VALID = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const VALID_AS_UUID = '4bf92f35-77b3-4da6-a3ce-929d0e0e4736';

describe.each(EXPRESS_VERSIONS)('incoming and outgoing trace ids on %s', (_name, express) => {
  const echo = (trustIncoming?: string[]) =>
    buildApp(
      express,
      (a) => a.get('/ids', (_req, res) => ok(res, { seen: requestContext()?.traceId, forward: traceHeaders() })),
      trustIncoming === undefined ? {} : { envelope: { trustIncoming } },
    ).app;

  it('ignores incoming ids by default: a client cannot choose its trace id', async () => {
    const res = await request(echo()).get('/ids').set('traceparent', VALID).set('X-Trace-Id', 'client-chosen-id');
    expect(res.headers['x-trace-id']).toMatch(UUID_V4);
    expect(res.body.meta.trace_id).toBe(res.headers['x-trace-id']);
    expect(res.text).not.toContain('client-chosen-id');
    expect(res.text).not.toContain('4bf92f35');
  });

  it('reuses a valid traceparent, written as a UUID, and continues it outward', async () => {
    const res = await request(echo(['traceparent'])).get('/ids').set('traceparent', VALID);
    expect(res.status).toBe(200);
    expect(res.headers['x-trace-id']).toBe(VALID_AS_UUID);
    expect(res.body.meta.trace_id).toBe(VALID_AS_UUID);
    expect(res.body.data.seen).toBe(VALID_AS_UUID);
    expect(res.body.data.forward['X-Trace-Id']).toBe(VALID_AS_UUID);
    expect(res.body.data.forward.traceparent).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    expect(res.body.data.forward.traceparent).not.toContain('00f067aa0ba902b7');
  });

  it('forwards a trusted tracestate with its traceparent, and drops an unusable one', async () => {
    const app = echo(['traceparent']);
    const res = await request(app).get('/ids').set('traceparent', VALID).set('tracestate', 'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7');
    expect(res.body.data.forward.tracestate).toBe('congo=t61rcWkgMzE,rojo=00f067aa0ba902b7');
    const bad = await request(app).get('/ids').set('traceparent', VALID).set('tracestate', 'x'.repeat(600));
    expect(bad.body.data.forward.tracestate).toBeUndefined();
    const alone = await request(app).get('/ids').set('tracestate', 'congo=1');
    expect(alone.body.data.forward.tracestate).toBeUndefined();
  });

  it.each([
    ['upper-case hex', VALID.toUpperCase()],
    ['version ff', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`],
    ['an all-zero parent id', `00-4bf92f3577b34da6a3ce929d0e0e4736-${'0'.repeat(16)}-01`],
    ['version 00 with extra fields', `${VALID}-extra`],
    ['a short trace id', '00-4bf92f3577b34da6a3ce929d0e0e47-00f067aa0ba902b7-01'],
    ['markup', '<script>alert(1)</script>'],
    ['two headers', [VALID, VALID]],
  ])('refuses a traceparent with %s and makes a fresh id, never echoing it', async (_label, value) => {
    const res = await request(echo(['traceparent'])).get('/ids').set('traceparent', value as string);
    expect(res.status).toBe(200);
    expect(res.headers['x-trace-id']).toMatch(UUID_V4);
    expect(res.headers['x-trace-id']).not.toBe(VALID_AS_UUID);
    expect(res.text).not.toContain('script');
  });

  it('accepts a future traceparent version with extra fields, as the W3C rules say', async () => {
    const res = await request(echo(['traceparent'])).get('/ids').set('traceparent', `01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-future`);
    expect(res.headers['x-trace-id']).toBe(VALID_AS_UUID);
    expect(res.body.data.forward.traceparent).toMatch(/-00$/);
  });

  it('reuses a named header within the allowlist, trying the trusted headers in order', async () => {
    const app = echo(['traceparent', 'X-Request-Id']);
    const named = await request(app).get('/ids').set('X-Request-Id', 'gw-01HZX3ZB6M.42:a_b');
    expect(named.headers['x-trace-id']).toBe('gw-01HZX3ZB6M.42:a_b');
    expect(named.body).toEqual({
      meta: metaFor(named, 'SUCCESS'),
      data: { seen: 'gw-01HZX3ZB6M.42:a_b', forward: { 'X-Trace-Id': 'gw-01HZX3ZB6M.42:a_b' } },
    });
    const both = await request(app).get('/ids').set('X-Request-Id', 'gw-1').set('traceparent', VALID);
    expect(both.headers['x-trace-id']).toBe(VALID_AS_UUID);
  });

  it.each([
    ['too long', 'a'.repeat(129)],
    ['a space', 'abc def'],
    ['a header injection attempt', 'abc\\r\\nSet-Cookie: x=1'],
    ['quotes', '"abc"'],
    ['two headers', ['abc', 'def']],
    ['a leading dash', '-abc'],
  ])('refuses a named id with %s', async (_label, value) => {
    const res = await request(echo(['X-Request-Id'])).get('/ids').set('X-Request-Id', value as string);
    expect(res.status).toBe(200);
    expect(res.headers['x-trace-id']).toMatch(UUID_V4);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('follows one trace id from a gateway through two services', async () => {
    const inventory = buildApp(
      express,
      (a) => a.get('/stock', (_req, res) => ok(res, { inventoryTraceId: requestContext()?.traceId })),
      { envelope: { trustIncoming: ['traceparent'] } },
    ).app;
    const inventoryServer = inventory.listen(0, '127.0.0.1');
    await once(inventoryServer, 'listening');
    const inventoryUrl = `http://127.0.0.1:${(inventoryServer.address() as AddressInfo).port}`;
    try {
      const orders = buildApp(
        express,
        (a) =>
          a.get('/orders/1', asyncHandler(async (_req, res) => {
            const answer = await fetch(`${inventoryUrl}/stock`, { headers: traceHeaders() });
            const body = (await answer.json()) as { meta: { trace_id: string }; data: { inventoryTraceId: string } };
            ok(res, { ordersTraceId: requestContext()?.traceId, inventory: body.data.inventoryTraceId, inventoryMeta: body.meta.trace_id });
          })),
        { envelope: { trustIncoming: ['traceparent'] } },
      ).app;
      const res = await request(orders).get('/orders/1').set('traceparent', VALID);
      expect(res.body.data).toEqual({ ordersTraceId: VALID_AS_UUID, inventory: VALID_AS_UUID, inventoryMeta: VALID_AS_UUID });

      const fresh = await request(orders).get('/orders/1');
      expect(fresh.headers['x-trace-id']).toMatch(UUID_V4);
      expect(fresh.body.data.inventory).toBe(fresh.headers['x-trace-id']);
    } finally {
      inventoryServer.close();
    }
  });

  it('gives no headers outside a request, and honours its options', () => {
    expect(traceHeaders()).toEqual({});
    expect(() => traceHeaders({ header: 'bad header' })).toThrow('`header`');
    expect(() => buildApp(express, () => undefined, { envelope: { trustIncoming: ['bad header'] } })).toThrow('`trustIncoming`');
  });

  it('lets a handler choose which headers to forward', async () => {
    const { app } = buildApp(express, (a) =>
      a.get('/h', (_req, res) => ok(res, { onlyParent: traceHeaders({ header: false }), onlyId: traceHeaders({ traceparent: false, header: 'X-Request-Id' }) })),
    );
    const res = await request(app).get('/h');
    const hex = String(res.headers['x-trace-id']).replace(/-/g, '');
    expect(res.body.data.onlyParent).toEqual({ traceparent: expect.stringMatching(new RegExp(`^00-${hex}-[0-9a-f]{16}-01$`)) });
    expect(res.body.data.onlyId).toEqual({ 'X-Request-Id': res.headers['x-trace-id'] });
  });
});
