import { AsyncResource } from 'node:async_hooks';
import { EventEmitter, once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { context, trace, SpanStatusCode } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createNamespace } from 'cls-hooked';
import createError from 'http-errors';
import pino from 'pino';
import { pinoHttp } from 'pino-http';
import request from 'supertest';
import { asyncHandler, envelope, errorHandler, ok, requestContext, type ResponseReport } from 'kompliant-envelope';
import { traceHeaders } from 'kompliant-envelope/tracing';
import { EXPRESS_VERSIONS, UUID_V4, buildApp, metaFor } from '../support/apps.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('OpenTelemetry', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const contextManager = new AsyncLocalStorageContextManager();

  beforeAll(() => {
    context.setGlobalContextManager(contextManager.enable());
    trace.setGlobalTracerProvider(provider);
  });
  afterAll(async () => {
    await provider.shutdown();
    contextManager.disable();
    trace.disable();
    context.disable();
  });
  beforeEach(() => exporter.reset());

  describe.each(EXPRESS_VERSIONS)('on %s', (_name, express) => {
    /** What HTTP instrumentation does: a server span, active for the whole request, ended when it finishes. */
    const app = () => {
      const tracer = trace.getTracer('test-http');
      const a = express();
      a.use((req, res, next) => {
        tracer.startActiveSpan(`${req.method} ${req.path}`, (span) => {
          res.once('finish', () => span.end());
          next();
        });
      });
      a.use(envelope({ openTelemetry: trace }));
      a.get('/ok', asyncHandler(async (_req, res) => {
        await sleep(1);
        ok(res, { forward: traceHeaders() });
      }));
      a.get('/crash', () => {
        throw new Error('database unreachable');
      });
      a.get('/client', () => {
        throw createError(400, 'bad quantity');
      });
      a.use(errorHandler({ onError: () => undefined }));
      return a;
    };

    it("uses the active span's trace id as trace_id, and forwards the span as parent", async () => {
      const res = await request(app()).get('/ok');
      const [span] = exporter.getFinishedSpans();
      expect(span).toBeDefined();
      const { traceId, spanId } = span!.spanContext();
      expect(res.headers['x-trace-id']).toBe(traceId);
      expect(res.body).toEqual({
        meta: metaFor(res, 'SUCCESS'),
        data: { forward: { traceparent: `00-${traceId}-${spanId}-01`, 'X-Trace-Id': traceId } },
      });
      expect(span!.status.code).toBe(SpanStatusCode.UNSET);
    });

    it('forwards the span active when traceHeaders() is called, such as a child span of the handler', async () => {
      const tracer = trace.getTracer('test-handler');
      const a = express();
      a.use((_req, res, next) => tracer.startActiveSpan('server', (span) => {
        res.once('finish', () => span.end());
        next();
      }));
      a.use(envelope({ openTelemetry: trace }));
      a.get('/child', (_req, res) => {
        tracer.startActiveSpan('load-order', (child) => {
          const forward = traceHeaders();
          child.end();
          ok(res, { forward, child: child.spanContext().spanId });
        });
      });
      a.use(errorHandler());
      const res = await request(a).get('/child');
      expect(res.body.data.forward.traceparent).toBe(`00-${res.body.meta.trace_id}-${res.body.data.child}-01`);
    });

    it('marks the span of a 5xx: status ERROR, error.type and the exception', async () => {
      const res = await request(app()).get('/crash');
      expect(res.status).toBe(500);
      const [span] = exporter.getFinishedSpans();
      expect(span!.spanContext().traceId).toBe(res.body.meta.trace_id);
      expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'INTERNAL_ERROR' });
      expect(span!.attributes['error.type']).toBe('INTERNAL_ERROR');
      expect(span!.events.map((e) => e.name)).toEqual(['exception']);
      expect(span!.events[0]!.attributes!['exception.message']).toBe('database unreachable');
    });

    it('adds error.type to a 4xx span and leaves its status unset', async () => {
      const res = await request(app()).get('/client');
      expect(res.status).toBe(400);
      const unknown = await request(app()).get('/nowhere');
      expect(unknown.status).toBe(400);
      const [client, missing] = exporter.getFinishedSpans();
      expect(client!.attributes['error.type']).toBe('BAD_REQUEST');
      expect(client!.status.code).toBe(SpanStatusCode.UNSET);
      expect(missing!.attributes['error.type']).toBe('ROUTE_NOT_FOUND');
    });

    it('makes its own id when no span is active', async () => {
      const { app: plain } = buildApp(express, (a) => a.get('/ok', (_req, res) => ok(res)), { envelope: { openTelemetry: trace } });
      const res = await request(plain).get('/ok');
      expect(res.headers['x-trace-id']).toMatch(UUID_V4);
    });
  });

  it('rejects something that is not the trace API', () => {
    expect(() => envelope({ openTelemetry: {} as never })).toThrow('`openTelemetry`');
  });
});

