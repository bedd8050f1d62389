/**
 * The demo API that `npm start` serves: a small "accounts" service that
 * answers every request — success, batch, validation error, auth failure,
 * throttling, maintenance, timeout, crash, unknown route — with the
 * library's envelope, versioned by `X-API-Version` and traced across
 * services.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { Express } from 'express';
import type expressModule from 'express';
import {
  asyncHandler,
  batch,
  envelope,
  errorHandler,
  ok,
  requestContext,
  warn,
  type Deprecation,
  type ErrorReporter,
  type ResponseReport,
} from 'kompliant-envelope';
import { authenticate, authorize, principalOf } from 'kompliant-envelope/auth';
import { maintenance, maintenanceSwitch, type MaintenanceSwitch } from 'kompliant-envelope/maintenance';
import { describe, openApiHandler } from 'kompliant-envelope/openapi';
import { rateLimit, type RateLimitOptions } from 'kompliant-envelope/rate-limit';
import { timeout } from 'kompliant-envelope/timeout';
import { traceHeaders } from 'kompliant-envelope/tracing';
import { versioned } from 'kompliant-envelope/versioning';
import { AccountErrors, AccountStore, type Account } from './account-store.js';
import { DEFAULT_CORS_ORIGINS, demoCors, parseOrigins, type DemoOrigin } from './cors.js';
import { verifyApiKey, type ApiKeyPrincipal } from './api-keys.js';
import { parseDelay, parseNewAccount, parseSearchQuery } from './input.js';
import { OPENAPI_INFO, OPENAPI_SERVERS, OPENAPI_TAGS } from './openapi.js';
import {
  AccountSchema,
  AccountSummarySchema,
  BatchEchoSchema,
  HealthSchema,
  NewAccountSchema,
  ReportSchema,
  StatsSchema,
  WhoAmISchema,
} from './schemas.js';

export { DEMO_API_KEYS, type ApiKeyPrincipal, type ApiKeyRole } from './api-keys.js';
export { accessLogLine, logAccess } from './access-log.js';
export { MAX_REPORT_DELAY_MS } from './input.js';
export { ALLOWED_REQUEST_HEADERS, DEFAULT_CORS_ORIGINS, parseOrigins, type DemoOrigin } from './cors.js';

/** The Express factory: `express` (5) or `express4`. */
export type ExpressFactory = typeof expressModule;

/** The API versions, oldest first. In the oldest, every account carries its `fax`. */
export const API_VERSIONS = ['2024-01-01', '2025-06-01'] as const;

/**
 * The oldest version is deprecated since the latest came out: each of its
 * answers carries an `API_VERSION_DEPRECATED` warning and the `Deprecation`,
 * `Sunset` and `Link` headers.
 */
export const DEPRECATIONS: Readonly<Record<string, Deprecation>> = Object.freeze({
  [API_VERSIONS[0]]: { since: API_VERSIONS[1], sunset: '2027-12-31', link: 'https://example.com/docs/upgrade-2025-06-01' },
});

/** What `GET /debug/crash` throws: an internal detail the client must never see. */
export const CRASH_MESSAGE = 'connect ECONNREFUSED db-primary.internal:5432 (pool "accounts_rw" exhausted)';

/** `GET /accounts/search` allows this many requests per client and window. */
export const SEARCH_LIMIT = 5;
/** The window of `SEARCH_LIMIT`, in milliseconds. */
export const SEARCH_WINDOW_MS = 10_000;
/** How long `GET /reports/monthly` may take before it answers 504, in milliseconds. */
export const REPORT_TIMEOUT_MS = 2_000;
/** The `Retry-After` of the maintenance 503, in seconds. */
export const MAINTENANCE_RETRY_AFTER = 300;

