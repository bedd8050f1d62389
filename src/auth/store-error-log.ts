/**
 * Store failures on stderr, as `rateLimit()` logs its own: a dead Redis fails
 * every request, so one line at most every 30 s, with the trace id of the
 * request that hit it and how many were held back.
 */
import { requestContext } from '../express/request-context.js';
import { describeError } from '../express/report.js';
import { logGate } from '../express/store-calls.js';

/** A logger for one store's failures; `passOn` says what the requests got (served, or refused). */
export function storeErrorLog(what: string, passOn: boolean): (failure: unknown) => void {
  const gate = logGate();
  const outcome = passOn ? 'requests are served without replay protection (passOnStoreError: true)' : 'requests are refused with 500 (passOnStoreError: false)';
  return (failure) => {
    const open = gate();
    if (open === undefined) return;
    process.stderr.write(`kompliant-envelope: ${what}; ${outcome} trace_id=${requestContext()?.traceId ?? '-'}${open.note} ${describeError(failure, false)}\n`);
  };
}
