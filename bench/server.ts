/**
 * One benchmark server per process: `node --expose-gc --import tsx bench/server.ts <variant> <major>`.
 * It listens on 127.0.0.1 (a free port), tells the parent the port over IPC,
 * and answers 'heap' requests with the heap used after a full GC and 'cpu'
 * requests with the CPU time it has used.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import createError from 'http-errors';
import express5 from 'express';
import express4 from 'express4';
import { rateLimit as expressRateLimit } from 'express-rate-limit';
import { z } from 'zod';

// The package as it is published (npm run build), not src/ through tsx: tsx
// turns every import between the library's modules into a getter call, which
// users never pay. bench/run.ts refuses a dist/ older than src/.
const dist = join(__dirname, '..', 'dist', 'cjs');
const { ApiError, batch, envelope, errorHandler, ok } = require(join(dist, 'index.js')) as typeof import('kompliant-envelope');
const { authenticate, principalOf } = require(join(dist, 'auth', 'index.js')) as typeof import('kompliant-envelope/auth');
const { rateLimit } = require(join(dist, 'rate-limit', 'index.js')) as typeof import('kompliant-envelope/rate-limit');
const { validate } = require(join(dist, 'validate', 'index.js')) as typeof import('kompliant-envelope/validate');

const [variant = 'success-plain', major = 'express5'] = process.argv.slice(2);
const express = (major === 'express4' ? express4 : express5) as typeof express5;

/** The answer every success variant sends: a realistic small object. */
const PAYLOAD = {
  id: 'ord_01HZX3ZB6M',
  status: 'shipped',
  total: { amount: 12_950, currency: 'EUR' },
  items: [
    { sku: 'BOOK-1', quantity: 1, price: 2_950 },
    { sku: 'LAMP-7', quantity: 2, price: 5_000 },
  ],
  customer: { id: 'cus_42', email: 'ada@example.com' },
};

const items = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `item-${i}`, quantity: (i % 5) + 1 }));
const BATCH_100 = items(100);
const BATCH_10K = items(10_000);
const work = (item: { id: string; quantity: number }) => ({ id: item.id, total: item.quantity * 250 });

function plainApp() {
  const app = express();
  app.disable('x-powered-by');
  return app;
}

function envelopedApp() {
  const app = plainApp();
  app.use(envelope());
  return app;
}

/** A plain Express JSON error middleware, as teams hand-roll it. */
function plainErrors(app: ReturnType<typeof plainApp>) {
  app.use((_req: express5.Request, res: express5.Response) => {
    res.status(404).json({ error: 'Not Found' });
  });
  app.use((err: { status?: number; message?: string }, _req: express5.Request, res: express5.Response, _next: express5.NextFunction) => {
    res.status(err.status ?? 500).json({ error: err.message ?? 'Internal Server Error' });
  });
}

// The full stack: envelope, body parser, rate limit (memory store), API key,
// zod validation, the answer and the error handler — ours, and the same
// written by hand as a team would, answering byte-identical bodies.
const KEYS = new Map([['key-live-1', { id: 'cus_42' }]]);
const Order = z.object({ sku: z.string().min(1), quantity: z.number().int().min(1), note: z.string().max(200).optional() });
type Order = z.infer<typeof Order>;
const LIMIT = { windowMs: 60_000, limit: 1_000_000_000 };
const orderAnswer = (order: Order, customer: string) => ({
  id: 'ord_01HZX3ZB6M',
  sku: order.sku,
  quantity: order.quantity,
  total: { amount: order.quantity * 2_950, currency: 'EUR' },
  customer,
});

function fullStackEnvelope() {
  const app = envelopedApp();
  app.use(express.json());
  app.use(rateLimit(LIMIT));
  app.use(authenticate({ headers: ['X-API-Key'], verify: (req) => KEYS.get(req.headers['x-api-key'] as string) }));
  app.post('/orders', validate({ body: Order }), (req, res) => ok(res, orderAnswer(req.body as Order, principalOf<{ id: string }>(req)!.id)));
  app.use(errorHandler());
  return app;
}

interface HandContext {
  traceId: string;
  version: string;
}

