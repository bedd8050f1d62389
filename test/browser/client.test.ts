/**
 * kompliant-envelope/client in a real browser: the demo API (Express 5, its
 * default CORS) on one origin, a static page on a second origin (another
 * port of 127.0.0.1) that loads the client bundled for the browser with
 * esbuild, and Debian's Chromium, headless, driven with puppeteer-core. The
 * test asserts what the page saw: unwrap() data; a 400 as an EnvelopeError
 * whose traceId is the X-Trace-Id the page read; a JSON POST with the
 * client's headers through a preflight (seen by the server); a 429 whose
 * Retry-After the page read, retried after that wait and then answered; a
 * deprecated version's warning and its Deprecation, Sunset and Link headers.
 *
 * The bundle is built from src/ through tsconfig.json's paths, as every
 * other test imports the package: it tests the working tree without a build
 * (npm test does not build dist/), and esbuild's browser platform fails the
 * build if the client reaches for a Node built-in.
 *
 * Chromium: CHROMIUM_PATH, else the `chromium` on PATH, Debian's
 * /usr/bin/chromium (the suite's global setup installs Debian's package when
 * run as root). No screenshot is kept.
 */
import { execFileSync } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';
import express from 'express';
import puppeteer, { type Browser } from 'puppeteer-core';
import { createApp } from '../../examples/accounts/app.js';
import { UUID_V4 } from '../support/apps.js';
import { DEPRECATION_HEADERS, OLDEST, VERSION_DEPRECATED } from '../support/demo.js';
import type { PageReport } from './page.js';

const ROOT = join(__dirname, '..', '..');
/** CHROMIUM_PATH, else the `chromium` on PATH (Debian's: /usr/bin/chromium). */
const CHROMIUM = process.env['CHROMIUM_PATH'] || execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
/** The search window of the test's demo: one search per 2 s, so the second is a 429 with `Retry-After: 2` (1 on a slow run). */
const SEARCH_WINDOW_MS = 2000;
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const TRACE_ID_OF_TRACEPARENT = '4bf92f35-77b3-4da6-a3ce-929d0e0e4736';

jest.setTimeout(120_000);

/** A request as the demo's server received it. */
interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

function close(server: Server | undefined): Promise<void> {
  if (server === undefined || !server.listening) return Promise.resolve();
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

let api: Server | undefined;
let site: Server | undefined;
let browser: Browser | undefined;
let apiUrl: string;
let pageUrl: string;
const received: Received[] = [];
const reported: string[] = [];
let report: PageReport;
const pageProblems: string[] = [];

beforeAll(async () => {
  const bundle = await build({
    entryPoints: [join(__dirname, 'page.ts')],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    tsconfig: join(ROOT, 'tsconfig.json'),
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]?.text ?? '';
  expect(script).toContain('runClientScenarios');

  const app = createApp(express, {
    onError: (error) => reported.push(String(error)),
    searchRateLimit: { limit: 1, windowMs: SEARCH_WINDOW_MS },
  });
  api = createServer((req, res) => {
    received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    app(req, res);
  });
  apiUrl = await listen(api);

  const html = '<!doctype html><meta charset="utf-8"><title>kompliant-envelope client</title><script src="/page.js"></script>';
  site = createServer((req, res) => {
    if (req.url === '/favicon.ico') return void res.writeHead(204).end();
    const [type, body] = req.url === '/page.js' ? ['text/javascript', script] : req.url === '/' ? ['text/html', html] : ['text/plain', 'not found'];
    res.writeHead(body === 'not found' ? 404 : 200, { 'Content-Type': `${type}; charset=utf-8` });
    res.end(body);
  });
  pageUrl = `${await listen(site)}/`;
  expect(new URL(pageUrl).origin).not.toBe(new URL(apiUrl).origin);

  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    // As root, Chromium refuses to start with its sandbox.
    args: [...(isRoot ? ['--no-sandbox'] : []), '--disable-gpu', '--no-first-run'],
    timeout: 60_000,
    protocolTimeout: 60_000,
  });
  const page = await browser.newPage();
  page.on('pageerror', (error) => pageProblems.push(`page error: ${String(error)}`));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warn') pageProblems.push(`console.${message.type()}: ${message.text()}`);
  });
  page.on('requestfailed', (request) => pageProblems.push(`request failed: ${request.method()} ${request.url()} ${request.failure()?.errorText ?? ''}`));
  await page.goto(pageUrl, { waitUntil: 'load', timeout: 30_000 });
  report = await page.evaluate(
    (url: string) => (globalThis as unknown as { runClientScenarios: (url: string) => Promise<PageReport> }).runClientScenarios(url),
    apiUrl,
  );
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([close(api), close(site)]);
});

