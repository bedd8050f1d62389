/**
 * The soak's checks of every answer, and its tallies: requests by kind and
 * status with latency, violations by kind with a few examples, and the
 * ledger of trace ids seen (a repeat means an id crossed requests).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import { traceIdHash, type ServerCounters } from './soak-protocol.js';
import type { RequestKind } from './soak-workload.js';

/** Every HTTP status the spec allows. */
export const SPEC_STATUSES: ReadonlySet<number> = new Set([200, 400, 401, 403, 413, 415, 429, 500, 503, 504]);

/** What one request got: an answer, a transport error (reset, timeout), or nothing because the client gave up on purpose. */
export type Answer =
  | { readonly status: number; readonly headers: IncomingHttpHeaders; readonly body: string; readonly micros: number }
  | { readonly error: string; readonly micros: number }
  | { readonly abandoned: true; readonly micros: number };

/** Pseudo-statuses of the tallies. */
export const NO_ANSWER = -1;
export const ABANDONED = -2;

/** What was sent, for the checks that depend on it. */
export interface Sent {
  readonly kind: RequestKind;
  /** The trace id the answer must carry: that of the `traceparent` sent (as a UUID), or the `X-Request-Id` sent. */
  readonly traceId: string | undefined;
  /** Whether the server was (possibly) in maintenance while this request was under way. */
  readonly maintenance: boolean;
}

/** A kind of violation; each is counted, with its first examples kept. */
export type ViolationKind =
  | 'no answer'
  | 'not JSON'
  | 'no meta.status'
  | 'status outside the spec'
  | 'status unexpected for the route'
  | 'envelope shape'
  | 'X-Trace-Id missing'
  | 'meta.trace_id differs from X-Trace-Id'
  | 'trace id repeated'
  | 'handler trace id differs from X-Trace-Id'
  | 'forwarded trace id differs'
  | 'incoming trace id not reused'
  | 'meta.version differs from X-API-Version'
  | 'Retry-After missing'
  | 'internal detail leaked'
  | 'access log differs from answers'
  | 'late answers not reported';

export interface Violation {
  count: number;
  examples: { phase: string; kind: string; status: number | null; detail: string; body: string }[];
}

const MAX_EXAMPLES = 3;

/** One kind's row: how many, by status, and latency in microseconds. */
export interface KindStats {
  requests: number;
  byStatus: Map<number, number>;
  latency: RecordableHistogram;
}

/** The counts of one phase (warm-up or soak). */
export class PhaseStats {
  readonly byKind = new Map<string, KindStats>();
  requests = 0;

  constructor(readonly name: string) {}

  record(kind: RequestKind, status: number | null, micros: number): void {
    let stats = this.byKind.get(kind.name);
    if (stats === undefined) {
      stats = { requests: 0, byStatus: new Map(), latency: createHistogram() };
      this.byKind.set(kind.name, stats);
    }
    this.requests += 1;
    stats.requests += 1;
    const key = status ?? NO_ANSWER;
    stats.byStatus.set(key, (stats.byStatus.get(key) ?? 0) + 1);
    stats.latency.record(Math.max(1, Math.round(micros)));
  }
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);

function isErrorList(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((entry) => isObject(entry) && typeof entry['code'] === 'string' && entry['code'] !== '' && typeof entry['message'] === 'string')
  );
}

