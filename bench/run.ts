/**
 * `npm run bench`: each variant against its baseline. Both servers run at
 * once, each with its own open connections (bench/load.ts); a round loads
 * one, then the other, in short windows taken in turn (A B B A A B …) until
 * each side had BENCH_ROUND seconds, so the machine's drift hits both sides
 * of a round alike. A round's ratio is ours ÷ baseline in req/s over its
 * windows. Medians of req/s, latency and CPU per request, and the median of
 * the per-round ratios. Then
 * the cold start of the package root next to Express's. Prints a table and
 * writes bench/results/*.json. It measures the built package: run
 * `npm run build` first.
 *
 * Environment: BENCH_ROUND (seconds of load per side and round, default 2),
 * BENCH_WINDOW (seconds of each window, default 0.25), BENCH_ROUNDS (rounds
 * per row, default 5), BENCH_PAIRS (fresh pairs
 * of server processes the rounds of a row are spread over, default 1),
 * BENCH_PIN (0: do not pin the servers and the load generator to CPUs),
 * BENCH_CONNECTIONS (default 32), BENCH_SOAK (seconds of the heap soak,
 * default 60; 0 skips it), BENCH_ONLY (substrings of row names separated by
 * `|`; a row runs when its name contains one; the soak then runs only when
 * one of them is `soak`; the A/A row runs only when a part names `A/A`).
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Load, type RequestShape, type Window } from './load';

const WINDOW = Number(process.env['BENCH_WINDOW'] ?? 0.25);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const ROUND = Number(process.env['BENCH_ROUND'] ?? 2);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 32);
const SOAK = Number(process.env['BENCH_SOAK'] ?? 60);
const ONLY = process.env['BENCH_ONLY']?.split('|').map((part) => part.trim()).filter((part) => part !== '');
const selected = (name: string) => ONLY === undefined || ONLY.some((part) => name.includes(part));
const PAIRS = Number(process.env['BENCH_PAIRS'] ?? 1);
/**
 * With two CPUs or more and `taskset` (Linux), the load generator (this
 * process) runs on CPU 0 and every server on CPU 1: the server measured never
 * shares its CPU with the load generator, and both sides of a row run on the same CPU.
 * BENCH_PIN=0 turns it off.
 */
const PIN = process.env['BENCH_PIN'] !== '0' && process.platform === 'linux' && availableParallelism() >= 2 && hasTaskset();
const SERVER_CPU = '1';

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const here = __dirname;
const root = join(here, '..');

interface Server {
  child: ChildProcess;
  port: number;
}

function start(variant: string, major: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const child = fork(join(here, 'server.ts'), [variant, major], {
      execArgv: ['--expose-gc', '--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const timer = setTimeout(() => reject(new Error(`${variant} did not start`)), 20_000);
    child.once('message', (message: { port: number }) => {
      clearTimeout(timer);
      if (PIN && child.pid !== undefined) execFileSync('taskset', ['-a', '-p', '-c', SERVER_CPU, String(child.pid)], { stdio: 'ignore' });
      resolve({ child, port: message.port });
    });
    child.once('exit', (code) => reject(new Error(`${variant} exited with ${code}`)));
  });
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.child.once('exit', () => resolve());
    server.child.kill('SIGTERM');
  });
}

function heapOf(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.child.once('message', (message: { heapUsed: number }) => resolve(message.heapUsed));
    server.child.send('heap');
  });
}

/** The server's CPU time so far (user + system), in microseconds. */
function cpuOf(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.child.once('message', (message: { cpuMicros: number }) => resolve(message.cpuMicros));
    server.child.send('cpu');
  });
}

interface Run {
  rps: number;
  p50: number;
  p99: number;
  /** CPU time of the server process per request answered, in microseconds. */
  cpu: number;
  non2xx: number;
  errors: number;
}

const percentile = (values: number[], p: number) => {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
};

/** A window, with the server's CPU time (user + system, µs) during it. */
type TimedWindow = Window & { readonly cpuMicros: number };