/** Options of `createApp()`. */
export interface DemoOptions {
  /** Where errors are reported. @default one JSON line on stderr per 5xx or late error */
  readonly onError?: ErrorReporter;
  /**
   * The operator's maintenance switch: while on, every request but
   * `GET /health` answers 503 — except what `envelope()` answers before it
   * (OPTIONS, and its own 413, 415 and version refusals). @default a new switch, off
   */
  readonly maintenance?: MaintenanceSwitch;
  /**
   * Overrides for the throttling of `GET /accounts/search`, e.g. a `store`
   * (tests inject a deterministic one; several instances would share a Redis
   * one). @default `{ limit: SEARCH_LIMIT, windowMs: SEARCH_WINDOW_MS }` in memory
   */
  readonly searchRateLimit?: Pick<RateLimitOptions, 'limit' | 'windowMs' | 'store'>;
  /** How long `GET /reports/monthly` may take, in milliseconds. @default REPORT_TIMEOUT_MS */
  readonly reportTimeoutMs?: number;
  /**
   * Called once per request, with its trace id, status, code and whether the
   * client left before the answer (`aborted`): the access log. `server.ts`
   * passes `logAccess` (one JSON line on stdout).
   * @default none (silent, as tests want it)
   */
  readonly onResponse?: (report: ResponseReport) => void;
  /**
   * The browser origins allowed to call the demo (CORS); `server.ts` reads
   * them from `CORS_ORIGINS` with `parseOrigins()`.
   * @default any port of http://localhost and http://127.0.0.1 (`DEFAULT_CORS_ORIGINS`)
   */
  readonly corsOrigins?: readonly DemoOrigin[];
}

/** The default `onError`: one line per 5xx (or late) error, with the trace_id to find it by. */
export const logServerError: ErrorReporter = (error, report) => {
  if (report.status < 500 && !report.late) return;
  // JSON.stringify escapes newlines, so a multi-line message still makes one log line.
  const line = JSON.stringify({
    level: 'error',
    trace_id: report.traceId,
    status: report.status,
    code: report.code,
    method: report.method,
    path: report.path,
    late: report.late,
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  });
  process.stderr.write(`${line}\n`);
};

/** An account as clients see it; `fax` only when asked for, with a deprecation warning. */
function present(account: Account, withFax: boolean) {
  const { fax, ...current } = account;
  if (!withFax) return current;
  warn('FIELD_DEPRECATED', 'The `fax` field is deprecated and will be removed; use `email`.', { field: 'fax' });
  return { ...current, fax };
}

/**
 * Builds the demo app on the given Express (4 or 5), with a fresh store
 * and, unless one is given, a fresh rate-limit count and maintenance switch.
 *
 * @example
 * ```ts
 * import express from 'express';
 * const maintenance = maintenanceSwitch();
 * createApp(express, { maintenance }).listen(3000);
 * process.on('SIGUSR2', () => (maintenance.isOn() ? maintenance.off() : maintenance.on()));
 * ```
 */
