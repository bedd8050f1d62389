/**
 * The soak's mixed workload: each kind of request sent to the demo app, how
 * often, and which statuses it may legitimately get. The mix is a fixed,
 * interleaved sequence that all workers walk together.
 */
import { randomBytes } from 'node:crypto';
import { API_VERSIONS, CRASH_MESSAGE, DEMO_API_KEYS } from '../examples/accounts/app.js';
import { SOAK_REPORT_TIMEOUT_MS } from './soak-protocol.js';

/** One kind of request. */
export interface RequestKind {
  /** Its row in the summary, e.g. `success: GET /accounts`. */
  readonly name: string;
  /** How many times it appears in one turn of the mix. */
  readonly weight: number;
  readonly method: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** The statuses it may get outside maintenance. */
  readonly expect: readonly number[];
  /**
   * Answered before the demo's `maintenance()` (by `envelope()`'s own checks,
   * or skipped by it): no 503 in a maintenance window.
   */
  readonly beforeMaintenance?: boolean;
  /** Send a fresh valid `traceparent`; its trace id must be the answer's. */
  readonly traceparent?: boolean;
  /** `GET /whoami`: `data.trace_id` (what the handler saw) must equal the header. */
  readonly whoami?: boolean;
  /**
   * Send a fresh `X-Request-Id` (a header the demo trusts), and give up on
   * the request after this many milliseconds: the client goes away while the
   * handler still works. Its id tells the access log's entry apart.
   */
  readonly abandonAfterMs?: number;
  /** Declare a body larger than the server accepts and send none; the 413 comes on its own connection. */
  readonly oversized?: boolean;
  /** Items in a batch body: the answer must hold as many results. */
  readonly batchItems?: number;
  /** Internal details (parts of the thrown message, a stack frame) the answer must never show. */
  readonly secrets?: readonly string[];
}

const JSON_BODY = { 'Content-Type': 'application/json' };
const [OLDEST_VERSION] = API_VERSIONS;
const [ADMIN_KEY, READER_KEY] = Object.keys(DEMO_API_KEYS);

/**
 * One fixed email that succeeds once (the first batch) and is EMAIL_TAKEN
 * afterwards, an invalid item, and a seeded email: mixed results that never
 * grow the store, so a growing heap means a leak, not more accounts.
 */
const BATCH = JSON.stringify([
  { name: 'Lin Soak', email: 'lin.soak@example.com' },
  { name: '', email: 'x' },
  { name: 'Ada Again', email: 'ada@example.com' },
]);

/** What `GET /debug/crash` throws, in part, and the indent of a stack frame. */
const CRASH_SECRETS = [CRASH_MESSAGE, 'db-primary.internal', 'ECONNREFUSED', '    at '];

/** The longest a handler of the mix works (the report the client gives up on): wait this long before sampling the heap. */
export const SLOWEST_HANDLER_MS = SOAK_REPORT_TIMEOUT_MS * 4;

/** A traceparent that is not valid (all-zero trace id): it must be ignored, never echoed. */
const INVALID_TRACEPARENT = '00-00000000000000000000000000000000-00f067aa0ba902b7-01';

