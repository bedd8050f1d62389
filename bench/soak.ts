/**
 * `npm run soak`: a mixed workload against the demo app (Express 5) in its
 * own process, every answer checked, the server's heap and open handles
 * compared from start to end.
 *
 * A warm-up (JIT, first account, rate-limit key), then SOAK_SECONDS of
 * load: SOAK_CONNECTIONS workers on one keep-alive agent (one socket each)
 * walk the mix of bench/soak-workload.ts, and the demo's maintenance switch
 * is flipped on for a short window every few seconds. Each answer is checked
 * by bench/soak-check.ts, which at the end also compares what the server's
 * `onResponse` and `onError` hooks counted with what the clients received.
 * Before and after the load, once the connections have drained, the server
 * reports its heap after GC and `process.getActiveResourcesInfo()`.
 * bench/soak-report.ts prints the summary and writes the results.
 *
 * Environment: SOAK_SECONDS (default 60), SOAK_WARMUP_SECONDS (default 5),
 * SOAK_CONNECTIONS (default 16, at most 64), SOAK_MAX_REQUESTS (default
 * 5,000,000: the load also stops there). Writes bench/results/soak-<date>.json
 * and soak-latest.json. Exits 1 on any violation, heap growth above
 * MAX_HEAP_GROWTH, or active resources grown by more than MAX_RESOURCE_GROWTH.
 */
import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Checker, PhaseStats, compareServerHooks, type Answer, type Sent } from './soak-check.js';
import type { ServerCounters, ServerMessage, ServerSample, SoakMessage } from './soak-protocol.js';
import { report } from './soak-report.js';
import { KINDS, SLOWEST_HANDLER_MS, buildMix, freshRequestId, freshTraceparent, type RequestKind } from './soak-workload.js';

function setting(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${name} must be a whole number from ${min} to ${max}, got ${raw}.`);
  return value;
}

const SECONDS = setting('SOAK_SECONDS', 60, 1, 3600);
const WARMUP_SECONDS = setting('SOAK_WARMUP_SECONDS', 5, 1, 600);
const CONNECTIONS = setting('SOAK_CONNECTIONS', 16, 1, 64);
const MAX_REQUESTS = setting('SOAK_MAX_REQUESTS', 5_000_000, 1, 50_000_000);

/** Heap used after GC may grow this much (0.10 = 10 %) from the warmed-up start to the end. */
const MAX_HEAP_GROWTH = 0.1;
/**
 * Active resources (handles, requests, ref'd timers) may grow by this many.
 * With no connection open the server holds a fixed set — its listening
 * socket and the IPC pipe (unref'd timers, like the rate limiter's, are not
 * listed) — and a module that opens one handle lazily, once, stays within 2;
 * a leak per connection or per request would show in the tens or thousands.
 */
const MAX_RESOURCE_GROWTH = 2;
/** A request without an answer after this long counts as "no answer". */
const REQUEST_TIMEOUT_MS = 10_000;
/** Maintenance goes on for MAINTENANCE_WINDOW_MS every MAINTENANCE_EVERY_MS. */
const MAINTENANCE_EVERY_MS = 5_000;
const MAINTENANCE_WINDOW_MS = 200;
/** IPC is not instant: a request this close after a window may still meet it. */
const MAINTENANCE_GRACE_MS = 1_000;
/** How long to wait for the server's connections to close after the load. */
const DRAIN_TIMEOUT_MS = 5_000;

const MIX = buildMix(KINDS);

// ---------------------------------------------------------------- the server process

interface Server {
  child: ChildProcess;
  port: number;
}

function start(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, 'soak-server.ts'), [], {
      execArgv: ['--expose-gc', '--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const timer = setTimeout(() => reject(new Error('the soak server did not start within 20 s')), 20_000);
    child.on('message', function listening(message: ServerMessage) {
      if (message.type !== 'listening') return;
      clearTimeout(timer);
      child.off('message', listening);
      resolve({ child, port: message.port });
    });
    child.once('exit', (code) => reject(new Error(`the soak server exited with ${code}`)));
  });
}

function stop(server: Server): Promise<void> {
  if (server.child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    server.child.once('exit', () => resolve());
    server.child.kill('SIGTERM');
  });
}

/** Sends `message` and waits (at most 10 s) for the server's answer of type `type`. */
function ask<T extends ServerMessage['type']>(server: Server, message: SoakMessage, type: T): Promise<Extract<ServerMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the soak server did not answer ${message.type} within 10 s`)), 10_000);
    const onMessage = (reply: ServerMessage) => {
      if (reply.type !== type) return;
      clearTimeout(timer);
      server.child.off('message', onMessage);
      resolve(reply as Extract<ServerMessage, { type: T }>);
    };
    server.child.on('message', onMessage);
    server.child.send(message);
  });
}

