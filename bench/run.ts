/**
 * `npm run bench`: each variant against its baseline, in turn, several
 * rounds (A B A B …) so drift hits both; medians of req/s and latency, and
 * the ratio to the baseline. Prints a table and writes bench/results/*.json.
 *
 * Environment: BENCH_DURATION (seconds per run, default 2), BENCH_ROUNDS
 * (default 3), BENCH_CONNECTIONS (default 32), BENCH_SOAK (seconds of the
 * heap soak, default 60; 0 skips it), BENCH_ONLY (a substring of row names).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';

const DURATION = Number(process.env['BENCH_DURATION'] ?? 2);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 32);
const SOAK = Number(process.env['BENCH_SOAK'] ?? 60);
const ONLY = process.env['BENCH_ONLY'];
const here = __dirname;

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

interface Run {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function load(port: number, path: string, seconds: number, connections = CONNECTIONS): Promise<Run> {
  const result = await autocannon({ url: `http://127.0.0.1:${port}${path}`, connections, duration: seconds, pipelining: 1 });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
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
}

const MAJORS = ['express5', 'express4'];
const ROWS: Row[] = MAJORS.flatMap((major) => [
  { name: 'success: ok() vs res.json', major, baseline: 'success-plain', variant: 'success-envelope', path: '/x', target: 1.0 },
  { name: 'error: http-errors 400 vs JSON error middleware', major, baseline: 'error-plain', variant: 'error-http-errors', path: '/x', target: 0.95 },
  { name: 'error: ApiError vs JSON error middleware', major, baseline: 'error-plain', variant: 'error-api-error', path: '/x', target: 0.95 },
  { name: 'unknown route: ROUTE_NOT_FOUND vs 404', major, baseline: 'unknown-plain', variant: 'unknown-envelope', path: '/nope' },
  { name: 'batch 100: batch() vs Promise.all', major, baseline: 'batch100-plain', variant: 'batch100-envelope', path: '/x' },
  { name: 'batch 10,000: batch() vs Promise.all', major, baseline: 'batch10k-plain', variant: 'batch10k-envelope', path: '/x', connections: 4, target: 1 / 1.2 },
]).filter((row) => ONLY === undefined || `${row.name} ${row.major}`.includes(ONLY));

interface Measured {
  rps: number;
  p50: number;
  p99: number;
}

/** Starts both servers once, warms them up, then loads them in turn: A B A B … */
async function compare(row: Row): Promise<{ base: Run[]; ours: Run[] }> {
  const [baseline, variant] = await Promise.all([start(row.baseline, row.major), start(row.variant, row.major)]);
  try {
    await load(baseline.port, row.path, 1, row.connections); // warm-up: JIT, sockets
    await load(variant.port, row.path, 1, row.connections);
    const base: Run[] = [];
    const ours: Run[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      base.push(await load(baseline.port, row.path, DURATION, row.connections));
      ours.push(await load(variant.port, row.path, DURATION, row.connections));
    }
    return { base, ours };
  } finally {
    await Promise.all([stop(baseline), stop(variant)]);
  }
}

function summarise(runs: Run[]): Measured {
  return { rps: median(runs.map((r) => r.rps)), p50: median(runs.map((r) => r.p50)), p99: median(runs.map((r) => r.p99)) };
}

async function main(): Promise<void> {
  const started = Date.now();
  const results: Record<string, unknown>[] = [];
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

  const rawServer = await start('raw-node', 'node');
  const floorRuns: Run[] = [];
  try {
    await load(rawServer.port, '/x', 1);
    for (let i = 0; i < ROUNDS; i++) floorRuns.push(await load(rawServer.port, '/x', DURATION));
  } finally {
    await stop(rawServer);
  }
  const floor = summarise(floorRuns);
  console.log(`raw node:http floor: ${fmt(floor.rps)} req/s (p50 ${floor.p50} ms, p99 ${floor.p99} ms)`);

  for (const row of ROWS) {
    const { base, ours } = await compare(row);
    const b = summarise(base);
    const o = summarise(ours);
    const ratio = o.rps / b.rps;
    const bad = [...base, ...ours].reduce((n, r) => n + r.errors, 0);
    const met = row.target === undefined ? '' : ratio >= row.target ? 'met' : `MISSED (target ${row.target.toFixed(2)})`;
    results.push({ row: row.name, express: row.major, baseline: b, variant: o, ratio: Number(ratio.toFixed(3)), target: row.target ?? null, socketErrors: bad });
    console.log(
      `${row.major.padEnd(9)} ${row.name.padEnd(50)} ${fmt(b.rps).padStart(8)} → ${fmt(o.rps).padStart(8)} req/s  ` +
        `ratio ${ratio.toFixed(3)}  p50 ${b.p50}→${o.p50} ms  p99 ${b.p99}→${o.p99} ms  ${met}`,
    );
  }

  let soak: Record<string, number> | undefined;
  if (SOAK > 0) {
    const server = await start('success-envelope', 'express5');
    try {
      await load(server.port, '/x', 2);
      const before = await heapOf(server);
      const run = await load(server.port, '/x', SOAK);
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
    settings: { durationSeconds: DURATION, rounds: ROUNDS, connections: CONNECTIONS },
    floor,
    rows: results,
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