/** The mix, roughly in per cent of the requests. */
export const KINDS: readonly RequestKind[] = [
  { name: 'success: GET /accounts', weight: 12, method: 'GET', path: '/accounts', expect: [200] },
  { name: 'success: GET /accounts/acc_1', weight: 12, method: 'GET', path: '/accounts/acc_1', expect: [200] },
  {
    name: 'success: oldest version (warnings)',
    weight: 3,
    method: 'GET',
    path: '/accounts/acc_1',
    headers: { 'X-API-Version': OLDEST_VERSION },
    expect: [200],
  },
  { name: 'validation: POST /accounts bad body', weight: 8, method: 'POST', path: '/accounts', headers: JSON_BODY, body: '{"email":"nope"}', expect: [400] },
  { name: 'crash: GET /debug/crash', weight: 8, method: 'GET', path: '/debug/crash', expect: [500], secrets: CRASH_SECRETS },
  { name: 'unknown route: GET /nowhere', weight: 6, method: 'GET', path: '/nowhere', expect: [400] },
  { name: 'unknown route: POST /v2/accounts', weight: 2, method: 'POST', path: '/v2/accounts', headers: JSON_BODY, body: '{}', expect: [400] },
  { name: 'wrong method: DELETE /accounts', weight: 4, method: 'DELETE', path: '/accounts', expect: [400] },
  { name: 'wrong method: PUT /accounts/acc_1', weight: 4, method: 'PUT', path: '/accounts/acc_1', headers: JSON_BODY, body: '{}', expect: [400] },
  { name: 'batch: POST /accounts/batch (3 mixed)', weight: 6, method: 'POST', path: '/accounts/batch', headers: JSON_BODY, body: BATCH, expect: [200], batchItems: 3 },
  { name: 'throttled: GET /accounts/search?q=a', weight: 8, method: 'GET', path: '/accounts/search?q=a', expect: [200, 429] },
  { name: 'traceparent: GET /accounts/acc_2', weight: 4, method: 'GET', path: '/accounts/acc_2', expect: [200], traceparent: true },
  { name: 'whoami: GET /whoami', weight: 4, method: 'GET', path: '/whoami', expect: [200], whoami: true },
  { name: 'whoami + traceparent', weight: 2, method: 'GET', path: '/whoami', expect: [200], whoami: true, traceparent: true },
  { name: 'invalid traceparent: GET /accounts', weight: 2, method: 'GET', path: '/accounts', headers: { traceparent: INVALID_TRACEPARENT }, expect: [200] },
  { name: 'auth: GET /admin/stats, no key', weight: 2, method: 'GET', path: '/admin/stats', expect: [401] },
  { name: 'auth: GET /admin/stats, reader key', weight: 2, method: 'GET', path: '/admin/stats', headers: { 'X-API-Key': READER_KEY ?? '' }, expect: [403] },
  { name: 'auth: GET /admin/stats, admin key', weight: 1, method: 'GET', path: '/admin/stats', headers: { 'X-API-Key': ADMIN_KEY ?? '' }, expect: [200] },
  {
    name: 'media type: POST /accounts text/plain',
    weight: 2,
    method: 'POST',
    path: '/accounts',
    headers: { 'Content-Type': 'text/plain' },
    body: 'name=Ada',
    expect: [415],
    beforeMaintenance: true,
  },
  { name: 'too large: declared 200 MB body', weight: 1, method: 'POST', path: '/accounts', headers: JSON_BODY, expect: [413], oversized: true, beforeMaintenance: true },
  {
    name: 'version: unsupported X-API-Version',
    weight: 1,
    method: 'GET',
    path: '/accounts',
    headers: { 'X-API-Version': '1999-01-01' },
    expect: [400],
    beforeMaintenance: true,
  },
  { name: 'OPTIONS /accounts', weight: 1, method: 'OPTIONS', path: '/accounts', expect: [200], beforeMaintenance: true },
  {
    name: `timeout: report slower than ${SOAK_REPORT_TIMEOUT_MS} ms`,
    weight: 1,
    method: 'GET',
    path: `/reports/monthly?delay=${SOAK_REPORT_TIMEOUT_MS * 2}`,
    expect: [504],
  },
  {
    name: 'client gives up: slow report, after 5 ms',
    weight: 1,
    method: 'GET',
    path: `/reports/monthly?delay=${SLOWEST_HANDLER_MS}`,
    // Only if the answer comes before the client leaves: a 503 in maintenance, or a 504 under a stalled event loop.
    expect: [504],
    abandonAfterMs: 5,
  },
  // A GC pause or a busy loop can push even a quick report past the timeout.
  { name: 'report: GET /reports/monthly?delay=0', weight: 1, method: 'GET', path: '/reports/monthly?delay=0', expect: [200, 504] },
  { name: 'health: GET /health', weight: 1, method: 'GET', path: '/health', expect: [200], beforeMaintenance: true },
];

/**
 * One turn of the mix: each kind `weight` times, spread out by smooth
 * weighted round-robin, so frequent kinds never come in long runs.
 */
export function buildMix(kinds: readonly RequestKind[]): readonly RequestKind[] {
  const total = kinds.reduce((sum, kind) => sum + kind.weight, 0);
  const current = kinds.map(() => 0);
  const mix: RequestKind[] = [];
  for (let slot = 0; slot < total; slot++) {
    let best = 0;
    for (let k = 0; k < kinds.length; k++) {
      current[k] = (current[k] as number) + (kinds[k] as RequestKind).weight;
      if ((current[k] as number) > (current[best] as number)) best = k;
    }
    current[best] = (current[best] as number) - total;
    mix.push(kinds[best] as RequestKind);
  }
  return mix;
}

let requestIds = 0;

/** A fresh `X-Request-Id`, which is then the request's trace id. */
export function freshRequestId(): string {
  requestIds += 1;
  return `soak-${process.pid}-${requestIds}-${randomBytes(4).toString('hex')}`;
}

/** A fresh W3C traceparent, and the trace id the library must make of it (the 32 hex digits as a UUID). */
export function freshTraceparent(): { header: string; traceId: string } {
  let hex = randomBytes(16).toString('hex');
  while (/^0+$/.test(hex)) hex = randomBytes(16).toString('hex');
  const header = `00-${hex}-${randomBytes(8).toString('hex').replace(/^0{16}$/, '0000000000000001')}-01`;
  const traceId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { header, traceId };
}