export function createApp(
  express: ExpressFactory,
  {
    onError = logServerError,
    maintenance: operatorSwitch = maintenanceSwitch(),
    searchRateLimit = {},
    reportTimeoutMs = REPORT_TIMEOUT_MS,
    onResponse,
    corsOrigins = parseOrigins(DEFAULT_CORS_ORIGINS),
  }: DemoOptions = {},
): Express {
  const store = new AccountStore();
  const app = express();
  app.disable('x-powered-by');

  // Before envelope(): preflights are answered here (200, no envelope), and
  // envelope()'s own answers (413, 415, version) carry the CORS headers too.
  app.use(demoCors(corsOrigins));
  app.use(
    envelope({
      versions: API_VERSIONS,
      deprecations: DEPRECATIONS,
      // Only because the demo pretends to sit behind a trusted gateway that sets
      // (or strips) these headers: facing clients directly, a client would pick its own trace id.
      trustIncoming: ['traceparent', 'X-Request-Id'],
      ...(onResponse === undefined ? {} : { onResponse }),
    }),
  );
  // Before the body parser: in maintenance, nothing of the request is read.
  app.use(
    maintenance({
      enabled: operatorSwitch.isOn,
      retryAfter: MAINTENANCE_RETRY_AFTER,
      // A load balancer that saw 503 here would take the instance out; it is up, only closed.
      skip: (req) => req.path === '/health',
    }),
  );
  app.use(express.json());

  // Keyed by client IP, counted in this process's memory. Several instances
  // behind a load balancer need one shared count: pass
  // `store: new RedisStore({ sendCommand: (...args: string[]) => redis.sendCommand(args) })`
  // from rate-limit-redis (with a node-redis client). Behind a proxy, set
  // Express's `trust proxy` so the IP is the client's, not the proxy's.
  const searchLimiter = rateLimit({ limit: SEARCH_LIMIT, windowMs: SEARCH_WINDOW_MS, ...searchRateLimit });
  const adminOnly = [
    authenticate<ApiKeyPrincipal>({ headers: ['X-API-Key'], verify: verifyApiKey, message: 'The API key is not valid.' }),
    authorize<ApiKeyPrincipal>((_req, caller) => caller?.role === 'admin', {
      message: 'This endpoint needs an API key with the admin role.',
      extra: { required_role: 'admin' },
    }),
  ];

  app.get(
    '/health',
    describe({ summary: 'Whether the service is up', tags: ['operations'], operationId: 'health', data: HealthSchema }),
    (_req, res) => ok(res, { up: true, maintenance: operatorSwitch.isOn() }),
  );
  // The raw OpenAPI document of this app (not an envelope: tools read it as it is), made on the first request.
  app.get('/openapi.json', openApiHandler(app, { info: OPENAPI_INFO, servers: OPENAPI_SERVERS, tags: OPENAPI_TAGS }));

  app.get(
    '/accounts',
    describe({ summary: 'List the accounts', tags: ['accounts'], operationId: 'listAccounts', data: z.array(AccountSchema) }),
    asyncHandler(async (_req, res) => ok(res, (await store.list()).map((account) => present(account, false)))),
  );

  app.post(
    '/accounts',
    describe({ summary: 'Create an account', tags: ['accounts'], operationId: 'createAccount', body: NewAccountSchema, data: AccountSchema }),
    asyncHandler(async (req, res) => {
      // Express 5 leaves req.body undefined when there is no body; Express 4 makes it {}.
      const account = await store.create(parseNewAccount(req.body ?? {}));
      // 200, never 201: the spec answers every success with 200.
      ok(res, present(account, false));
    }),
  );

  // Before `/accounts/:id`, which would otherwise take "search" for an id.
  app.get(
    '/accounts/search',
    describe({
      summary: 'Search accounts by name or email',
      tags: ['accounts'],
      operationId: 'searchAccounts',
      query: z.object({ q: z.string().min(1).max(100) }),
      data: z.array(AccountSchema),
    }),
    searchLimiter,
    asyncHandler(async (req, res) => {
      const query = parseSearchQuery(req.query['q']);
      const found = (await store.list()).filter(
        (account) => account.name.toLowerCase().includes(query) || account.email.toLowerCase().includes(query),
      );
      ok(res, found.map((account) => present(account, false)));
    }),
  );

  app.post(
    '/accounts/batch',
    describe({
      summary: 'Create up to 100 accounts in one request',
      tags: ['accounts'],
      operationId: 'createAccounts',
      batch: true,
      items: NewAccountSchema,
      data: AccountSchema,
      echo: BatchEchoSchema,
    }),
    asyncHandler((req, res) =>
      batch(res, req.body, async (item: unknown) => present(await store.create(parseNewAccount(item)), false), {
        echo: (item: unknown) => ({ email: emailOf(item) }),
        maxItems: 100,
      }),
    ),
  );

  app.get(
    '/accounts/:id',
    describe({
      summary: 'One account',
      description: 'With `include=fax`, or on the oldest API version, the account carries its legacy `fax` and a FIELD_DEPRECATED warning.',
      tags: ['accounts'],
      operationId: 'getAccount',
      query: z.object({ include: z.enum(['fax']).optional() }),
      data: AccountSchema,
    }),
    asyncHandler(async (req, res) => {
      const account = await findAccount(store, req.params['id'] as string);
      // The oldest version always carried the legacy fax; later ones only on request.
      const withFax = req.query['include'] === 'fax' || requestContext()?.version === API_VERSIONS[0];
      ok(res, present(account, withFax));
    }),
  );

  // A breaking change of shape: each version keeps its own small handler.
  app.get(
    '/accounts/:id/summary',
    describe({ summary: "An account's summary, in the shape of the requested version", tags: ['accounts'], operationId: 'getAccountSummary', data: AccountSummarySchema }),
    versioned({
      '2024-01-01': async (req, res) => {
        const { id, name } = await findAccount(store, req.params['id'] as string);
        ok(res, { id, name });
      },
      '2025-06-01': async (req, res) => {
        const { id, name, email } = await findAccount(store, req.params['id'] as string);
        ok(res, { id, display_name: name, contact: { email } });
      },
    }),
  );

  app.get(
    '/admin/stats',
    describe({ summary: 'Account statistics (admin API key)', tags: ['admin'], operationId: 'getStats', data: StatsSchema }),
    ...adminOnly,
    asyncHandler(async (req, res) => {
      const caller = principalOf<ApiKeyPrincipal>(req);
      ok(res, { accounts: await store.count(), api_key_role: caller?.role });
    }),
  );

  app.get(
    '/reports/monthly',
    describe({
      summary: 'The monthly report',
      tags: ['reports'],
      operationId: 'getMonthlyReport',
      query: z.object({ delay: z.string().regex(/^\d{1,6}$/).optional() }),
      data: ReportSchema,
    }),
    timeout(reportTimeoutMs),
    asyncHandler(async (req, res) => {
      const delay = parseDelay(req.query['delay']);
      // Stands in for a slow query. Real work would stop early once hasTimedOut(res)
      // is true; this one answers anyway, to show that the library drops the late
      // answer (and reports it to onError with late: true) instead of crashing.
      await sleep(delay, undefined, { ref: false });
      ok(res, { period: 'monthly', accounts: await store.count(), took_ms: delay });
    }),
  );

  app.get('/debug/crash', describe({ summary: 'Always fails: shows a 500 without internals', tags: ['operations'], operationId: 'crash' }), () => {
    throw new Error(CRASH_MESSAGE);
  });

  app.get(
    '/whoami',
    describe({ summary: "The request's trace id and version, and the headers a call onward would send", tags: ['operations'], operationId: 'whoAmI', data: WhoAmISchema }),
    asyncHandler(async (_req, res) => {
      await sleep(5);
      // Read after the await, from AsyncLocalStorage: no `req` or `res` needed.
      const context = requestContext();
      // What a call to another service would send to join this trace:
      // `fetch(billingUrl, { headers: traceHeaders() })`.
      ok(res, { trace_id: context?.traceId, version: context?.version, forward: traceHeaders() });
    }),
  );

  app.use(errorHandler({ onError }));
  return app;
}

/** The account, or a 400 ACCOUNT_NOT_FOUND naming the id. */
async function findAccount(store: AccountStore, id: string): Promise<Account> {
  const account = await store.find(id);
  if (account === undefined) throw AccountErrors.ACCOUNT_NOT_FOUND({ account_id: id });
  return account;
}

/** The batch echo: the item's email, to correlate results; `null` when it has none. */
function emailOf(item: unknown): string | null {
  const email = item !== null && typeof item === 'object' ? (item as { email?: unknown }).email : undefined;
  return typeof email === 'string' ? email : null;
}