/** The envelope rules: 200 carries SUCCESS + data or BATCH_PROCESSED + results; any other status ERROR + errors. */
function shapeProblem(status: number, body: Json, meta: Json, kind: RequestKind): string | undefined {
  const metaStatus = meta['status'];
  if (status === 200) {
    if (metaStatus === 'SUCCESS') return 'data' in body ? undefined : 'SUCCESS without data';
    if (metaStatus === 'BATCH_PROCESSED') {
      const results = body['results'];
      if (!Array.isArray(results)) return 'BATCH_PROCESSED without results';
      if (kind.batchItems !== undefined && results.length !== kind.batchItems) return `${results.length} results for ${kind.batchItems} items`;
      const bad = results.findIndex((r) => !isObject(r) || (r['status'] === 'SUCCESS' ? !('data' in r) : r['status'] !== 'ERROR' || !isErrorList(r['errors'])));
      return bad === -1 ? undefined : `batch result ${bad} malformed`;
    }
    return `200 with meta.status ${JSON.stringify(metaStatus)}`;
  }
  if (metaStatus !== 'ERROR') return `${status} with meta.status ${JSON.stringify(metaStatus)}`;
  return isErrorList(body['errors']) ? undefined : `${status} without a valid errors list`;
}

const headerOf = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
};

/** Checks answers across phases; holds what must hold across all of them. */
export class Checker {
  readonly violations = new Map<ViolationKind, Violation>();
  /** Every trace id answered so far. */
  readonly traceIds = new Set<string>();
  /** The clients' side of the access-log comparison: answers, requests given up, checksum of their trace ids, by status. */
  answers = 0;
  abandoned = 0;
  traceSum = 0;
  readonly byStatus = new Map<number, number>();

  violate(phase: PhaseStats, kind: ViolationKind, sent: Sent | undefined, status: number | null, detail: string, body = ''): void {
    let entry = this.violations.get(kind);
    if (entry === undefined) {
      entry = { count: 0, examples: [] };
      this.violations.set(kind, entry);
    }
    entry.count += 1;
    if (entry.examples.length < MAX_EXAMPLES) {
      entry.examples.push({ phase: phase.name, kind: sent?.kind.name ?? '-', status, detail, body: body.slice(0, 300) });
    }
  }

  get violationCount(): number {
    let n = 0;
    for (const v of this.violations.values()) n += v.count;
    return n;
  }