/** The hand-written stack, with Express's ETag on (its default) or off. */
function fullStackByHand(etag: boolean) {
  const app = plainApp();
  if (!etag) app.set('etag', false);
  const als = new AsyncLocalStorage<HandContext>();
  const meta = (res: express5.Response, status: string) => {
    const context = res.locals['context'] as HandContext;
    return { status, trace_id: context.traceId, version: context.version };
  };
  const fail = (res: express5.Response, status: number, errors: object[]) => res.status(status).json({ meta: meta(res, 'ERROR'), errors });
  app.use((_req, res, next) => {
    const context = { traceId: randomUUID(), version: '1' };
    res.locals['context'] = context;
    res.setHeader('X-Trace-Id', context.traceId);
    res.setHeader('X-API-Version', context.version);
    als.run(context, next);
  });
  app.use(express.json());
  app.use(
    expressRateLimit({
      ...LIMIT,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      handler: (_req, res) => fail(res, 429, [{ code: 'TOO_MANY_REQUESTS', message: 'Too many requests.' }]),
    }),
  );
  app.use((req, res, next) => {
    const key = req.headers['x-api-key'];
    const customer = typeof key === 'string' && key !== '' ? KEYS.get(key) : undefined;
    if (customer === undefined) {
      res.setHeader('WWW-Authenticate', 'ApiKey header="X-API-Key"');
      return void fail(res, 401, [{ code: 'AUTHENTICATION_FAILED', message: 'The credentials are not valid.' }]);
    }
    res.locals['customer'] = customer;
    next();
  });
  app.post('/orders', (req, res) => {
    const result = Order.safeParse(req.body);
    if (!result.success) {
      return void fail(
        res,
        400,
        result.error.issues.map((issue) => ({ code: 'VALIDATION_ERROR', message: issue.message, field: ['body', ...issue.path].join('.') })),
      );
    }
    res.json({ meta: meta(res, 'SUCCESS'), data: orderAnswer(result.data, (res.locals['customer'] as { id: string }).id) });
  });
  app.use((_req: express5.Request, res: express5.Response) => {
    fail(res, 400, [{ code: 'ROUTE_NOT_FOUND', message: 'The requested route does not exist.' }]);
  });
  app.use((err: { status?: number; type?: string }, _req: express5.Request, res: express5.Response, _next: express5.NextFunction) => {
    const status = err.status !== undefined && err.status >= 400 && err.status < 500 ? err.status : 500;
    fail(res, status, [status === 500 ? { code: 'INTERNAL_ERROR', message: 'Internal server error.' } : { code: 'BAD_REQUEST', message: 'The request is not valid.' }]);
  });
  return app;
}

function build(): http.RequestListener {
  switch (variant) {
    case 'raw-node':
      return (_req, res) => {
        const body = JSON.stringify(PAYLOAD);
        res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
      };
    case 'success-plain': {
      const app = plainApp();
      app.get('/x', (_req, res) => res.json(PAYLOAD));
      plainErrors(app);
      return app;
    }
    case 'success-envelope': {
      const app = envelopedApp();
      app.get('/x', (_req, res) => ok(res, PAYLOAD));
      app.use(errorHandler());
      return app;
    }
    case 'error-plain': {
      const app = plainApp();
      app.get('/x', () => {
        throw createError(400, 'The quantity must be positive.');
      });
      plainErrors(app);
      return app;
    }
    case 'error-http-errors': {
      const app = envelopedApp();
      app.get('/x', () => {
        throw createError(400, 'The quantity must be positive.');
      });
      app.use(errorHandler());
      return app;
    }
    case 'error-api-error': {
      const app = envelopedApp();
      app.get('/x', () => {
        throw new ApiError(400, 'VALIDATION_ERROR', 'The quantity must be positive.', { field: 'quantity' });
      });
      app.use(errorHandler());
      return app;
    }
    case 'unknown-plain': {
      const app = plainApp();
      app.get('/orders', (_req, res) => res.json([]));
      plainErrors(app);
      return app;
    }
    case 'unknown-envelope': {
      const app = envelopedApp();
      app.get('/orders', (_req, res) => ok(res, []));
      app.use(errorHandler());
      return app;
    }
    case 'batch100-plain':
    case 'batch10k-plain': {
      const list = variant === 'batch100-plain' ? BATCH_100 : BATCH_10K;
      const app = plainApp();
      // The same answer batch() gives, built with a plain Promise.all loop.
      app.get('/x', async (_req, res) => {
        const results = await Promise.all(
          list.map(async (item, index) => ({ status: 'SUCCESS', request: { index, id: item.id }, data: await work(item) })),
        );
        res.json({ meta: { status: 'BATCH_PROCESSED', trace_id: 'x', version: '1' }, results });
      });
      plainErrors(app);
      return app;
    }
    case 'batch100-envelope':
    case 'batch10k-envelope': {
      const list = variant === 'batch100-envelope' ? BATCH_100 : BATCH_10K;
      const app = envelopedApp();
      app.get('/x', (_req, res) => batch(res, list, async (item: { id: string; quantity: number }) => work(item), { maxItems: 10_000 }));
      app.use(errorHandler());
      return app;
    }
    case 'full-envelope':
      return fullStackEnvelope();
    case 'full-hand':
      return fullStackByHand(true);
    case 'full-hand-no-etag':
      return fullStackByHand(false);
    default:
      throw new Error(`unknown variant ${variant}`);
  }
}

const server = http.createServer(build());
server.keepAliveTimeout = 30_000;
server.listen(Number(process.env['PORT'] ?? 0), '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  if (process.send === undefined) console.log(`${variant} (${major}) on http://127.0.0.1:${port}`);
  process.send?.({ port });
});
// Run by hand (to profile it with --cpu-prof, say), Ctrl-C ends it normally, so the profile is written.
if (process.send === undefined) process.once('SIGINT', () => process.exit(0));
process.on('message', (message: unknown) => {
  if (message === 'heap') {
    (globalThis as { gc?: () => void }).gc?.();
    process.send?.({ heapUsed: process.memoryUsage().heapUsed });
  } else if (message === 'cpu') {
    // User + system CPU of this process so far, in microseconds: the parent divides a run's share by its requests.
    const { user, system } = process.cpuUsage();
    process.send?.({ cpuMicros: user + system });
  }
});
process.on('disconnect', () => process.exit(0));
