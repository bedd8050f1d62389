/**
 * What every shared-store user of the library (`rateLimit()`'s store,
 * `hmacVerifier()`'s nonce store, `redisMaintenanceSwitch()`) does the same
 * way: bound each call in time, and log failures at most once per interval,
 * since a dead Redis fails every request.
 */

/** How often, at most, a failing store is logged. */
export const STORE_LOG_EVERY_MS = 30_000;

/**
 * `work`, or a rejection with `timedOut()` when it has not settled within
 * `ms` milliseconds. The timer does not keep the process alive.
 */
export function withDeadline<T>(work: Promise<T>, ms: number, timedOut: () => Error): Promise<T> {
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
 * A gate for one store's failure log: each call answers whether to log now
 * (at most once per `everyMs`) and, when it does, how many failures were held
 * back since the last line; `undefined` means hold this one back.
 */
export function logGate(everyMs = STORE_LOG_EVERY_MS): () => { readonly note: string } | undefined {
  let lastLogged = Number.NEGATIVE_INFINITY;
  let suppressed = 0;
  return () => {
    const now = Date.now();
    if (now - lastLogged < everyMs) {
      suppressed += 1;
      return undefined;
    }
    const note = suppressed > 0 ? ` (${suppressed} more since the last report)` : '';
    lastLogged = now;
    suppressed = 0;
    return { note };
  };
}
