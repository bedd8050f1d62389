/**
 * `npm start`: serves the demo API on Express 5, prints curl commands to
 * try, then one JSON access-log line per request. HOST defaults to
 * 127.0.0.1, PORT to 3000 (0 picks a free port); MAINTENANCE=1 starts in
 * maintenance, and SIGUSR2 toggles it.
 */
import type { AddressInfo } from 'node:net';
import express from 'express';
import { maintenanceSwitch } from 'kompliant-envelope/maintenance';
import { clientErrorHandler } from 'kompliant-envelope/node';
import {
  API_VERSIONS,
  DEMO_API_KEYS,
  REPORT_TIMEOUT_MS,
  SEARCH_LIMIT,
  SEARCH_WINDOW_MS,
  createApp,
  logAccess,
} from './app.js';

const OLDEST_VERSION = API_VERSIONS[0];
const LATEST_VERSION = API_VERSIONS[API_VERSIONS.length - 1] as string;
/** An example W3C traceparent, as a gateway would send it. */
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function readPort(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 3000;
  const port = Number(raw);
  if (!/^\d{1,5}$/.test(raw) || port > 65535) {
    throw new RangeError(`PORT must be a whole number from 0 to 65535, got ${JSON.stringify(raw)}.`);
  }
  return port;
}

function readMaintenance(raw: string | undefined): boolean {
  if (raw === undefined || raw === '' || raw === '0') return false;
  if (raw === '1') return true;
  throw new RangeError(`MAINTENANCE must be 1 (on) or 0 (off), got ${JSON.stringify(raw)}.`);
}

function urlOf(address: AddressInfo): string {
  // An IPv6 literal needs brackets in a URL.
  const hostname = address.address.includes(':') ? `[${address.address}]` : address.address;
  return `http://${hostname}:${address.port}`;
}

function tryLines(url: string): string {
  const [adminKey, readerKey] = Object.keys(DEMO_API_KEYS);
  const json = `-H 'Content-Type: application/json'`;
  const tries: [command: string, what: string][] = [
    [`curl -s ${url}/accounts`, 'success'],
    [`curl -s '${url}/accounts/acc_1?include=fax'`, 'success with a FIELD_DEPRECATED warning'],
    [`curl -s ${url}/accounts ${json} -d '{"email":"nope"}'`, '400, one VALIDATION_ERROR per field'],
    [
      `curl -s ${url}/accounts/batch ${json} -d '[{"name":"Lin","email":"lin@example.com"},{"name":"","email":"x"}]'`,
      'batch, mixed results',
    ],
    [`curl -s ${url}/admin/stats`, '401 MISSING_CREDENTIALS'],
    [`curl -s ${url}/admin/stats -H 'X-API-Key: ${readerKey}'`, '403 NOT_AUTHORIZED'],
    [`curl -s ${url}/admin/stats -H 'X-API-Key: ${adminKey}'`, 'success'],
    [
      `for i in $(seq ${SEARCH_LIMIT + 1}); do curl -s -w '\\n' '${url}/accounts/search?q=ada'; done`,
      `429 TOO_MANY_REQUESTS after ${SEARCH_LIMIT} searches in ${SEARCH_WINDOW_MS / 1000} s`,
    ],
    [`curl -s '${url}/reports/monthly?delay=3000'`, `504 GATEWAY_TIMEOUT after ${REPORT_TIMEOUT_MS / 1000} s (delay=500: success)`],
    [
      `kill -USR2 ${process.pid}; curl -s ${url}/accounts`,
      '503 SERVICE_UNAVAILABLE but /health; USR2 again ends it (or start with MAINTENANCE=1)',
    ],
    [`curl -s ${url}/debug/crash`, '500 INTERNAL_ERROR; the details are only in this log'],
    [`curl -s ${url}/nowhere`, '400 ROUTE_NOT_FOUND'],
    [`curl -s ${url}/accounts -H 'X-API-Version: 2023-01-01'`, '400 UNSUPPORTED_API_VERSION'],
    [
      `curl -si ${url}/accounts/acc_1/summary -H 'X-API-Version: ${OLDEST_VERSION}'`,
      'old shape; Deprecation, Sunset, Link and an API_VERSION_DEPRECATED warning',
    ],
    [`curl -s ${url}/whoami -H 'traceparent: ${TRACEPARENT}'`, 'trace_id 4bf92f35-77b3-… reused, and what a call onward would forward'],
  ];
  // Align the comments, except behind a command too long to align with.
  const width = Math.max(...tries.map(([command]) => (command.length <= 90 ? command.length : 0)));
  return tries.map(([command, what]) => `  ${command.padEnd(width)}  # ${what}`).join('\n');
}

const host = process.env['HOST'] || '127.0.0.1';
let port: number;
let startInMaintenance: boolean;
try {
  port = readPort(process.env['PORT']);
  startInMaintenance = readMaintenance(process.env['MAINTENANCE']);
} catch (error) {
  process.stderr.write(`accounts demo: ${(error as Error).message}\n`);
  process.exit(1);
}

/** Only the operator flips it: MAINTENANCE=1 at start, then SIGUSR2. */
const maintenance = maintenanceSwitch(startInMaintenance);
const maintenanceState = () => (maintenance.isOn() ? 'ON (every route but /health answers 503)' : 'off');

const server = createApp(express, { maintenance, onResponse: logAccess }).listen(port, host, () => {
  const url = urlOf(server.address() as AddressInfo);
  process.stdout.write(
    `accounts demo (kompliant-envelope), API versions ${API_VERSIONS.join(', ')}\n` +
      `listening on ${url}, pid ${process.pid}, maintenance ${maintenanceState()}\n` +
      `API keys: ${Object.entries(DEMO_API_KEYS).map(([key, role]) => `${key} (${role})`).join(', ')}\n` +
      `Try (add -i to see the X-Trace-Id and X-API-Version headers):\n${tryLines(url)}\n` +
      'Access log, one JSON line per request:\n',
  );
});

// Requests Node cannot parse (oversized headers, broken HTTP) never reach Express:
// without this, Node answers them in plain text with 431 or 400.
server.on('clientError', clientErrorHandler({ version: LATEST_VERSION }));

server.on('error', (error) => {
  process.stderr.write(`accounts demo: cannot listen on ${host}:${port}: ${error.message}\n`);
  process.exitCode = 1;
});

function shutDown(signal: NodeJS.Signals): void {
  process.stdout.write(`${signal}: closing\n`);
  server.close(() => process.exit(0));
  // Keep-alive connections would hold close() open: idle ones go now, busy ones once answered.
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 5000).unref();
}
process.once('SIGINT', shutDown);
process.once('SIGTERM', shutDown);

// Windows has no SIGUSR2.
if (process.platform !== 'win32') {
  process.on('SIGUSR2', () => {
    if (maintenance.isOn()) maintenance.off();
    else maintenance.on();
    process.stdout.write(`SIGUSR2: maintenance ${maintenanceState()}\n`);
  });
}
