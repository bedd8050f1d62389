/**
 * Where `hmacVerifier()` remembers the nonces it has accepted, so that a
 * signed request is accepted once: in this process (`memoryNonceStore()`, the
 * default) or in one Redis shared by every instance (`redisNonceStore()`).
 */
import { checkNumberOption, checkOptionKeys, optionNames } from '../core/options.js';

/**
 * A nonce store: `add(key, ttlMs)` records `key` for `ttlMs` milliseconds and
 * tells whether it was new. Return (or resolve to) `true` when the key was not
 * there, `false` when it was (a replay); throw (or reject) when the store
 * cannot tell — `hmacVerifier()`'s `passOnStoreError` decides what then.
 * Called only for requests whose signature checked out.
 *
 * @example
 * ```ts
 * const store: NonceStore = { add: (key, ttlMs) => myCache.setIfAbsent(key, ttlMs) };
 * ```
 */
export interface NonceStore {
  readonly add: (key: string, ttlMs: number) => boolean | Promise<boolean>;
}

/** Options of `memoryNonceStore()`. */
export interface MemoryNonceStoreOptions {
  /**
   * The most nonces kept at once. Each lives as long as its request could
   * still be accepted (at most twice `toleranceSeconds`, plus a second); when
   * `max` unexpired nonces are kept, the next signed request is refused as a
   * store error (see `passOnStoreError`) rather than an old nonce forgotten,
   * which would let its request be replayed. About 100 bytes each.
   * @default 100000
   */
  readonly max?: number;
}

const MEMORY_OPTIONS = optionNames<MemoryNonceStoreOptions>({ max: true });

/** The error a full `memoryNonceStore()` throws: see `MemoryNonceStoreOptions.max`. */
class NonceStoreFullError extends Error {
  override readonly name = 'NonceStoreFullError';
}

// Expired nonces dropped from the oldest end on each add, so the work per request stays small.
const SWEEP_PER_ADD = 16;
// A full sweep (every entry) runs only when the store is full, at most once a second.
const FULL_SWEEP_EVERY_MS = 1000;

/**
 * The default nonce store: a `Map` in this process, bounded by `max`.
 * Enough for one instance; behind a load balancer a request replayed to
 * another instance would be accepted there, so use `redisNonceStore()`.
 *
 * @example
 * ```ts
 * app.use('/webhooks', authenticate({ verify: hmacVerifier({ secrets, nonceStore: memoryNonceStore({ max: 500_000 }) }) }));
 * ```
 */
export function memoryNonceStore(options: MemoryNonceStoreOptions = {}): NonceStore {
  checkOptionKeys(options, MEMORY_OPTIONS, 'memoryNonceStore()');
  const { max = 100_000 } = options;
  checkNumberOption(max, 'max', 'memoryNonceStore()', { min: 1 });
  // key → when it expires (ms). Insertion order is roughly expiry order, so the oldest end expires first.
  const seen = new Map<string, number>();
  let lastFullSweep = 0;
  const add = (key: string, ttlMs: number): boolean => {
    const now = Date.now();
    const expires = seen.get(key);
    if (expires !== undefined) {
      if (expires > now) return false;
      seen.delete(key);
    }
    let swept = 0;
    for (const [oldKey, oldExpires] of seen) {
      if (oldExpires > now || swept >= SWEEP_PER_ADD) break;
      seen.delete(oldKey);
      swept += 1;
    }
    if (seen.size >= max && now - lastFullSweep >= FULL_SWEEP_EVERY_MS) {
      lastFullSweep = now;
      for (const [oldKey, oldExpires] of seen) if (oldExpires <= now) seen.delete(oldKey);
    }
    if (seen.size >= max) {
      throw new NonceStoreFullError(`The in-memory nonce store holds its maximum of ${max} unexpired nonces.`);
    }
    seen.set(key, now + ttlMs);
    return true;
  };
  return Object.freeze({ add });
}

/** Options of `redisNonceStore()`. */
export interface RedisNonceStoreOptions {
  /**
   * Sends one Redis command and resolves to its reply, as rate-limit-redis
   * takes it: node-redis `(args) => client.sendCommand(args)`, ioredis
   * `([command, ...rest]) => client.call(command, ...rest)`. No Redis client
   * is bundled.
   */
  readonly sendCommand: (args: string[]) => Promise<unknown>;
  /** Prefix of the keys. @default 'kompliant-envelope:nonce:' */
  readonly prefix?: string;
}

const REDIS_OPTIONS = optionNames<RedisNonceStoreOptions>({ sendCommand: true, prefix: true });

/**
 * A nonce store in Redis, shared by every instance behind a load balancer:
 * each accepted nonce is `SET <prefix><nonce>:<key id> 1 NX PX <ms>`, so
 * Redis forgets it when its request could no longer be accepted anyway
 * (no unbounded growth), and a request replayed to any instance finds it.
 * Bound each call with `hmacVerifier()`'s `storeTimeout`.
 *
 * @example
 * ```ts
 * const redis = createClient({ url: process.env.REDIS_URL, disableOfflineQueue: true });
 * await redis.connect();
 * const nonceStore = redisNonceStore({ sendCommand: (args) => redis.sendCommand(args) });
 * app.use('/webhooks', authenticate({ verify: hmacVerifier({ secrets, nonceStore }) }));
 * ```
 */
export function redisNonceStore(options: RedisNonceStoreOptions): NonceStore {
  const needs = 'redisNonceStore() needs an options object with a `sendCommand` function.';
  if (options === null || typeof options !== 'object') throw new TypeError(needs);
  checkOptionKeys(options, REDIS_OPTIONS, 'redisNonceStore()');
  const { sendCommand, prefix = 'kompliant-envelope:nonce:' } = options;
  if (typeof sendCommand !== 'function') throw new TypeError(needs);
  if (typeof prefix !== 'string') throw new TypeError('The `prefix` option of redisNonceStore() must be a string.');
  const add = async (key: string, ttlMs: number): Promise<boolean> => {
    const reply = await sendCommand(['SET', `${prefix}${key}`, '1', 'NX', 'PX', String(Math.max(1, Math.ceil(ttlMs)))]);
    if (reply === 'OK') return true;
    if (reply === null || reply === undefined) return false;
    throw new Error(`Redis answered SET … NX PX with ${typeof reply === 'string' ? JSON.stringify(reply.slice(0, 100)) : typeof reply}, not OK or nil.`);
  };
  return Object.freeze({ add });
}
