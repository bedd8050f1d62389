/**
 * `rateLimit()`: express-rate-limit, answering 429 as an envelope and never
 * hanging on a slow or dead store.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Options as LimiterOptions, RateLimitRequestHandler, Store } from 'express-rate-limit';
import { STANDARD_ERRORS } from '../core/catalog.js';
import { entry } from '../core/envelope.js';
import { MAX_TIMER_MS, checkNumberOption, checkOptionKeys, markMiddleware, optionNames } from '../core/options.js';
import { storeFailureLog, withDeadline } from '../express/store-calls.js';
import { sendError } from '../express/write.js';
import { loadExpressRateLimit } from './peer.js';

// Loaded when this subpath is imported, never by the package root.
const { rateLimit: expressRateLimit } = loadExpressRateLimit();

/**
 * Options of `rateLimit()`: every option of express-rate-limit (`windowMs`,
 * `limit`, `keyGenerator`, `store`, `skip`, …) except `handler`, which is
 * this library's envelope, plus those below. Defaults that differ from
 * express-rate-limit's are marked.
 */
export interface RateLimitOptions extends Partial<Omit<LimiterOptions, 'handler' | 'message' | 'statusCode'>> {
  /** The 429 message. @default STANDARD_ERRORS.TOO_MANY_REQUESTS.message */
  readonly message?: string;
  /**
   * How long a store call may take, in milliseconds, before it counts as a
   * store error (see `passOnStoreError`); `0` waits forever. A Redis server
   * that stops answering would otherwise hang every request.
   * @default 1000
   */
  readonly storeTimeout?: number;
  /**
   * When the store fails (Redis down, timed out): `true` lets the request
   * through unthrottled and logs it (fail open); `false` answers 500.
   * @default true (express-rate-limit's default is false)
   */
  readonly passOnStoreError?: boolean;
  /** @default 'draft-7' (one `RateLimit` and one `RateLimit-Policy` header) */
  readonly standardHeaders?: LimiterOptions['standardHeaders'];
  /** The `X-RateLimit-*` headers. @default false */
  readonly legacyHeaders?: boolean;
}

/**
 * Every option of express-rate-limit 8 but `handler` and `statusCode` (each
 * refused with its own reason), and ours: the compiler keeps this list equal
 * to `RateLimitOptions`, so a new express-rate-limit option cannot be refused
 * by mistake.
 */
const RATE_LIMIT_OPTIONS = optionNames<RateLimitOptions>({
  windowMs: true,
  limit: true,
  max: true,
  message: true,
  legacyHeaders: true,
  headers: true,
  standardHeaders: true,
  identifier: true,
  retryAfter: true,
  requestPropertyName: true,
  skipFailedRequests: true,
  skipSuccessfulRequests: true,
  keyGenerator: true,
  ipv6Subnet: true,
  skip: true,
  requestWasSuccessful: true,
  store: true,
  validate: true,
  passOnStoreError: true,
  logger: true,
  storeTimeout: true,
});

/**
 * The numbers among the options; express-rate-limit only logs most of its
 * own checks, and would then count with them: a negative `limit` answers 429
 * to everything, a `windowMs` beyond Node's timer limit empties the default
 * store every millisecond. Those that may be functions of the request are
 * checked only when they are not functions.
 */
function checkNumbers(options: RateLimitOptions): void {
  const where = 'rateLimit()';
  const { limit, max, windowMs, retryAfter, ipv6Subnet } = options;
  // `limit: 0` is valid: every request gets the 429 (express-rate-limit 7 and later).
  if (limit !== undefined && typeof limit !== 'function') checkNumberOption(limit, 'limit', where);
  if (max !== undefined && typeof max !== 'function') checkNumberOption(max, 'max', where);
  if (windowMs !== undefined) {
    // Any store but the default one keeps the window itself (Redis: PEXPIRE, whole milliseconds).
    const longest = options.store === undefined ? MAX_TIMER_MS : Number.MAX_SAFE_INTEGER;
    checkNumberOption(windowMs, 'windowMs', where, { min: 1, max: longest, unit: 'milliseconds' });
  }
  // The Retry-After header takes whole seconds.
  if (retryAfter !== undefined && typeof retryAfter !== 'function') checkNumberOption(retryAfter, 'retryAfter', where, { unit: 'seconds' });
  // A prefix length of an IPv6 address; express-rate-limit advises 32-64 and logs others, which still work.
  if (ipv6Subnet !== undefined && ipv6Subnet !== false && typeof ipv6Subnet !== 'function') {
    checkNumberOption(ipv6Subnet, 'ipv6Subnet', where, { min: 1, max: 128 });
  }
}

/** The store error that `storeTimeout` raises. */
export class StoreTimeoutError extends Error {
  override readonly name = 'StoreTimeoutError';
}

function limitTime<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  return withDeadline(work, ms, () => new StoreTimeoutError(`The rate-limit store did not answer ${what} within ${ms} ms.`));
}