describe.each(EXPRESS_VERSIONS)('cls-hooked bridge on %s', (_name, express) => {
  it('runs each request in the namespace with trace_id and version, across awaits, without crossing', async () => {
    const ns = createNamespace(`kompliant-test-${_name.replace(' ', '')}`);
    const { app } = buildApp(
      express,
      (a) =>
        a.post('/cls', asyncHandler(async (req, res) => {
          const before = ns.get('trace_id');
          await sleep(Number(req.body.delay));
          await Promise.resolve();
          const after = await new Promise((resolve) => setTimeout(() => resolve(ns.get('trace_id')), 1));
          ok(res, { before, after, version: ns.get('version'), als: requestContext()?.traceId });
        })),
      { envelope: { clsNamespace: ns, versions: ['a', 'b'] } },
    );
    const server = app.listen(0, '127.0.0.1');
    try {
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => request(server).post('/cls').set('X-API-Version', i % 2 ? 'a' : 'b').send({ delay: 20 - i })),
      );
      answers.forEach((res, i) => {
        const id = res.headers['x-trace-id'];
        expect(res.body).toEqual({ meta: metaFor(res, 'SUCCESS', i % 2 ? 'a' : 'b'), data: { before: id, after: id, version: i % 2 ? 'a' : 'b', als: id } });
      });
    } finally {
      server.close();
    }
    expect(() => envelope({ clsNamespace: { run: () => undefined } as never })).toThrow('`clsNamespace`');
  });
});

describe.each(EXPRESS_VERSIONS)('logging hooks on %s', (_name, express) => {
  it('onResponse gets every answer with trace id, version, status, code and duration', async () => {
    const seen: ResponseReport[] = [];
    const { app } = buildApp(
      express,
      (a) => {
        a.get('/ok', (_req, res) => ok(res));
        a.get('/bad', () => {
          throw createError(400, 'nope');
        });
      },
      { envelope: { onResponse: (report) => seen.push(report) } },
    );
    const good = await request(app).get('/ok?token=secret');
    const bad = await request(app).get('/bad');
    const missing = await request(app).post('/ok');
    await sleep(5);
    expect(seen).toEqual([
      { traceId: good.headers['x-trace-id'], version: '1', status: 200, code: undefined, durationMs: expect.any(Number), method: 'GET', path: '/ok', aborted: false },
      { traceId: bad.headers['x-trace-id'], version: '1', status: 400, code: 'BAD_REQUEST', durationMs: expect.any(Number), method: 'GET', path: '/bad', aborted: false },
      { traceId: missing.headers['x-trace-id'], version: '1', status: 400, code: 'METHOD_NOT_ALLOWED', durationMs: expect.any(Number), method: 'POST', path: '/ok', aborted: false },
    ]);
    for (const report of seen) expect(report.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('onResponse also reports a request the client abandoned', async () => {
    const seen: ResponseReport[] = [];
    const { app } = buildApp(express, (a) => a.get('/slow', () => undefined), { envelope: { onResponse: (report) => seen.push(report) } });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const controller = new AbortController();
      const call = fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/slow`, { signal: controller.signal });
      await sleep(30);
      controller.abort();
      await expect(call).rejects.toThrow();
      for (let i = 0; i < 50 && seen.length === 0; i++) await sleep(5);
      expect(seen).toEqual([
        { traceId: expect.stringMatching(UUID_V4), version: '1', status: 200, code: undefined, durationMs: expect.any(Number), method: 'GET', path: '/slow', aborted: true },
      ]);
    } finally {
      server.close();
    }
  });

  it('a throwing onResponse is logged and changes nothing', async () => {
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const { app } = buildApp(express, (a) => a.get('/ok', (_req, res) => ok(res)), {
        envelope: { onResponse: () => { throw new Error('log sink down'); } },
      });
      const res = await request(app).get('/ok');
      expect(res.status).toBe(200);
      await sleep(5);
      expect(stderr.mock.calls.map((c) => String(c[0])).join('')).toContain(`the onResponse hook threw trace_id=${res.headers['x-trace-id']}`);
    } finally {
      stderr.mockRestore();
    }
  });

  it('pino-http logs the trace_id as the request id (the README recipe)', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const logger = pino(sink);
    const app = express();
    app.use(envelope());
    app.use(pinoHttp({ logger, genReqId: (_req, res) => requestContext()?.traceId ?? String(res.getHeader('X-Trace-Id')) }));
    app.get('/orders', asyncHandler(async (req, res) => {
      await sleep(1);
      req.log.info({ step: 'loaded' }, 'orders loaded');
      ok(res, []);
    }));
    app.use(errorHandler());
    const res = await request(app).get('/orders');
    await sleep(5);
    const traceId = res.headers['x-trace-id'];
    expect(lines.map((l) => l['msg'])).toEqual(['orders loaded', 'request completed']);
    for (const line of lines) expect((line['req'] as { id: string }).id).toBe(traceId);
  });
});

describe.each(EXPRESS_VERSIONS)('context through a shared pool on %s (the AsyncResource.bind recipe)', (_name, express) => {
  it('needs AsyncResource.bind for callbacks a pool runs from its own timer, and then keeps each request its own context', async () => {
    // A "connection pool": created before any request, it runs queued callbacks from its own timer,
    // so they run in the pool's async context, not the request's.
    const queue: (() => void)[] = [];
    const pool = new EventEmitter();
    pool.on('drain', () => queue.splice(0).forEach((callback) => callback()));
    const timer = setInterval(() => pool.emit('drain'), 2);
    const { app } = buildApp(express, (a) =>
      a.get('/q/:mode', (req, res) => {
        const expected = requestContext()?.traceId;
        const answer = () => ok(res, { seen: requestContext()?.traceId ?? null, same: requestContext()?.traceId === expected });
        queue.push(req.params['mode'] === 'bound' ? AsyncResource.bind(answer) : answer);
      }),
    );
    try {
      const unbound = await request(app).get('/q/plain');
      expect(unbound.body.data).toEqual({ seen: null, same: false });
      const answers = await Promise.all(Array.from({ length: 10 }, () => request(app).get('/q/bound')));
      for (const res of answers) expect(res.body.data).toEqual({ seen: res.headers['x-trace-id'], same: true });
    } finally {
      clearInterval(timer);
    }
  });
});
