/**
 * The demo's start-up (examples/accounts/server.ts, what `npm start` runs),
 * spawned as a child process the way tsx runs it: a setting it cannot use,
 * a busy port, a port it has no permission for, an address the machine does
 * not have → exactly one line on stderr naming the address and the cause,
 * nothing on stdout, exit code 1. And a good start: CORS_ORIGINS is read, a
 * preflight from that origin succeeds and one from elsewhere gets no CORS
 * headers. The demo runs on Express 5 (its app, on both majors, is in
 * demo.test.ts and demo-cors.test.ts); it listens through node:http, so
 * Express 4's and 5's different app.listen() error paths do not apply.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const SERVER = join(ROOT, 'examples', 'accounts', 'server.ts');
/** Each start may take a few seconds on a busy machine (tsx compiles on first use). */
const START_TIMEOUT_MS = 30_000;
jest.setTimeout(60_000);

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The environment of a start: the caller's, without any demo setting it may have, plus `env`. */
function demoEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const { HOST: _host, PORT: _port, MAINTENANCE: _maintenance, CORS_ORIGINS: _origins, ...rest } = process.env;
  return { ...rest, ...env };
}

/**
 * Starts the demo as `npm start` does (tsx), and gives its output once it
 * ends; killed after START_TIMEOUT_MS. `withoutBindPrivilege`: as root, it
 * runs without CAP_NET_BIND_SERVICE (util-linux's setpriv), as an
 * unprivileged user would, still able to read the repository.
 */
function runDemo(env: Record<string, string>, withoutBindPrivilege = false): Promise<Ended> {
  const demo = [process.execPath, '--import', 'tsx', SERVER];
  const [command, ...args] = withoutBindPrivilege && isRoot ? ['setpriv', '--bounding-set', '-net_bind_service', ...demo] : demo;
  return new Promise((resolve, reject) => {
    const child = spawn(command as string, args, {
      cwd: ROOT,
      env: demoEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), START_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** What every failed start looks like: exit 1, nothing on stdout, exactly `line` on stderr. */
function expectOneLine(ended: Ended, line: string): void {
  expect({ code: ended.code, signal: ended.signal, stdout: ended.stdout, stderr: ended.stderr }).toEqual({
    code: 1,
    signal: null,
    stdout: '',
    stderr: `${line}\n`,
  });
  expect(ended.stderr).not.toMatch(/\n\s+at /);
}

/** A TCP server on a free port of 127.0.0.1, to make that port busy. */
function occupyPort(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') return reject(new Error('no port'));
      resolve({ server, port: address.port });
    });
  });
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
/** The lowest port an unprivileged process may bind (Linux; 1024 elsewhere). */
function unprivilegedPortStart(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8').trim());
  } catch {
    return 1024;
  }
}

describe('the demo cannot start: one line, exit code 1, no stack', () => {
  it('on a busy port, naming the address and EADDRINUSE', async () => {
    const { server, port } = await occupyPort();
    try {
      expectOneLine(
        await runDemo({ PORT: String(port) }),
        `accounts demo: cannot listen on 127.0.0.1:${port}: the port is already in use (EADDRINUSE); ` +
          'stop what listens there, or pick another PORT (PORT=0 picks a free one)',
      );
    } finally {
      server.close();
    }
  });

  it.each(['abc', '70000'])('with PORT=%s', async (port) => {
    expectOneLine(
      await runDemo({ PORT: port }),
      `accounts demo: cannot listen on 127.0.0.1:${port}: PORT must be a whole number from 0 to 65535 (0 picks a free port), got "${port}"`,
    );
  });

  it('on a port it has no permission for, naming EACCES', async () => {
    const start = unprivilegedPortStart();
    if (start <= 1) {
      throw new Error(`net.ipv4.ip_unprivileged_port_start is ${start}: every user may bind every port here, so none answers EACCES.`);
    }
    const ended = await runDemo({ PORT: '1' }, true);
    expectOneLine(
      ended,
      'accounts demo: cannot listen on 127.0.0.1:1: permission denied (EACCES); ' +
        'ports below 1024 need root or CAP_NET_BIND_SERVICE, pick a PORT from 1024',
    );
  });

  it('on an address no interface of this machine has (HOST), naming EADDRNOTAVAIL', async () => {
    // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never assigned to a real interface.
    expectOneLine(
      await runDemo({ HOST: '192.0.2.1', PORT: '0' }),
      'accounts demo: cannot listen on 192.0.2.1:0: no network interface of this machine has that address (EADDRNOTAVAIL); check HOST',
    );
  });

  it('with a MAINTENANCE other than 0 or 1', async () => {
    expectOneLine(
      await runDemo({ MAINTENANCE: 'yes', PORT: '0' }),
      'accounts demo: cannot listen on 127.0.0.1:0: MAINTENANCE must be 1 (on) or 0 (off), got "yes"',
    );
  });

  // Every wrong form of an origin is in demo-cors.test.ts (parseOrigins()); here, that it stops the start.
  it.each([
    ['*', '*'],
    ['https://app.example.com/', 'https://app.example.com/'],
    ['https://app.example.com,', ''],
  ])('with CORS_ORIGINS=%s', async (origins, bad) => {
    expectOneLine(
      await runDemo({ CORS_ORIGINS: origins, PORT: '0' }),
      'accounts demo: cannot listen on 127.0.0.1:0: CORS_ORIGINS must list origins separated by commas, ' +
        `such as https://app.example.com or http://localhost:*, got ${JSON.stringify(bad)}`,
    );
  });
});

describe('the demo starts with CORS_ORIGINS', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill('SIGKILL');
    child = undefined;
  });

  it('allows preflights from the listed origins only, and says which on start', async () => {
    child = spawn(process.execPath, ['--import', 'tsx', SERVER], {
      cwd: ROOT,
      env: demoEnv({ PORT: '0', CORS_ORIGINS: 'https://app.example.com, http://localhost:*' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout = child.stdout as NodeJS.ReadableStream;
    stdout.setEncoding('utf8');
    const banner = await new Promise<string>((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(() => reject(new Error(`no "listening on" line within ${START_TIMEOUT_MS} ms: ${seen}`)), START_TIMEOUT_MS);
      stdout.on('data', (chunk: string) => {
        seen += chunk;
        if (seen.includes('Access log')) {
          clearTimeout(timer);
          resolve(seen);
        }
      });
      child?.once('exit', (code) => reject(new Error(`the demo exited with ${String(code)}: ${seen}`)));
    });
    expect(banner).toContain('Browser pages may call it from https://app.example.com, http://localhost:* (CORS_ORIGINS)\n');
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+),/.exec(banner)?.[1] as string;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const preflight = (origin: string) =>
      fetch(`${url}/accounts`, {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-api-key' },
        signal: AbortSignal.timeout(10_000),
      });
    for (const origin of ['https://app.example.com', 'http://localhost:5173']) {
      const allowed = await preflight(origin);
      expect(allowed.status).toBe(200);
      expect(allowed.headers.get('access-control-allow-origin')).toBe(origin);
      expect(allowed.headers.get('access-control-allow-headers')).toBe('Content-Type,X-API-Key,X-API-Version,traceparent,X-Request-Id');
      expect(await allowed.text()).toBe('');
    }
    for (const origin of ['https://evil.example.com', 'http://127.0.0.1:8080', 'https://localhost:5173']) {
      const refused = await preflight(origin);
      expect(refused.status).toBe(200);
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
      expect(await refused.text()).toBe('');
    }
  });
});