describe('kompliant-envelope/client in Chromium, calling the demo from another origin', () => {
  it('ran on the page’s own origin, without a CORS refusal, a failed request or a page error', () => {
    expect(report.origin).toBe(new URL(pageUrl).origin);
    // Chromium's console notes every error status it loads; a CORS refusal would be noted too.
    expect(pageProblems).toEqual([
      'console.error: Failed to load resource: the server responded with a status of 400 (Bad Request)',
      'console.error: Failed to load resource: the server responded with a status of 429 (Too Many Requests)',
    ]);
    // onError hears of every thrown error: the one 400 below, and no server error.
    expect(reported).toEqual(['ApiError: No account exists with this id.']);
  });

  it('unwrap() gives the data; the page reads X-Trace-Id and X-API-Version', () => {
    const [answer] = report.unwrap.attempts;
    expect(report.unwrap.attempts).toHaveLength(1);
    expect(answer?.status).toBe(200);
    expect(report.unwrap.data).toEqual({ id: 'acc_1', name: 'Ada Lovelace', email: 'ada@example.com' });
    expect(answer?.headers['X-Trace-Id']).toMatch(UUID_V4);
    expect(report.unwrap.traceId).toBe(answer?.headers['X-Trace-Id']);
    expect(answer?.headers['X-API-Version']).toBe('2025-06-01');
  });

  it('a 400 is an EnvelopeError whose traceId is the X-Trace-Id the page read', () => {
    const { attempts, ...error } = report.notFound;
    expect(attempts).toHaveLength(1);
    const header = attempts[0]?.headers['X-Trace-Id'];
    expect(header).toMatch(UUID_V4);
    expect(error).toEqual({
      isEnvelopeError: true,
      instanceOfEnvelopeError: true,
      name: 'EnvelopeError',
      status: 400,
      code: 'ACCOUNT_NOT_FOUND',
      errors: [{ code: 'ACCOUNT_NOT_FOUND', message: 'No account exists with this id.', account_id: 'acc_99' }],
      traceId: header,
    });
  });

  it('POSTs JSON with X-API-Key, X-API-Version and traceparent after a preflight the demo allowed', () => {
    expect(report.postJson.status).toBe(200);
    expect(report.postJson.data).toEqual({ id: 'acc_4', name: 'Lin Browser', email: 'lin@example.com' });
    // The demo trusts its gateway's traceparent: the page reads that trace id back.
    expect(report.postJson.traceId).toBe(TRACE_ID_OF_TRACEPARENT);
    expect(report.postJson.attempts.map((a) => [a.method, a.path, a.status, a.headers['X-Trace-Id']])).toEqual([
      ['POST', '/accounts', 200, TRACE_ID_OF_TRACEPARENT],
    ]);
    expect(report.adminStats.data).toEqual({ accounts: 4, api_key_role: 'admin' });

    const origin = new URL(pageUrl).origin;
    const toAccounts = received.filter((r) => r.url === '/accounts');
    expect(toAccounts.map((r) => r.method)).toEqual(['OPTIONS', 'POST']);
    const [preflight, post] = toAccounts;
    expect(preflight?.headers['origin']).toBe(origin);
    expect(preflight?.headers['access-control-request-method']).toBe('POST');
    expect(preflight?.headers['access-control-request-headers']).toBe('content-type,traceparent,x-api-key,x-api-version');
    expect(post?.headers['content-type']).toBe('application/json');
    expect(post?.headers['x-api-key']).toBe('demo-admin-key');
    expect(post?.headers['x-api-version']).toBe('2025-06-01');
    expect(post?.headers['traceparent']).toBe(TRACEPARENT);
    const adminPreflight = received.find((r) => r.method === 'OPTIONS' && r.url === '/admin/stats');
    expect(adminPreflight?.headers['access-control-request-headers']).toBe('x-api-key,x-api-version');
  });

  it('retries a 429 after the Retry-After the page read, then gets the answer', () => {
    const { attempts } = report.retried;
    expect(attempts.map((a) => [a.path, a.status])).toEqual([
      ['/accounts/search', 200],
      ['/accounts/search', 429],
      ['/accounts/search', 200],
    ]);
    const throttled = attempts[1];
    const retryAfter = throttled?.headers['Retry-After'] ?? '';
    expect(retryAfter).toMatch(/^[12]$/);
    expect(throttled?.headers['RateLimit']).toMatch(/^limit=1, remaining=0, reset=[12]$/);
    expect(throttled?.headers['RateLimit-Policy']).toBe('1;w=2');
    // The client waited as asked (a timer may fire a millisecond early).
    expect((attempts[2]?.at ?? 0) - (throttled?.at ?? 0)).toBeGreaterThanOrEqual(Number(retryAfter) * 1000 - 5);
    expect(report.retried.status).toBe(200);
    // The account the POST above made: the search answers from the same store.
    expect(report.retried.data).toEqual([{ id: 'acc_4', name: 'Lin Browser', email: 'lin@example.com' }]);
    expect(received.filter((r) => r.url.startsWith('/accounts/search')).map((r) => r.method)).toEqual(['GET', 'GET', 'GET']);
  });

  it('shows a deprecated version’s warning and its Deprecation, Sunset and Link headers', () => {
    expect(report.deprecated.version).toBe(OLDEST);
    expect(report.deprecated.data).toEqual({ id: 'acc_1', name: 'Ada Lovelace' });
    expect(report.deprecated.warnings).toEqual([VERSION_DEPRECATED]);
    // As the page reads them: by their names as sent.
    const expected = {
      Deprecation: DEPRECATION_HEADERS.deprecation,
      Sunset: DEPRECATION_HEADERS.sunset,
      Link: DEPRECATION_HEADERS.link,
    };
    expect(report.deprecated.headers).toEqual(expected);
    const [answer] = report.deprecated.attempts;
    expect(answer?.headers).toEqual({
      'X-Trace-Id': expect.stringMatching(UUID_V4),
      'X-API-Version': OLDEST,
      'Retry-After': null,
      RateLimit: null,
      'RateLimit-Policy': null,
      ...expected,
    });
  });
});
