/**
 * The server of `npm run soak`: the demo app (`createApp`) on Express 5, one
 * per process — `node --expose-gc --import tsx bench/soak-server.ts`. It
 * listens on 127.0.0.1 (a free port) and tells the parent the port over IPC.
 * Nothing is printed: `onResponse` and `onError` only count, so the parent can
 * compare the access log with what the clients received.
 *
 * IPC, parent → child: `{ type: 'sample', gc }` (heap after a full GC, active
 * resources, open connections), `{ type: 'maintenance', on }` (flips the
 * demo's switch), `{ type: 'counters' }` (what the hooks counted).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { type ErrorReporter, type ResponseReport } from 'kompliant-envelope';
import { maintenanceSwitch } from 'kompliant-envelope/maintenance';
import { createApp } from '../examples/accounts/app.js';
import { SOAK_REPORT_TIMEOUT_MS, traceIdHash, type ServerCounters, type ServerSample, type SoakMessage } from './soak-protocol.js';

const counters: ServerCounters = {
  responses: 0,
  traceSum: 0,
  byStatus: {},
  aborted: 0,
  errorsReported: 0,
  lateErrors: 0,
  errorsByStatus: {},
};

/** The access log, counted: how many answers, their statuses and an order-free checksum of their trace ids. */
function countResponse(report: ResponseReport): void {
  counters.responses += 1;
  counters.traceSum = (counters.traceSum + traceIdHash(report.traceId)) >>> 0;
  counters.byStatus[report.status] = (counters.byStatus[report.status] ?? 0) + 1;
  if (report.aborted) counters.aborted += 1;
}

const countError: ErrorReporter = (_error, report) => {
  counters.errorsReported += 1;
  if (report.late) counters.lateErrors += 1;
  counters.errorsByStatus[report.status] = (counters.errorsByStatus[report.status] ?? 0) + 1;
};

const operatorSwitch = maintenanceSwitch();
const app = createApp(express, {
  onError: countError,
  onResponse: countResponse,
  maintenance: operatorSwitch,
  reportTimeoutMs: SOAK_REPORT_TIMEOUT_MS,
});

const server = http.createServer(app);
// Workers are never idle long, but a socket closed under a reused keep-alive request would read as "no answer".
server.keepAliveTimeout = 30_000;

function sample(gc: boolean): void {
  if (gc) {
    const collect = (globalThis as { gc?: () => void }).gc;
    // Twice: the first pass can leave objects that only a second one frees (weak references, finalizers).
    collect?.();
    collect?.();
  }
  server.getConnections((error, connections) => {
    const message: ServerSample = {
      type: 'sample',
      heapUsed: process.memoryUsage().heapUsed,
      resources: process.getActiveResourcesInfo(),
      connections: error === null ? connections : -1,
    };
    process.send?.(message);
  });
}

process.on('message', (message: SoakMessage) => {
  switch (message.type) {
    case 'sample':
      sample(message.gc);
      break;
    case 'maintenance':
      if (message.on) operatorSwitch.on();
      else operatorSwitch.off();
      break;
    case 'counters':
      process.send?.({ type: 'counters', counters });
      break;
  }
});
process.on('disconnect', () => process.exit(0));

server.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'listening', port: (server.address() as AddressInfo).port });
});
