/**
 * The soak's summary: a table on stdout, and bench/results/soak-<date>.json
 * plus soak-latest.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ABANDONED, NO_ANSWER, type Checker, type PhaseStats } from './soak-check.js';
import type { ServerCounters, ServerSample } from './soak-protocol.js';
import type { RequestKind } from './soak-workload.js';

/** Everything a run measured, and its verdict. */
export interface SoakResult {
  readonly date: string;
  readonly settings: Readonly<Record<string, number>>;
  readonly limits: { readonly maxHeapGrowth: number; readonly maxResourceGrowth: number };
  readonly kinds: readonly RequestKind[];
  readonly warmup: PhaseStats;
  readonly soak: PhaseStats;
  /** Seconds the soak phase took. */
  readonly elapsed: number;
  readonly checker: Checker;
  readonly before: ServerSample;
  readonly after: ServerSample;
  readonly counters: ServerCounters;
  /** Why the run failed; empty when it passed. */
  readonly failures: readonly string[];
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const mb = (bytes: number) => bytes / 2 ** 20;
const percent = (ratio: number) => `${ratio >= 0 ? '+' : ''}${(ratio * 100).toFixed(1)} %`;

function countBy(list: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of list) out[name] = (out[name] ?? 0) + 1;
  return out;
}

function statusesOf(byStatus: ReadonlyMap<number, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [status, n] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    out[status === NO_ANSWER ? 'no answer' : status === ABANDONED ? 'abandoned' : String(status)] = n;
  }
  return out;
}

const shown = (statuses: Record<string, number>) =>
  Object.entries(statuses)
    .map(([status, n]) => `${status}: ${fmt(n)}`)
    .join(', ');

/** Prints the summary and writes the JSON files; returns the path of the dated one. */
export function report(result: SoakResult): string {
  const { settings, limits, warmup, soak, elapsed, checker, before, after, counters, failures } = result;
  console.log(
    `soak: demo app on Express 5, ${settings['seconds']} s after a ${settings['warmupSeconds']} s warm-up, ` +
      `${settings['connections']} keep-alive connections, maintenance ${settings['maintenanceWindowMs']} ms every ${(settings['maintenanceEveryMs'] ?? 0) / 1000} s\n`,
  );
  console.log(`${'route kind'.padEnd(44)} ${'requests'.padStart(9)}  ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)}  statuses`);
  const kinds: Record<string, unknown>[] = [];
  const totals = new Map<number, number>();
  for (const kind of result.kinds) {
    const stats = soak.byKind.get(kind.name);
    if (stats === undefined) continue;
    for (const [status, n] of stats.byStatus) totals.set(status, (totals.get(status) ?? 0) + n);
    const statuses = statusesOf(stats.byStatus);
    const p50 = stats.latency.percentile(50) / 1000;
    const p99 = stats.latency.percentile(99) / 1000;
    kinds.push({ kind: kind.name, requests: stats.requests, statuses, p50Ms: p50, p99Ms: p99 });
    console.log(`${kind.name.padEnd(44)} ${fmt(stats.requests).padStart(9)}  ${p50.toFixed(2).padStart(7)} ${p99.toFixed(2).padStart(7)}  ${shown(statuses)}`);
  }
  const rps = soak.requests / elapsed;
  const statuses = statusesOf(totals);
  console.log(`${'total'.padEnd(44)} ${fmt(soak.requests).padStart(9)}  ${fmt(rps)} req/s over ${elapsed.toFixed(1)} s`);
  console.log(`${'by status'.padEnd(44)} ${shown(statuses)}`);
  console.log(`warm-up: ${fmt(warmup.requests)} requests, also checked; ${fmt(checker.traceIds.size)} distinct trace ids in all`);

  console.log(`\nviolations: ${checker.violationCount === 0 ? 'none' : fmt(checker.violationCount)}`);
  for (const [kind, v] of checker.violations) {
    console.log(`  ${kind}: ${fmt(v.count)}`);
    for (const e of v.examples) {
      console.log(`    e.g. [${e.phase}] ${e.kind} → ${e.status ?? '-'}: ${e.detail}${e.body === '' ? '' : `\n         ${e.body}`}`);
    }
  }
  const heapGrowth = after.heapUsed / before.heapUsed - 1;
  console.log(
    `heap after GC: ${mb(before.heapUsed).toFixed(2)} MB → ${mb(after.heapUsed).toFixed(2)} MB (${percent(heapGrowth)}, limit +${limits.maxHeapGrowth * 100} %)`,
  );
  console.log(
    `active resources: ${before.resources.length} → ${after.resources.length} (limit +${limits.maxResourceGrowth}); ` +
      `before ${JSON.stringify(countBy(before.resources))}, after ${JSON.stringify(countBy(after.resources))}`,
  );
  console.log(
    `server hooks: onResponse ${fmt(counters.responses)} entries (${fmt(counters.aborted)} aborted), ` +
      `onError ${fmt(counters.errorsReported)} reports (${fmt(counters.lateErrors)} late, for ${fmt(counters.byStatus[504] ?? 0)} answers 504)`,
  );
  console.log(`\n${failures.length === 0 ? 'PASS' : `FAIL: ${failures.join('; ')}`}`);

  const out = {
    date: result.date,
    node: process.version,
    settings,
    limits,
    requests: soak.requests,
    warmupRequests: warmup.requests,
    seconds: Number(elapsed.toFixed(2)),
    rps: Math.round(rps),
    statuses,
    kinds,
    distinctTraceIds: checker.traceIds.size,
    violationCount: checker.violationCount,
    violations: Object.fromEntries(checker.violations),
    heap: { beforeMB: Number(mb(before.heapUsed).toFixed(3)), afterMB: Number(mb(after.heapUsed).toFixed(3)), growth: Number(heapGrowth.toFixed(4)) },
    resources: { before: before.resources.length, after: after.resources.length, beforeByType: countBy(before.resources), afterByType: countBy(after.resources) },
    server: counters,
    passed: failures.length === 0,
    failures,
  };
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `soak-${result.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  writeFileSync(join(dir, 'soak-latest.json'), `${JSON.stringify(out, null, 2)}\n`);
  return file;
}