  check(phase: PhaseStats, sent: Sent, answer: Answer): void {
    const { kind } = sent;
    if ('abandoned' in answer) {
      phase.record(kind, ABANDONED, answer.micros);
      this.abandoned += 1;
      // The server still logs it, under the X-Request-Id that was sent.
      if (sent.traceId !== undefined) {
        this.traceSum = (this.traceSum + traceIdHash(sent.traceId)) >>> 0;
        if (this.traceIds.has(sent.traceId)) this.violate(phase, 'trace id repeated', sent, null, `X-Request-Id ${sent.traceId} sent twice`);
        this.traceIds.add(sent.traceId);
      }
      return;
    }
    if ('error' in answer) {
      phase.record(kind, null, answer.micros);
      this.violate(phase, 'no answer', sent, null, answer.error);
      return;
    }
    const { status, headers, body: text } = answer;
    phase.record(kind, status, answer.micros);
    const fail = (what: ViolationKind, detail: string) => this.violate(phase, what, sent, status, detail, text);

    const header = headerOf(headers, 'x-trace-id');
    this.answers += 1;
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
    if (header !== undefined) this.traceSum = (this.traceSum + traceIdHash(header)) >>> 0;

    if (!SPEC_STATUSES.has(status)) fail('status outside the spec', `HTTP ${status}`);
    const allowed = kind.expect.includes(status) || (status === 503 && sent.maintenance && kind.beforeMaintenance !== true);
    if (!allowed) fail('status unexpected for the route', `HTTP ${status}, expected ${kind.expect.join('/')}${sent.maintenance ? ' (or 503)' : ''}`);
    if ((status === 429 || status === 503) && headerOf(headers, 'retry-after') === undefined) fail('Retry-After missing', `HTTP ${status}`);
    const leaked = kind.secrets?.find((secret) => text.includes(secret));
    if (leaked !== undefined) fail('internal detail leaked', `the answer shows ${JSON.stringify(leaked)}`);

    if (header === undefined) fail('X-Trace-Id missing', 'no X-Trace-Id header');
    else if (this.traceIds.has(header)) fail('trace id repeated', `X-Trace-Id ${header} answered before`);
    else this.traceIds.add(header);
    if (sent.traceId !== undefined && header !== sent.traceId) fail('incoming trace id not reused', `sent ${sent.traceId}, got ${header}`);

    const type = headerOf(headers, 'content-type') ?? '';
    let body: unknown;
    try {
      body = type.startsWith('application/json') ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (!isObject(body)) return fail('not JSON', `Content-Type ${JSON.stringify(type)}`);
    const meta = body['meta'];
    if (!isObject(meta) || typeof meta['status'] !== 'string') return fail('no meta.status', 'meta.status missing');

    const shape = shapeProblem(status, body, meta, kind);
    if (shape !== undefined) fail('envelope shape', shape);
    if (header !== undefined && meta['trace_id'] !== header) fail('meta.trace_id differs from X-Trace-Id', `meta ${String(meta['trace_id'])}, header ${header}`);
    if (meta['version'] !== headerOf(headers, 'x-api-version')) {
      fail('meta.version differs from X-API-Version', `meta ${String(meta['version'])}, header ${String(headers['x-api-version'])}`);
    }
    if (kind.whoami === true && status === 200) this.checkWhoami(fail, body['data'], header, sent.traceId);
  }

  /** `GET /whoami` answers what the handler read from requestContext() after an await, and the headers it would forward. */
  private checkWhoami(fail: (what: ViolationKind, detail: string) => void, data: unknown, header: string | undefined, sentTraceId: string | undefined): void {
    if (!isObject(data)) return fail('envelope shape', 'whoami without data');
    if (data['trace_id'] !== header) fail('handler trace id differs from X-Trace-Id', `handler saw ${String(data['trace_id'])}, header ${String(header)}`);
    const forward = data['forward'];
    if (!isObject(forward) || forward['X-Trace-Id'] !== header) {
      fail('forwarded trace id differs', `forward X-Trace-Id ${isObject(forward) ? String(forward['X-Trace-Id']) : '-'}, header ${String(header)}`);
    }
    const traceparent = isObject(forward) ? forward['traceparent'] : undefined;
    if (sentTraceId !== undefined && (typeof traceparent !== 'string' || traceparent.split('-')[1] !== sentTraceId.replace(/-/g, ''))) {
      fail('forwarded trace id differs', `forward traceparent ${String(traceparent)} does not continue ${sentTraceId}`);
    }
  }
}

/**
 * Compares the server's hooks with what the clients saw, over both phases.
 * `onResponse` logs every request once, those the clients gave up on
 * included, so: as many entries as requests, the same trace ids (checksum),
 * per status at least what the clients got, and no more "aborted" than
 * requests given up. `onError` gets one late report per 504: the timed-out
 * handler always answers later.
 */
export function compareServerHooks(checker: Checker, phase: PhaseStats, counters: ServerCounters): void {
  const problems: string[] = [];
  const requests = checker.answers + checker.abandoned;
  if (counters.responses !== requests) problems.push(`access log ${counters.responses} entries for ${requests} requests answered or given up`);
  if (counters.traceSum !== checker.traceSum) problems.push('the trace ids in the access log are not those the clients got (checksum differs)');
  for (const [status, n] of checker.byStatus) {
    const logged = counters.byStatus[status] ?? 0;
    if (logged < n) problems.push(`HTTP ${status}: access log ${logged}, clients got ${n}`);
  }
  if (counters.aborted > checker.abandoned) problems.push(`access log ${counters.aborted} aborted, clients gave up on ${checker.abandoned}`);
  for (const problem of problems) checker.violate(phase, 'access log differs from answers', undefined, null, problem);
  const timedOut = counters.byStatus[504] ?? 0;
  if (counters.lateErrors !== timedOut) {
    checker.violate(phase, 'late answers not reported', undefined, null, `${timedOut} answers were 504, onError got ${counters.lateErrors} late reports`);
  }
}
