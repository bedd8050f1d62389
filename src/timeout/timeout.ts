/**
 * `timeout()`: the spec's 504 when no answer is ready in time, and a
 * response that stays safe whatever the slow handler does later.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STANDARD_ERRORS } from '../core/catalog.js';
import { entry } from '../core/envelope.js';
import type { NormalizedError } from '../core/normalize.js';
import { MAX_TIMER_MS, checkOptionKeys, markMiddleware, optionNames } from '../core/options.js';
import { TimedOutAnswerError } from '../core/response-errors.js';
import { markTimedOut } from '../express/timed-out.js';
import { forward, sendError } from '../express/write.js';

/** Options of `timeout()`. */
export interface TimeoutOptions {
  /** The 504 message. @default STANDARD_ERRORS.GATEWAY_TIMEOUT.message */
  readonly message?: string;
}

/** Express's `next`; inlined in the API reference. @inline */
type Next = (error?: unknown) => void;

const TIMEOUT_OPTIONS = optionNames<TimeoutOptions>({ message: true });

/**
 * Response methods a late handler may call. After the 504 they are replaced
 * on that one response by a no-op that reports once: otherwise `setHeader`
 * and `writeHead` throw ERR_HTTP_HEADERS_SENT, and `write`/`end` emit an
 * 'error' event that would end the process if nothing listens.
 */
const GUARDED_METHODS = [
  'setHeader', 'appendHeader', 'removeHeader', 'writeHead', 'write', 'end', 'flushHeaders',
  'status', 'set', 'header', 'append', 'send', 'json', 'jsonp', 'sendStatus', 'sendFile', 'download',
  'redirect', 'render', 'cookie', 'clearCookie', 'location', 'type', 'contentType', 'attachment', 'vary', 'links', 'format',
] as const;

function seal(res: ServerResponse): void {
  let reported = false;
  const dropped = function (this: unknown) {
    if (!reported) {
      reported = true;
      forward(res, new TimedOutAnswerError());
    }
    return this;
  };
  for (const name of GUARDED_METHODS) {
    if (typeof (res as unknown as Record<string, unknown>)[name] === 'function') {
      Object.defineProperty(res, name, { value: dropped, configurable: true, writable: true });
    }
  }
}

/**
 * Answers 504 `GATEWAY_TIMEOUT` when no answer has started within `ms`.
 * Whatever the handler does afterwards — `ok()`, `res.json()`, throwing,
 * `next(err)` — is dropped and reported (to `errorHandler`'s `onError`,
 * with `late: true`), never a crash or a second answer. The handler keeps
 * running: use `hasTimedOut(res)` or your own abort signal to stop work.
 * Mount it after `envelope()`, on the app or on slow routes.
 *
 * @example
 * ```ts
 * app.get('/reports/:id', timeout(5_000), asyncHandler(buildReport));
 * ```
 */
export function timeout(ms: number, options: TimeoutOptions = {}): (req: IncomingMessage, res: ServerResponse, next: Next) => void {
  if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms < 1) {
    throw new RangeError(`timeout() needs a whole number of milliseconds, at least 1, got ${String(ms)}.`);
  }
  if (ms > MAX_TIMER_MS) {
    // Node would fire the timer after 1 ms instead: every request would get the 504.
    throw new RangeError(`timeout() takes at most ${MAX_TIMER_MS} milliseconds (about 24.8 days, the longest timer Node keeps), got ${ms}.`);
  }
  checkOptionKeys(options, TIMEOUT_OPTIONS, 'timeout()');
  const { message = STANDARD_ERRORS.GATEWAY_TIMEOUT.message } = options;
  if (typeof message !== 'string' || message === '') throw new TypeError('The `message` option of timeout() must be a non-empty string.');
  const answer: NormalizedError = Object.freeze({
    status: STANDARD_ERRORS.GATEWAY_TIMEOUT.status,
    errors: Object.freeze([entry('GATEWAY_TIMEOUT', message, { timeout_ms: ms })]),
    headers: undefined,
  });

  return markMiddleware((_req: IncomingMessage, res: ServerResponse, next: Next) => {
    const timer = setTimeout(() => {
      // An answer already under way (headers sent) is left to finish.
      if (res.headersSent) return;
      sendError(res, answer);
      markTimedOut(res);
      seal(res);
    }, ms);
    const clear = () => clearTimeout(timer);
    res.once('finish', clear);
    res.once('close', clear);
    next();
  }, { kind: 'timeout', ms });
}
