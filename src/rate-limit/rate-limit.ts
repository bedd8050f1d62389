/**
 * `rateLimit()`: express-rate-limit, answering 429 as an envelope and never
 * hanging on a slow or dead store.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Options as LimiterOptions, RateLimitRequestHandler, Store } from 'express-rate-limit';
import { STANDARD_ERRORS } from '../core/catalog.js';
import { entry } from '../core/envelope.js';
import { requestContext } from '../express/request-context.js';
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

/** The store error that `storeTimeout` raises. */
export class StoreTimeoutError extends Error {
  override readonly name = 'StoreTimeoutError';
}

function limitTime<T>(work: Promise<T> | T, ms: number, what: string): Promise<T> | T {
  if (!(work instanceof Promise)) return work;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new StoreTimeoutError(`The rate-limit store did not answer ${what} within ${ms} ms.`)), ms);
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

const LOG_EVERY_MS = 30_000;

/** Logs store failures to stderr with the trace_id, at most once per 30 s (a dead Redis fails every request). */
function storeErrorLogger(): LimiterOptions['logger'] {
  let lastLogged = 0;
  let suppressed = 0;
  // express-rate-limit's configuration warnings and checks (WRN_ERL_*, ERR_ERL_*) come once each, and are not store errors.
  const warn = (warning: unknown) => {
    const detail = warning instanceof Error ? `${warning.name}: ${warning.message}` : String(warning);
    process.stderr.write(`kompliant-envelope: rate limit configuration warning: ${detail}\n`);
  };
  const error = (failure: unknown, message?: string) => {
    // express-rate-limit reports its configuration checks (ERR_ERL_*) through `error` too.
    const code = (failure as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && code.startsWith('ERR_ERL_')) return warn(failure);
    const now = Date.now();
    if (now - lastLogged < LOG_EVERY_MS) {
      suppressed += 1;
      return;
    }
    const note = suppressed > 0 ? ` (${suppressed} more since the last report)` : '';
    lastLogged = now;
    suppressed = 0;
    const traceId = requestContext()?.traceId ?? '-';
    const detail = failure instanceof Error ? `${failure.name}: ${failure.message}` : String(failure);
    process.stderr.write(`kompliant-envelope: rate limit store error trace_id=${traceId}${note}: ${message === undefined ? '' : `${message} `}${detail}\n`);
  };
  return { error, warn };
}

/**
 * Throttling on express-rate-limit, answered as 429 `TOO_MANY_REQUESTS`
 * with `Retry-After`, the standard `RateLimit` headers and
 * `retry_after_seconds` in the error. For several instances behind a load
 * balancer, pass a shared store (e.g. rate-limit-redis): see the README.
 * Options are checked here; express-rate-limit's own checks also run.
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
  if (!Number.isSafeInteger(storeTimeout) || storeTimeout < 0) {
    throw new RangeError(`The \`storeTimeout\` option of rateLimit() must be a whole number of milliseconds, 0 or more, got ${String(storeTimeout)}.`);
  }
  const propertyName = rest.requestPropertyName ?? 'rateLimit';

  return expressRateLimit({
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
}
