/**
 * Store failures on stderr, as `rateLimit()` logs its own: a dead Redis fails
 * every request, so one line at most every 30 s, with the trace id of the
 * request that hit it and how many were held back.
 */
import { requestContext } from '../express/request-context.js';
import { describeError } from '../express/report.js';

const LOG_EVERY_MS = 30_000;

/** A logger for one store's failures; `passOn` says what the requests got (served, or refused). */
export function storeErrorLog(what: string, passOn: boolean): (failure: unknown) => void {
  let lastLogged = Number.NEGATIVE_INFINITY;
  let suppressed = 0;
  const outcome = passOn ? 'requests are served without replay protection (passOnStoreError: true)' : 'requests are refused with 500 (passOnStoreError: false)';
  return (failure) => {
    const now = Date.now();
    if (now - lastLogged < LOG_EVERY_MS) {
      suppressed += 1;
      return;
    }
    const note = suppressed > 0 ? ` (${suppressed} more since the last report)` : '';
    lastLogged = now;
    suppressed = 0;
    process.stderr.write(`kompliant-envelope: ${what}; ${outcome} trace_id=${requestContext()?.traceId ?? '-'}${note} ${describeError(failure, false)}\n`);
  };
}
