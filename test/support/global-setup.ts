/**
 * Runs once before the suite: the rate-limit tests need a real redis-server
 * and the browser test a real Chromium (Debian's `redis-server` and
 * `chromium` packages). Installs what is missing when this process may (root
 * with apt-get), saying so as it happens; otherwise stops with the command
 * to run.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** What the suite needs: a command, and the Debian package that provides it. */
const NEEDED = [
  { command: 'redis-server', pkg: 'redis-server', why: 'the rate-limit tests' },
  { command: 'chromium', pkg: 'chromium', why: 'the browser test in test/browser' },
] as const;

function has(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A Chromium elsewhere (not Debian's, not on PATH) is named by CHROMIUM_PATH, which the browser test uses. */
function present(command: string): boolean {
  const chromiumPath = process.env['CHROMIUM_PATH'];
  if (command === 'chromium' && chromiumPath !== undefined && chromiumPath !== '') return existsSync(chromiumPath);
  return has(command);
}

export default function globalSetup(): void {
  const chromiumPath = process.env['CHROMIUM_PATH'];
  if (chromiumPath !== undefined && chromiumPath !== '' && !existsSync(chromiumPath)) {
    throw new Error(`CHROMIUM_PATH is ${chromiumPath}, which does not exist: point it at a Chromium, or unset it to use the chromium on PATH.`);
  }
  const missing = NEEDED.filter(({ command }) => !present(command));
  if (missing.length === 0) return;
  const packages = missing.map(({ pkg }) => pkg);
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root || !has('apt-get')) {
    throw new Error(
      `The tests need ${missing.map(({ command, why }) => `${command} (${why})`).join(' and ')}. ` +
        `Install ${packages.length === 1 ? 'it' : 'them'} (Debian/Ubuntu: sudo apt-get install -y ${packages.join(' ')}; ` +
        'a Chromium installed elsewhere: set CHROMIUM_PATH to it) and run npm test again.',
    );
  }
  process.stdout.write(`\n${packages.join(' and ')} missing: installing Debian's package${packages.length === 1 ? '' : 's'} (apt-get install ${packages.join(' ')})…\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { stdio: 'ignore', env, timeout: 600_000 });
  try {
    install();
  } catch {
    process.stdout.write('apt-get install failed: running apt-get update, then installing again…\n');
    execFileSync('apt-get', ['update'], { stdio: 'ignore', env, timeout: 300_000 });
    install();
  }
  const still = missing.filter(({ command }) => !present(command));
  if (still.length > 0) {
    throw new Error(`Installing ${still.map(({ pkg }) => pkg).join(' and ')} failed; install by hand and run npm test again.`);
  }
  process.stdout.write(`Installed ${packages.join(' and ')}.\n`);
}
