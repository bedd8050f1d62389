/**
 * What the library's shared-store users (`rateLimit()`'s store,
 * `hmacVerifier()`'s nonce store, `redisMaintenanceSwitch()`) do the same
 * way: bound each call in time, and log failures at most once per interval,
 * since a dead Redis fails every request.
 */

import { logField } from '../core/report.js';
import { describeError } from './report.js';
import { requestContext } from './request-context.js';

/** How often, at most, a failing store is logged. */
const STORE_LOG_EVERY_MS = 30_000;

/**
 * `work`, or a rejection with `timedOut()` when it has not settled within
 * `ms` milliseconds; `ms` 0 waits forever (the stores' `storeTimeout: 0`).
 * The timer does not keep the process alive.
 */
export function withDeadline<T>(work: Promise<T>, ms: number, timedOut: () => Error): Promise<T> {
  if (ms === 0) return work;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(timedOut()), ms);
    timer.unref();
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/**
 * The failure log of one store: one stderr line at most every
 * `STORE_LOG_EVERY_MS`, `kompliant-envelope: <what> trace_id=…` (the request
 * that hit it), how many were held back since the last line, the caller's
 * `detail` if any, then what was thrown, escaped as the default reporter does.
 */
export function storeFailureLog(what: string): (failure: unknown, detail?: string) => void {
  let lastLogged = Number.NEGATIVE_INFINITY;
  let suppressed = 0;
  return (failure, detail) => {
    const now = Date.now();
    if (now - lastLogged < STORE_LOG_EVERY_MS) {
      suppressed += 1;
      return;
    }
    const note = suppressed > 0 ? ` (${suppressed} more since the last report)` : '';
    lastLogged = now;
    suppressed = 0;
    const about = detail === undefined ? '' : ` ${logField('detail', detail)}`;
    process.stderr.write(`kompliant-envelope: ${what} trace_id=${requestContext()?.traceId ?? '-'}${note}${about} ${describeError(failure, false)}\n`);
  };
}