/** One window of load on `server` through its open connections, and the server's CPU time during it. */
async function measure(server: Server, load: Load, seconds: number): Promise<TimedWindow> {
  const cpuBefore = await cpuOf(server);
  const window = await load.window(seconds);
  return { ...window, cpuMicros: (await cpuOf(server)) - cpuBefore };
}

/** The figures of one side over some windows: req/s over their summed length, CPU per request, latency percentiles. */
function runOf(windows: readonly (TimedWindow)[]): Run {
  let requests = 0;
  let seconds = 0;
  let cpuMicros = 0;
  const latencies: number[] = [];
  for (const window of windows) {
    requests += window.requests;
    seconds += window.seconds;
    cpuMicros += window.cpuMicros;
    for (const latency of window.latencies) latencies.push(latency);
  }
  return {
    rps: seconds > 0 ? requests / seconds : 0,
    p50: Number(percentile(latencies, 50).toFixed(1)),
    p99: Number(percentile(latencies, 99).toFixed(1)),
    cpu: requests > 0 ? cpuMicros / requests : 0,
    non2xx: windows.reduce((n, w) => n + w.non2xx, 0),
    errors: windows.reduce((n, w) => n + w.errors, 0),
  };
}

/** One run on fresh connections: the floor, a warm-up, the soak. */
async function load(server: Server, path: string, seconds: number, connections = CONNECTIONS, request?: RequestShape): Promise<Run> {
  const connectionsToServer = new Load(server.port, path, connections, request);
  try {
    return runOf([await measure(server, connectionsToServer, seconds)]);
  } finally {
    connectionsToServer.close();
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

interface Row {
  name: string;
  major: string;
  baseline: string;
  variant: string;
  path: string;
  connections?: number;
  target?: number;
  request?: RequestShape;
  /** Seconds of each window of this row, when the default is too short for its answers. */
  window?: number;
  /** The status both sides must answer, with bodies equal but for the trace id: checked once before measuring. */
  sameAnswer?: number;
  /** A check of the harness (both sides the same server), run only when BENCH_ONLY names it. */
  aa?: boolean;
}

const MAJORS = ['express5', 'express4'];

const postOrder = (order: object): RequestShape => ({
  method: 'POST',
  body: JSON.stringify(order),
  headers: { 'content-type': 'application/json', 'x-api-key': 'key-live-1' },
});
const VALID = postOrder({ sku: 'BOOK-1', quantity: 2, note: 'gift wrap' });
const INVALID = postOrder({ sku: '', quantity: 0 });
/** envelope() + express.json() + rateLimit() + authenticate() + validate() + ok() + errorHandler() against the same stack by hand (bench/server.ts). */
const FULL_STACK: Omit<Row, 'major'>[] = [
  { name: 'full stack: valid POST vs hand-written (ETag on)', baseline: 'full-hand', variant: 'full-envelope', path: '/orders', request: VALID, sameAnswer: 200 },
  { name: 'full stack: valid POST vs hand-written (ETag off)', baseline: 'full-hand-no-etag', variant: 'full-envelope', path: '/orders', request: VALID, sameAnswer: 200, target: 1.0 },
  { name: 'full stack: invalid POST (400) vs hand-written (ETag on)', baseline: 'full-hand', variant: 'full-envelope', path: '/orders', request: INVALID, sameAnswer: 400 },
  { name: 'full stack: invalid POST (400) vs hand-written (ETag off)', baseline: 'full-hand-no-etag', variant: 'full-envelope', path: '/orders', request: INVALID, sameAnswer: 400 },
];
const ROWS: Row[] = MAJORS.flatMap((major) => [
  { name: 'success: ok() vs res.json', major, baseline: 'success-plain', variant: 'success-envelope', path: '/x', target: 1.0 },
  { name: 'error: http-errors 400 vs JSON error middleware', major, baseline: 'error-plain', variant: 'error-http-errors', path: '/x', target: 0.95 },
  { name: 'error: ApiError vs JSON error middleware', major, baseline: 'error-plain', variant: 'error-api-error', path: '/x', target: 0.95 },
  { name: 'unknown route: ROUTE_NOT_FOUND vs 404', major, baseline: 'unknown-plain', variant: 'unknown-envelope', path: '/nope' },
  { name: 'batch 100: batch() vs Promise.all', major, baseline: 'batch100-plain', variant: 'batch100-envelope', path: '/x' },
  { name: 'batch 10,000: batch() vs Promise.all', major, baseline: 'batch10k-plain', variant: 'batch10k-envelope', path: '/x', connections: 4, window: 2, target: 1 / 1.2 },
  // The issue's bar is Express 5; Express 4 is shown beside it without one.
  ...FULL_STACK.map(({ target, ...row }) => ({ ...row, major, ...(major === 'express5' && target !== undefined ? { target } : {}) })),
  // The harness against itself: the same server on both sides. Only when asked for (BENCH_ONLY=A/A).
  { name: 'A/A: harness check, the same server on both sides', major, baseline: 'full-envelope', variant: 'full-envelope', path: '/orders', request: VALID, sameAnswer: 200, aa: true },
]).filter((row) => selected(`${row.name} ${row.major}`) && (row.aa !== true || ONLY?.some((part) => part.includes('A/A')) === true));

interface Measured {
  rps: number;
  p50: number;
  p99: number;
  cpu: number;
}

/** One answer of `server`: status and body, the body's trace_id checked against X-Trace-Id and then blanked. */
async function answerOf(server: Server, row: Row): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://127.0.0.1:${server.port}${row.path}`, { method: row.request?.method ?? 'GET', headers: row.request?.headers ?? {}, body: row.request?.body ?? null });
  const text = await response.text();
  const body = JSON.parse(text) as { meta?: { trace_id?: unknown } };
  const traceId = response.headers.get('x-trace-id');
  if (body.meta?.trace_id !== traceId) throw new Error(`${row.variant}: meta.trace_id ${String(body.meta?.trace_id)} is not the X-Trace-Id ${String(traceId)}`);
  return { status: response.status, body: text.replace(JSON.stringify(traceId), '"<trace id>"') };
}

/** Both sides answer the same status and the same bytes (but the trace id), or the row is not a comparison. */
async function checkSameAnswer(row: Row, baseline: Server, variant: Server): Promise<void> {
  const [base, ours] = await Promise.all([answerOf(baseline, row), answerOf(variant, row)]);
  if (base.status !== row.sameAnswer || ours.status !== row.sameAnswer || base.body !== ours.body) {
    throw new Error(`${row.name} (${row.major}): the answers differ\n  ${row.baseline}: ${base.status} ${base.body}\n  ${row.variant}: ${ours.status} ${ours.body}`);
  }
}

/**
 * Compares the two servers of a row over `ROUNDS` rounds, spread over
 * `PAIRS` pairs of fresh processes: a process's own luck (where the JIT
 * inlined, where its heap landed) is worth a few per cent and lasts as long as
 * the process, so one pair would carry it into every round.
 */
async function compare(row: Row): Promise<{ base: Run[]; ours: Run[] }> {
  const base: Run[] = [];
  const ours: Run[] = [];
  for (let pair = 0; pair < PAIRS; pair++) {
    const rounds = Math.round((ROUNDS * (pair + 1)) / PAIRS) - Math.round((ROUNDS * pair) / PAIRS);
    if (rounds === 0) continue;
    const measured = await comparePair(row, rounds, pair % 2 === 1);
    base.push(...measured.base);
    ours.push(...measured.ours);
  }
  return { base, ours };
}

/**
 * One pair of processes: both started (the variant first in odd pairs),
 * checked to answer alike, warmed up, then loaded in turn window by window,
 * the order swapped every window (A B, B A, …; starting with B in odd pairs)
 * so that neither side always runs first.
 */
async function comparePair(row: Row, rounds: number, odd: boolean): Promise<{ base: Run[]; ours: Run[] }> {
  const servers: Server[] = [];
  const loads: Load[] = [];
  try {
    for (const name of odd ? [row.variant, row.baseline] : [row.baseline, row.variant]) servers.push(await start(name, row.major));
    const [baseline, variant] = (odd ? [servers[1], servers[0]] : servers) as [Server, Server];
    if (row.sameAnswer !== undefined) await checkSameAnswer(row, baseline, variant);
    const connections = row.connections ?? CONNECTIONS;
    loads.push(new Load(baseline.port, row.path, connections, row.request), new Load(variant.port, row.path, connections, row.request));
    const [baseLoad, variantLoad] = loads as [Load, Load];
    // Warm-up: JIT, sockets; 2 s each, since a first round on a busy machine can still cost several times the rest.
    await measure(baseline, baseLoad, 2);
    await measure(variant, variantLoad, 2);
    const window = row.window ?? WINDOW;
    const windowsPerRound = Math.max(1, Math.round(ROUND / window));
    const base: Run[] = [];
    const ours: Run[] = [];
    for (let i = 0; i < rounds; i++) {
      const baseWindows: (TimedWindow)[] = [];
      const ourWindows: (TimedWindow)[] = [];
      for (let w = 0; w < windowsPerRound; w++) {
        if ((i * windowsPerRound + w + (odd ? 1 : 0)) % 2 === 0) {
          baseWindows.push(await measure(baseline, baseLoad, window));
          ourWindows.push(await measure(variant, variantLoad, window));
        } else {
          ourWindows.push(await measure(variant, variantLoad, window));
          baseWindows.push(await measure(baseline, baseLoad, window));
        }
      }
      base.push(runOf(baseWindows));
      ours.push(runOf(ourWindows));
    }
    return { base, ours };
  } finally {
    for (const load of loads) load.close();
    await Promise.all(servers.map(stop));
  }
}

function summarise(runs: Run[]): Measured {
  return { rps: median(runs.map((r) => r.rps)), p50: median(runs.map((r) => r.p50)), p99: median(runs.map((r) => r.p99)), cpu: median(runs.map((r) => r.cpu)) };
}

interface ColdStart {
  module: string;
  modules: number;
  ms: number;
}

/** The newest modification time of the files under `dir`. */
function newest(dir: string): number {
  let latest = 0;
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, name.name);
    latest = Math.max(latest, name.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/**
 * A fresh `require(name)` in a new process, 10 times: the median time and
 * the modules it loaded. `kompliant-envelope` resolves to this package's
 * built dist/cjs (the package requires itself by name).
 */
function coldStart(name: string): ColdStart {
  const script =
    'const before = Object.keys(require.cache).length; const t = performance.now(); require(process.argv[1]); ' +
    'const ms = performance.now() - t; console.log(JSON.stringify({ ms, modules: Object.keys(require.cache).length - before }));';
  const runs: { ms: number; modules: number }[] = [];
  for (let i = 0; i < 10; i++) {
    runs.push(JSON.parse(execFileSync(process.execPath, ['-e', script, name], { cwd: root, encoding: 'utf8', timeout: 30_000 })) as { ms: number; modules: number });
  }
  return { module: name, modules: median(runs.map((r) => r.modules)), ms: median(runs.map((r) => r.ms)) };
}

/** The servers load dist/cjs: one older than src/ would measure the code as it was. */
function checkBuilt(): void {
  const dist = join(root, 'dist', 'cjs', 'index.js');
  if (!existsSync(dist) || statSync(dist).mtimeMs < newest(join(root, 'src'))) {
    throw new Error('npm run bench measures the built package: run `npm run build` first (dist/ is missing or older than src/).');
  }
}

async function main(): Promise<void> {
  checkBuilt();
  if (PIN) execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
  const started = Date.now();
  const results: Record<string, unknown>[] = [];
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

  const rawServer = await start('raw-node', 'node');
  const floorRuns: Run[] = [];
  try {
    await load(rawServer, '/x', 1);
    for (let i = 0; i < 3; i++) floorRuns.push(await load(rawServer, '/x', 1));
  } finally {
    await stop(rawServer);
  }
  const floor = summarise(floorRuns);
  console.log(`raw node:http floor: ${fmt(floor.rps)} req/s (p50 ${floor.p50} ms, p99 ${floor.p99} ms, CPU ${floor.cpu.toFixed(1)} µs/req)`);
  console.log(
    `${ROUNDS} round${ROUNDS === 1 ? '' : 's'} per row of ${ROUND} s per side each, in windows of ${WINDOW} s taken in turn, over ${PAIRS} process pair${PAIRS === 1 ? '' : 's'}, ${CONNECTIONS} connections; ` +
      (PIN ? `servers on CPU ${SERVER_CPU}, load generator on CPU 0` : 'not pinned to CPUs'),
  );
  console.log('ratio = median over rounds of ours ÷ baseline req/s (≥ 1 is faster); CPU = server CPU µs per request (lower is cheaper)');

  for (const row of ROWS) {
    const { base, ours } = await compare(row);
    const b = summarise(base);
    const o = summarise(ours);
    // Each round's two runs were back to back: their ratio cancels most of the machine's drift.
    const ratio = median(ours.map((run, i) => run.rps / (base[i] as Run).rps));
    const cpuRatio = median(ours.map((run, i) => run.cpu / (base[i] as Run).cpu));
    const bad = [...base, ...ours].reduce((n, r) => n + r.errors, 0);
    const met = row.target === undefined ? '' : ratio >= row.target ? 'met' : `MISSED (target ${row.target.toFixed(2)})`;
    results.push({
      row: row.name,
      express: row.major,
      baseline: b,
      variant: o,
      ratio: Number(ratio.toFixed(3)),
      ratioOfMedians: Number((o.rps / b.rps).toFixed(3)),
      cpuRatio: Number(cpuRatio.toFixed(3)),
      rounds: base.map((run, i) => ({ baselineRps: Math.round(run.rps), variantRps: Math.round((ours[i] as Run).rps), baselineCpu: Number(run.cpu.toFixed(1)), variantCpu: Number((ours[i] as Run).cpu.toFixed(1)) })),
      target: row.target ?? null,
      socketErrors: bad,
    });
    console.log(
      `${row.major.padEnd(9)} ${row.name.padEnd(56)} ${fmt(b.rps).padStart(8)} → ${fmt(o.rps).padStart(8)} req/s  ` +
        `ratio ${ratio.toFixed(3)}  p50 ${b.p50}→${o.p50} ms  p99 ${b.p99}→${o.p99} ms  ` +
        `CPU ${b.cpu.toFixed(1)}→${o.cpu.toFixed(1)} µs/req (×${cpuRatio.toFixed(3)})  ${met}`,
    );
  }

  let cold: { root: ColdStart; express: ColdStart } | undefined;
  if (selected('cold start')) {
    cold = { root: coldStart('kompliant-envelope'), express: coldStart('express') };
    console.log(
      `cold start (fresh process, median of 10): require('kompliant-envelope') ${cold.root.modules} modules ${cold.root.ms.toFixed(1)} ms; ` +
        `require('express') ${cold.express.modules} modules ${cold.express.ms.toFixed(1)} ms`,
    );
  }

  let soak: Record<string, number> | undefined;
  if (SOAK > 0 && (ONLY === undefined || selected('soak'))) {
    const server = await start('success-envelope', 'express5');
    try {
      await load(server, '/x', 2);
      const before = await heapOf(server);
      const run = await load(server, '/x', SOAK);
      const after = await heapOf(server);
      soak = { seconds: SOAK, requests: Math.round(run.rps * SOAK), heapBeforeMB: before / 2 ** 20, heapAfterMB: after / 2 ** 20, growth: after / before - 1 };
      console.log(
        `soak ${SOAK}s (envelope + ok, Express 5): ${fmt(run.rps * SOAK)} requests, heap after GC ${(before / 2 ** 20).toFixed(1)} MB → ${(after / 2 ** 20).toFixed(1)} MB ` +
          `(${((after / before - 1) * 100).toFixed(1)} %, target within 10 %)`,
      );
    } finally {
      await stop(server);
    }
  }

  const out = {
    date: new Date().toISOString(),
    node: process.version,
    settings: { windowSeconds: WINDOW, roundSeconds: ROUND, rounds: ROUNDS, pairs: PAIRS, connections: CONNECTIONS, pinned: PIN },
    floor,
    rows: results,
    coldStart: cold ?? null,
    soak: soak ?? null,
    totalSeconds: Math.round((Date.now() - started) / 1000),
  };
  const dir = join(here, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `bench-${out.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(out, null, 2)}\n`);
  console.log(`\nwritten ${file} (${out.totalSeconds} s)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
