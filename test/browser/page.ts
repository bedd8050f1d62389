/**
 * The browser test's page script: bundled with esbuild for Chromium and
 * served from a second origin, it calls the demo API with
 * `kompliant-envelope/client` and reports what the page saw, as plain JSON,
 * to the test (client.test.ts), which asserts on it. Its `fetch` is the
 * browser's, wrapped to note each answer's status and the headers the page
 * can read (null for a header CORS does not expose).
 */
import { createClient, isEnvelopeError, EnvelopeError, type FetchFunction } from 'kompliant-envelope/client';

/** One answer as the page's `fetch` saw it. */
export interface Attempt {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** `performance.now()` when the answer arrived, in ms. */
  readonly at: number;
  readonly headers: Readonly<Record<(typeof READ_HEADERS)[number], string | null>>;
}

/** The headers the page reads from every answer. */
const READ_HEADERS = ['X-Trace-Id', 'X-API-Version', 'Retry-After', 'RateLimit', 'RateLimit-Policy', 'Deprecation', 'Sunset', 'Link'] as const;

/** What the page saw: per scenario, the client's result and every answer its `fetch` got. */
export interface PageReport {
  readonly origin: string;
  readonly unwrap: { readonly data: unknown; readonly traceId: string | undefined; readonly attempts: readonly Attempt[] };
  readonly notFound: {
    readonly isEnvelopeError: boolean;
    readonly instanceOfEnvelopeError: boolean;
    readonly name: string;
    readonly status: number;
    readonly code: string | undefined;
    readonly errors: unknown;
    readonly traceId: string | undefined;
    readonly attempts: readonly Attempt[];
  };
  readonly postJson: { readonly status: number; readonly data: unknown; readonly traceId: string | undefined; readonly attempts: readonly Attempt[] };
  readonly adminStats: { readonly data: unknown; readonly attempts: readonly Attempt[] };
  readonly retried: { readonly status: number; readonly data: unknown; readonly attempts: readonly Attempt[] };
  readonly deprecated: {
    readonly data: unknown;
    readonly version: string | undefined;
    readonly warnings: unknown;
    readonly headers: Readonly<Record<string, string | null>>;
    readonly attempts: readonly Attempt[];
  };
}

/** The browser's fetch, noting each answer in `attempts`. */
function recordingFetch(attempts: Attempt[]): FetchFunction {
  return async (input, init) => {
    const response = await fetch(input, init);
    const headers = Object.fromEntries(READ_HEADERS.map((name) => [name, response.headers.get(name)])) as Attempt['headers'];
    attempts.push({ method: init.method ?? 'GET', path: new URL(input).pathname, status: response.status, at: performance.now(), headers });
    return response;
  };
}

/** A client of the demo at `apiUrl` whose answers go to a new attempts list. */
function clientOf(apiUrl: string, options: { version?: string; headers?: Record<string, string> } = {}) {
  const attempts: Attempt[] = [];
  return { api: createClient({ baseUrl: apiUrl, fetch: recordingFetch(attempts), timeoutMs: 10_000, ...options }), attempts };
}

/** A W3C traceparent, as the demo's trusted gateway would send it. */
export const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

async function run(apiUrl: string): Promise<PageReport> {
  const one = clientOf(apiUrl);
  const account = await one.api.get('/accounts/acc_1');
  const unwrap = { data: account.unwrap(), traceId: account.traceId, attempts: one.attempts };

  const missing = clientOf(apiUrl);
  let notFound: PageReport['notFound'] | undefined;
  try {
    (await missing.api.get('/accounts/acc_99')).unwrap();
  } catch (error) {
    const envelopeError = error as EnvelopeError;
    notFound = {
      isEnvelopeError: isEnvelopeError(error),
      instanceOfEnvelopeError: error instanceof EnvelopeError,
      name: envelopeError.name,
      status: envelopeError.status,
      code: envelopeError.errors[0]?.code,
      errors: envelopeError.errors,
      traceId: envelopeError.traceId,
      attempts: missing.attempts,
    };
  }
  if (notFound === undefined) throw new Error('GET /accounts/acc_99 did not throw');

  // Content-Type: application/json, X-API-Key, X-API-Version and traceparent: not a "simple" request, so a preflight goes first.
  const writer = clientOf(apiUrl, { version: '2025-06-01', headers: { 'X-API-Key': 'demo-admin-key', traceparent: TRACEPARENT } });
  const created = await writer.api.post('/accounts', { body: { name: 'Lin Browser', email: 'lin@example.com' } });
  const postJson = { status: created.status, data: created.unwrap(), traceId: created.traceId, attempts: writer.attempts };
  const admin = clientOf(apiUrl, { version: '2025-06-01', headers: { 'X-API-Key': 'demo-admin-key' } });
  const adminStats = { data: (await admin.api.get('/admin/stats')).unwrap(), attempts: admin.attempts };

  // The test's demo allows one search per second: the second is a 429, retried after its Retry-After.
  const searcher = clientOf(apiUrl);
  (await searcher.api.get('/accounts/search', { query: { q: 'ada' } })).unwrap();
  const searched = await searcher.api.get('/accounts/search', { query: { q: 'lin' } });
  const retried = { status: searched.status, data: searched.unwrap(), attempts: searcher.attempts };

  const old = clientOf(apiUrl, { version: '2024-01-01' });
  const summary = await old.api.get('/accounts/acc_1/summary');
  const deprecated = {
    data: summary.unwrap(),
    version: summary.version,
    warnings: summary.warnings,
    headers: { Deprecation: summary.headers.get('Deprecation'), Sunset: summary.headers.get('Sunset'), Link: summary.headers.get('Link') },
    attempts: old.attempts,
  };

  return { origin: location.origin, unwrap, notFound, postJson, adminStats, retried, deprecated };
}

declare const location: { readonly origin: string };
(globalThis as unknown as { runClientScenarios: typeof run }).runClientScenarios = run;
