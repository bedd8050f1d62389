/**
 * One listening server per Express major, reused by every run of a
 * property: starting a server per request would cost more than the request.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { Express } from 'express';

/** Starts `app` on a free port of 127.0.0.1. */
export async function listen(app: Express): Promise<Server> {
  const server = createServer(app);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

/** Stops a server started by `listen`, dropping kept-alive sockets. */
export async function close(server: Server | undefined): Promise<void> {
  if (server === undefined) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Response headers every answer may carry besides the ones a test looks at. */
export const TRANSPORT_HEADERS: ReadonlySet<string> = new Set([
  'content-type',
  'content-length',
  'date',
  'connection',
  'keep-alive',
  'x-powered-by',
  'x-trace-id',
  'x-api-version',
]);

/** Printable ASCII and tab: every value this library writes into a header. */
export const PRINTABLE_HEADER_VALUE = /^[\t\x20-\x7e]*$/;