/** Heap after GC and active resources, once the server has no connection open (or after DRAIN_TIMEOUT_MS). */
async function settledSample(server: Server): Promise<ServerSample & { drained: boolean }> {
  const until = Date.now() + DRAIN_TIMEOUT_MS;
  let drained = false;
  while (Date.now() < until) {
    if ((await ask(server, { type: 'sample', gc: false }, 'sample')).connections === 0) {
      drained = true;
      break;
    }
    await sleep(50);
  }
  // Handlers outlive their connections (timed-out or abandoned reports): let them finish, and their late reports come.
  await sleep(SLOWEST_HANDLER_MS + 100);
  return { ...(await ask(server, { type: 'sample', gc: true }, 'sample')), drained };
}

// ---------------------------------------------------------------- the load

/** One request; never rejects: a transport error or timeout is an `{ error }` answer. */
function send(port: number, agent: http.Agent, kind: RequestKind, extraHeaders: Readonly<Record<string, string>> | undefined): Promise<Answer> {
  return new Promise((resolve) => {
    const started = performance.now();
    const micros = () => (performance.now() - started) * 1000;
    const headers: Record<string, string> = { ...kind.headers, ...extraHeaders };
    if (kind.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(kind.body));
    // Above the library's 100 MB default; the server answers 413 from the headers and closes the connection.
    if (kind.oversized === true) headers['Content-Length'] = String(200 * 2 ** 20);
    const req = http.request(
      // The oversized request gets a connection of its own: the server closes it after the 413.
      { host: '127.0.0.1', port, method: kind.method, path: kind.path, headers, agent: kind.oversized === true ? false : agent },
      (res) => {
        clearTimeout(abandon);
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) => resolve({ error: `response: ${error.message}`, micros: micros() }));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), micros: micros() });
          if (kind.oversized === true) req.destroy();
        });
      },
    );
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    const abandon =
      kind.abandonAfterMs === undefined
        ? undefined
        : setTimeout(() => {
            resolve({ abandoned: true, micros: micros() });
            req.destroy();
          }, kind.abandonAfterMs);
    req.on('error', (error) => resolve({ error: error.message, micros: micros() }));
    if (kind.oversized === true) req.flushHeaders();
    else req.end(kind.body);
  });
}

/** Maintenance windows, flipped over IPC; `maybeIn()` tells whether a request may have met one. */
class MaintenanceWindows {
  private on = false;
  private lastOffAt = -Infinity;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(private readonly server: Server) {}

  schedule(seconds: number): void {
    const end = seconds * 1000 - MAINTENANCE_WINDOW_MS;
    for (let at = Math.min(MAINTENANCE_EVERY_MS, seconds * 500); at < end; at += MAINTENANCE_EVERY_MS) {
      this.timers.push(setTimeout(() => this.flip(true), at));
      this.timers.push(setTimeout(() => this.flip(false), at + MAINTENANCE_WINDOW_MS));
    }
  }

  flip(on: boolean): void {
    this.on = on;
    if (!on) this.lastOffAt = performance.now();
    this.server.child.send({ type: 'maintenance', on } satisfies SoakMessage);
  }

