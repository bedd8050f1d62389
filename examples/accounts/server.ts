/**
 * `npm start`: serves the demo API on Express 5, prints curl commands to
 * try, then one JSON access-log line per request.
 *
 * Environment:
 * - HOST: the address to listen on. Default 127.0.0.1.
 * - PORT: the port, 0 to 65535 (0 picks a free one). Default 3000.
 * - MAINTENANCE: 1 starts in maintenance (SIGUSR2 toggles it), 0 not. Default 0.
 * - CORS_ORIGINS: the browser origins allowed to call the API, separated by
 *   commas; `http://host:*` allows any port of a host. Default
 *   `http://localhost:*,http://127.0.0.1:*` (local development only).
 *
 * When it cannot start (a bad setting, a busy port, no permission), it
 * prints one line naming the address and the cause, and exits with 1.
 */
import { createServer } from 'node:http';
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
  DEFAULT_CORS_ORIGINS,
  createApp,
  logAccess,
  parseOrigins,
  type DemoOrigin,
} from './app.js';

const OLDEST_VERSION = API_VERSIONS[0];
const LATEST_VERSION = API_VERSIONS[API_VERSIONS.length - 1] as string;
/** An example W3C traceparent, as a gateway would send it. */
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

/** A start-up failure: the one line printed, without a stack. */
class StartError extends Error {}

function readPort(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 3000;
  const port = Number(raw);
  if (!/^\d{1,5}$/.test(raw) || port > 65535) {
    throw new StartError(`PORT must be a whole number from 0 to 65535 (0 picks a free port), got ${JSON.stringify(raw)}`);
  }
  return port;
}

function readMaintenance(raw: string | undefined): boolean {
  if (raw === undefined || raw === '' || raw === '0') return false;
  if (raw === '1') return true;
  throw new StartError(`MAINTENANCE must be 1 (on) or 0 (off), got ${JSON.stringify(raw)}`);
}

function readCorsOrigins(raw: string | undefined): DemoOrigin[] {
  try {
    return parseOrigins(raw === undefined || raw.trim() === '' ? DEFAULT_CORS_ORIGINS : raw);
  } catch (error) {
    throw new StartError((error as Error).message.replace(/\.$/, ''));
  }
}

/** Why listen() failed, in words, with what to do; the error's own message for anything else. */
function listenFailure(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'EADDRINUSE':
      return 'the port is already in use (EADDRINUSE); stop what listens there, or pick another PORT (PORT=0 picks a free one)';
    case 'EACCES':
    case 'EPERM':
      return `permission denied (${error.code}); ports below 1024 need root or CAP_NET_BIND_SERVICE, pick a PORT from 1024`;
    case 'EADDRNOTAVAIL':
      return 'no network interface of this machine has that address (EADDRNOTAVAIL); check HOST';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NONAME':
      return `the host name does not resolve (${error.code}); check HOST`;
    default:
      return error.message;
  }
}

/** Prints the one line of a failed start and exits with 1. */
function failToStart(address: string, cause: string): never {
  process.stderr.write(`accounts demo: cannot listen on ${address}: ${cause}\n`);
  process.exit(1);
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
    [`curl -s ${url}/openapi.json`, 'the OpenAPI 3.1 document generated from the app (npm run openapi writes it to a file)'],
  ];
  // Align the comments, except behind a command too long to align with.
  const width = Math.max(...tries.map(([command]) => (command.length <= 90 ? command.length : 0)));
  return tries.map(([command, what]) => `  ${command.padEnd(width)}  # ${what}`).join('\n');
}

const host = process.env['HOST'] || '127.0.0.1';
/** The address as the user asked for it, for the failure line. */
const asked = `${host.includes(':') ? `[${host}]` : host}:${process.env['PORT'] || '3000'}`;
let port: number;
let startInMaintenance: boolean;
let corsOrigins: DemoOrigin[];
try {
  port = readPort(process.env['PORT']);
  startInMaintenance = readMaintenance(process.env['MAINTENANCE']);
  corsOrigins = readCorsOrigins(process.env['CORS_ORIGINS']);
} catch (error) {
  failToStart(asked, error instanceof StartError ? error.message : String(error));
}

/** Only the operator flips it: MAINTENANCE=1 at start, then SIGUSR2. */
const maintenance = maintenanceSwitch(startInMaintenance);
const maintenanceState = () => (maintenance.isOn() ? 'ON (every route but /health answers 503)' : 'off');

// Not app.listen(callback): Express 5 calls that callback with a listen error too,
// Express 4 never does. Listening on the server itself reads the same on both.
const server = createServer(createApp(express, { maintenance, onResponse: logAccess, corsOrigins }));
const onListenError = (error: NodeJS.ErrnoException) => failToStart(asked, listenFailure(error));
server.once('error', onListenError);
server.listen(port, host, () => {
  server.off('error', onListenError);
  const url = urlOf(server.address() as AddressInfo);
  process.stdout.write(
    `accounts demo (kompliant-envelope), API versions ${API_VERSIONS.join(', ')}\n` +
      `listening on ${url}, pid ${process.pid}, maintenance ${maintenanceState()}\n` +
      `API keys: ${Object.entries(DEMO_API_KEYS).map(([key, role]) => `${key} (${role})`).join(', ')}\n` +
      `Browser pages may call it from ${process.env['CORS_ORIGINS']?.trim() || DEFAULT_CORS_ORIGINS} (CORS_ORIGINS)\n` +
      `Try (add -i to see the X-Trace-Id and X-API-Version headers):\n${tryLines(url)}\n` +
      'Access log, one JSON line per request:\n',
  );
});

// Requests Node cannot parse (oversized headers, broken HTTP) never reach Express:
// without this, Node answers them in plain text with 431 or 400.
server.on('clientError', clientErrorHandler({ version: LATEST_VERSION }));

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
