/**
 * Where a request's context lives (a symbol key of Express's `res.locals`,
 * else a WeakMap) and that the answers find it whatever the app does to
 * `res.locals`.
 */
import { AsyncResource } from 'node:async_hooks';
import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { envelope, ok, requestContext } from 'kompliant-envelope';
import { authenticate, principalOf } from 'kompliant-envelope/auth';
import { buildApp, EXPRESS_VERSIONS, metaFor, UUID_V4 } from '../support/apps';

describe.each(EXPRESS_VERSIONS)('the request context on %s', (_name, express) => {
  it('adds no key that templates or JSON see to res.locals', async () => {
    const { app } = buildApp(express, (a) => {
      a.get('/locals', (_req, res) => ok(res, { keys: Object.keys(res.locals), json: JSON.stringify(res.locals) }));
    });
    const res = await request(app).get('/locals');
    expect(res.status).toBe(200);
    expect(res.headers['x-trace-id']).toMatch(UUID_V4);
    expect(res.body).toEqual({ meta: metaFor(res, 'SUCCESS'), data: { keys: [], json: '{}' } });
  });

  it('answers with the trace id of X-Trace-Id when a middleware replaced res.locals', async () => {
    const { app } = buildApp(express, (a) => {
      a.use((_req, res, next) => {
        res.locals = { user: 'ada' };
        next();
      });
      a.get('/replaced', async (_req, res) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        ok(res, { user: res.locals['user'], traceId: requestContext()?.traceId });
      });
    });
    const res = await request(app).get('/replaced');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ meta: metaFor(res, 'SUCCESS'), data: { user: 'ada', traceId: res.headers['x-trace-id'] } });
  });

  it('keeps the context when res.locals was frozen before envelope() ran', async () => {
    const app = express();
    app.use((_req, res, next) => {
      res.locals = Object.freeze({ tenant: 't1' }) as typeof res.locals;
      next();
    });
    app.use(envelope());
    // Answered from an emitter outside the request's async context: only the response leads to its context.
    const outside = new EventEmitter();
    outside.on('answer', (res: Parameters<typeof ok>[0]) => ok(res, { tenant: (res as typeof res & { locals: Record<string, unknown> }).locals['tenant'], inContext: requestContext() !== undefined }));
    const drain = new AsyncResource('outside-any-request');
    app.get('/frozen', (_req, res) => {
      drain.runInAsyncScope(() => outside.emit('answer', res));
    });
    const res = await request(app).get('/frozen');
    expect(res.status).toBe(200);
    expect(res.headers['x-trace-id']).toMatch(UUID_V4);
    expect(res.body).toEqual({ meta: metaFor(res, 'SUCCESS'), data: { tenant: 't1', inContext: false } });
  });

  it("answers a waiting request with its own trace id from another request's handler", async () => {
    const waiting: { res: Parameters<typeof ok>[0]; traceId: string | undefined }[] = [];
    const { app } = buildApp(express, (a) => {
      a.get('/wait', (_req, res) => {
        waiting.push({ res, traceId: requestContext()?.traceId });
      });
      a.post('/release', (_req, res) => {
        for (const w of waiting.splice(0)) ok(w.res, { released: true, traceId: w.traceId });
        ok(res, { releasedBy: requestContext()?.traceId });
      });
    });
    const server = http.createServer(app).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const pending = fetch(`${base}/wait`);
      while (waiting.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      const release = await fetch(`${base}/release`, { method: 'POST' });
      const releaseBody = (await release.json()) as { data: { releasedBy: string } };
      expect(releaseBody.data.releasedBy).toBe(release.headers.get('x-trace-id'));
      const waited = await pending;
      const traceId = waited.headers.get('x-trace-id');
      expect(traceId).toMatch(UUID_V4);
      expect(traceId).not.toBe(release.headers.get('x-trace-id'));
      expect(await waited.json()).toEqual({ meta: { status: 'SUCCESS', trace_id: traceId, version: '1' }, data: { released: true, traceId } });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('gives principalOf() the caller with envelope(), without it, and after res.locals was replaced', async () => {
    const verify = (req: { headers: Record<string, unknown> }) => (req.headers['x-api-key'] === 'k1' ? { id: 'cus_1' } : undefined);
    const withEnvelope = buildApp(express, (a) => {
      a.use((_req, res, next) => {
        res.locals = {};
        next();
      });
      a.use(authenticate({ headers: ['X-API-Key'], verify }));
      a.get('/me', (req, res) => ok(res, principalOf(req)));
    }).app;
    const bare = express();
    bare.use(authenticate({ headers: ['X-API-Key'], verify }));
    bare.get('/me', (req, res) => ok(res, principalOf(req)));
    for (const app of [withEnvelope, bare]) {
      const res = await request(app).get('/me').set('X-API-Key', 'k1');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ meta: metaFor(res, 'SUCCESS'), data: { id: 'cus_1' } });
    }
  });
});

describe('the request context without Express', () => {
  it('answers through envelope() and ok() on a plain node:http server (no res.locals)', async () => {
    const middleware = envelope();
    const server = http.createServer((req, res) => {
      middleware(req, res, () => {
        setTimeout(() => ok(res, { plain: true, traceId: requestContext()?.traceId }), 1);
      });
    });
    server.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const res = await request(server).get('/');
      expect(res.status).toBe(200);
      expect(res.headers['x-trace-id']).toMatch(UUID_V4);
      expect(res.body).toEqual({ meta: metaFor(res, 'SUCCESS'), data: { plain: true, traceId: res.headers['x-trace-id'] } });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