/** The store with each call bounded by `ms`. */
function boundedStore(store: Store, ms: number): Store {
  const bounded: Store = {
    increment: (key) => limitTime(Promise.resolve(store.increment(key)), ms, 'increment'),
    decrement: (key) => limitTime(Promise.resolve(store.decrement(key)), ms, 'decrement'),
    resetKey: (key) => limitTime(Promise.resolve(store.resetKey(key)), ms, 'resetKey'),
  };
  if (store.init !== undefined) bounded.init = store.init.bind(store);
  if (store.get !== undefined) {
    const get = store.get.bind(store);
    bounded.get = (key) => limitTime(Promise.resolve(get(key)), ms, 'get');
  }
  if (store.resetAll !== undefined) bounded.resetAll = store.resetAll.bind(store);
  if (store.shutdown !== undefined) bounded.shutdown = store.shutdown.bind(store);
  if (store.localKeys !== undefined) bounded.localKeys = store.localKeys;
  if (store.prefix !== undefined) bounded.prefix = store.prefix;
  return bounded;
}

/** Logs store failures to stderr with the trace_id, at most once per 30 s (a dead Redis fails every request). */
function storeErrorLogger(): LimiterOptions['logger'] {
  const logStoreError = storeFailureLog('rate limit store error');
  // express-rate-limit's configuration warnings and checks (WRN_ERL_*, ERR_ERL_*) come once each, and are not store errors.
  const warn = (warning: unknown) => {
    const detail = warning instanceof Error ? `${warning.name}: ${warning.message}` : String(warning);
    process.stderr.write(`kompliant-envelope: rate limit configuration warning: ${detail}\n`);
  };
  const error = (failure: unknown, message?: string) => {
    // express-rate-limit reports its configuration checks (ERR_ERL_*) through `error` too.
    const code = (failure as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && code.startsWith('ERR_ERL_')) return warn(failure);
    logStoreError(failure, message);
  };
  return { error, warn };
}

/**
 * Throttling on express-rate-limit, answered as 429 `TOO_MANY_REQUESTS`
 * with `Retry-After`, the standard `RateLimit` headers and
 * `retry_after_seconds` in the error. For several instances behind a load
 * balancer, pass a shared store (e.g. rate-limit-redis): see docs/infrastructure.md.
 * Options are checked here: an unknown option throws a `TypeError` naming the
 * nearest known one, a number out of range a `RangeError`; express-rate-limit's
 * own checks also run.
 *
 * @example
 * ```ts
 * app.use('/api', rateLimit({ windowMs: 60_000, limit: 100 }));
 * ```
 */
export function rateLimit(options: RateLimitOptions = {}): RateLimitRequestHandler {
  if (options === null || typeof options !== 'object') throw new TypeError('The options of rateLimit() must be an object.');
  if ('handler' in options) {
    throw new TypeError('rateLimit() answers with its own envelope: use the `message` option instead of `handler`.');
  }
  if ('statusCode' in options) throw new TypeError('rateLimit() always answers 429, as the spec says: remove the `statusCode` option.');
  checkOptionKeys(options, RATE_LIMIT_OPTIONS, 'rateLimit()');
  checkNumbers(options);
  const {
    message = STANDARD_ERRORS.TOO_MANY_REQUESTS.message,
    storeTimeout = 1000,
    passOnStoreError = true,
    standardHeaders = 'draft-7',
    legacyHeaders = false,
    store,
    ...rest
  } = options;
  if (typeof message !== 'string' || message === '') throw new TypeError('The `message` option of rateLimit() must be a non-empty string.');
  // Beyond Node's timer limit, every store call would time out after 1 ms.
  checkNumberOption(storeTimeout, 'storeTimeout', 'rateLimit()', { max: MAX_TIMER_MS, unit: 'milliseconds' });
  const propertyName = rest.requestPropertyName ?? 'rateLimit';

  const limiter = expressRateLimit({
    logger: storeErrorLogger(),
    ...rest,
    standardHeaders,
    legacyHeaders,
    passOnStoreError,
    // Legacy callback stores (`incr`) are passed on as they are.
    ...(store === undefined ? {} : { store: storeTimeout > 0 && 'increment' in store ? boundedStore(store, storeTimeout) : store }),
    handler(req: IncomingMessage, res: ServerResponse) {
      let retryAfter = Number(res.getHeader('Retry-After'));
      if (!Number.isFinite(retryAfter)) {
        const reset = (req as unknown as Record<string, { resetTime?: Date } | undefined>)[propertyName]?.resetTime;
        retryAfter = reset === undefined ? Math.ceil((rest.windowMs ?? 60_000) / 1000) : Math.max(0, Math.ceil((reset.getTime() - Date.now()) / 1000));
        if (!res.headersSent) res.setHeader('Retry-After', String(retryAfter));
      }
      sendError(res, {
        status: 429,
        errors: [entry('TOO_MANY_REQUESTS', message, { retry_after_seconds: retryAfter })],
        headers: undefined,
      });
    },
  });
  return markMiddleware(limiter, { kind: 'rateLimit', standardHeaders, legacyHeaders });
}
