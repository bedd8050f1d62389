/**
 * Runs once before the suite: the rate-limit tests need a real redis-server
 * (Debian's package). Installs it when missing and when this process may
 * (root with apt-get); otherwise stops with the command to run.
 */
import { execFileSync } from 'node:child_process';

function has(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export default function globalSetup(): void {
  if (has('redis-server')) return;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root || !has('apt-get')) {
    throw new Error('The tests need redis-server. Install it (Debian/Ubuntu: sudo apt-get install -y redis-server) and run npm test again.');
  }
  process.stdout.write('\nredis-server is missing: installing Debian\'s package (apt-get install redis-server)…\n');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'redis-server'], { stdio: 'ignore', env, timeout: 300_000 });
  } catch {
    execFileSync('apt-get', ['update'], { stdio: 'ignore', env, timeout: 300_000 });
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'redis-server'], { stdio: 'ignore', env, timeout: 300_000 });
  }
  if (!has('redis-server')) throw new Error('Installing redis-server failed; install it by hand and run npm test again.');
}
