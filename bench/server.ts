/**
 * One benchmark server per process: `node --expose-gc --import tsx bench/server.ts <variant> <major>`.
 * It listens on 127.0.0.1 (a free port), tells the parent the port over IPC,
 * and answers 'heap' requests with the heap used after a full GC.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import createError from 'http-errors';
import express5 from 'express';
import express4 from 'express4';
import { ApiError, batch, envelope, errorHandler, ok } from 'kompliant-envelope';

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
    default:
      throw new Error(`unknown variant ${variant}`);
  }
}

const server = http.createServer(build());
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
process.on('message', (message: unknown) => {
  if (message === 'heap') {
    (globalThis as { gc?: () => void }).gc?.();
    process.send?.({ heapUsed: process.memoryUsage().heapUsed });
  }
});
process.on('disconnect', () => process.exit(0));