  isOn(): boolean {
    return this.on;
  }

  maybeIn(startedAt: number, wasOn: boolean): boolean {
    return wasOn || this.on || startedAt < this.lastOffAt + MAINTENANCE_GRACE_MS;
  }

  clear(): void {
    for (const timer of this.timers) clearTimeout(timer);
    if (this.on) this.flip(false);
  }
}

let sentTotal = 0;

/** Runs the mix for `seconds` (or until MAX_REQUESTS in all), checking each answer. */
async function runPhase(server: Server, checker: Checker, phase: PhaseStats, seconds: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const maintenance = new MaintenanceWindows(server);
  const started = performance.now();
  const deadline = started + seconds * 1000;
  maintenance.schedule(seconds);
  const worker = async () => {
    while (performance.now() < deadline && sentTotal < MAX_REQUESTS) {
      const kind = MIX[sentTotal++ % MIX.length] as RequestKind;
      let headers: Record<string, string> | undefined;
      let traceId: string | undefined;
      if (kind.traceparent === true) {
        const traceparent = freshTraceparent();
        headers = { traceparent: traceparent.header };
        traceId = traceparent.traceId;
      } else if (kind.abandonAfterMs !== undefined) {
        traceId = freshRequestId();
        headers = { 'X-Request-Id': traceId };
      }
      const sentAt = performance.now();
      const wasOn = maintenance.isOn();
      const answer = await send(server.port, agent, kind, headers);
      const sent: Sent = { kind, traceId, maintenance: maintenance.maybeIn(sentAt, wasOn) };
      checker.check(phase, sent, answer);
    }
  };
  try {
    await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  } finally {
    maintenance.clear();
    agent.destroy();
  }
  return (performance.now() - started) / 1000;
}

async function main(): Promise<void> {
  const date = new Date().toISOString();
  const checker = new Checker();
  const warmup = new PhaseStats('warm-up');
  const soak = new PhaseStats('soak');
  const server = await start();
  let before: ServerSample & { drained: boolean };
  let after: ServerSample & { drained: boolean };
  let counters: ServerCounters;
  let elapsed: number;
  try {
    await runPhase(server, checker, warmup, WARMUP_SECONDS);
    before = await settledSample(server);
    elapsed = await runPhase(server, checker, soak, SECONDS);
    after = await settledSample(server);
    counters = (await ask(server, { type: 'counters' }, 'counters')).counters;
  } finally {
    await stop(server);
  }
  compareServerHooks(checker, soak, counters);

  const heapGrowth = after.heapUsed / before.heapUsed - 1;
  const resourceGrowth = after.resources.length - before.resources.length;
  const failures: string[] = [];
  if (checker.violationCount > 0) failures.push(`${checker.violationCount} violations`);
  if (heapGrowth > MAX_HEAP_GROWTH) failures.push(`heap grew ${(heapGrowth * 100).toFixed(1)} % (limit ${MAX_HEAP_GROWTH * 100} %)`);
  if (resourceGrowth > MAX_RESOURCE_GROWTH) failures.push(`active resources grew by ${resourceGrowth} (limit ${MAX_RESOURCE_GROWTH})`);
  if (!before.drained || !after.drained) failures.push('the server still had connections open when sampled');

  const file = report({
    date,
    settings: {
      seconds: SECONDS,
      warmupSeconds: WARMUP_SECONDS,
      connections: CONNECTIONS,
      maxRequests: MAX_REQUESTS,
      maintenanceEveryMs: MAINTENANCE_EVERY_MS,
      maintenanceWindowMs: MAINTENANCE_WINDOW_MS,
    },
    limits: { maxHeapGrowth: MAX_HEAP_GROWTH, maxResourceGrowth: MAX_RESOURCE_GROWTH },
    kinds: KINDS,
    warmup,
    soak,
    elapsed,
    checker,
    before,
    after,
    counters,
    failures,
  });
  console.log(`written ${file}`);
  process.exitCode = failures.length === 0 ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
