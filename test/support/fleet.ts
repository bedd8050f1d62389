/**
 * Several server processes sharing one Redis, as instances behind a load
 * balancer would: each runs test/support/fleet-server.ts under tsx, on
 * 127.0.0.1 and a port of its own. Their stderr is kept for the tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** The fleet's signing keys. */
export const FLEET_SECRETS = { partner1: 'a-long-shared-secret-for-the-fleet' };
/** How often each instance reads the maintenance key: a switch reaches all within FLEET_POLL_MS + FLEET_STORE_TIMEOUT_MS. */
export const FLEET_POLL_MS = 200;
/** The storeTimeout of the nonce store and of the maintenance switch. */
export const FLEET_STORE_TIMEOUT_MS = 300;

export interface Instance {
  readonly base: string;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  stop(): Promise<void>;
}

const ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

/** Starts one instance on `major` (4 or 5) against `redisUrl`; waits at most 20 s for it to listen. */
export function startInstance(major: 4 | 5, redisUrl: string): Promise<Instance> {
  const child: ChildProcess = spawn(TSX, [path.join(ROOT, 'test', 'support', 'fleet-server.ts')], {
    cwd: ROOT,
    env: { ...process.env, FLEET_EXPRESS: String(major), FLEET_REDIS_URL: redisUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(killer);
    }
  };
  return new Promise<Instance>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the fleet instance did not listen within 20 s; stderr: ${err}`));
    }, 20_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening (\d+)/.exec(out);
      if (match !== null) {
        clearTimeout(timer);
        resolve({ base: `http://127.0.0.1:${match[1]}`, stderr: () => err, stop });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the fleet instance exited with ${String(code)} before listening; stderr: ${err}`));
    });
  });
}

/** Polls `check` every 50 ms until it returns true or `ms` pass; resolves to the milliseconds it took, or rejects. */
export async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
