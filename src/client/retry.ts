/**
 * When the client retries and how long it waits: `Retry-After` when the
 * answer has one, else exponential backoff with full jitter.
 */
import type { ClientConfig } from './options.js';

/** The methods RFC 9110 calls idempotent: repeating them has the effect of sending them once. */
export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

const DELAY_SECONDS = /^\d{1,9}$/;

/**
 * The wait a `Retry-After` header asks for, in milliseconds: a number of
 * seconds, or an HTTP-date (a date in the past means 0). `undefined` when the
 * header is missing or unreadable.
 *
 * @example
 * ```ts
 * parseRetryAfter('2', Date.now()); // 2000
 * ```
 */
export function parseRetryAfter(header: string | null | undefined, now: number): number | undefined {
  if (header === null || header === undefined) return undefined;
  const value = header.trim();
  if (DELAY_SECONDS.test(value)) return Number(value) * 1000;
  // Only a date with letters: Date.parse reads lone numbers ("-1", "1.5") as years.
  if (!/[a-z]/i.test(value)) return undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The `retry_after_seconds` this library puts in its 429 and 503 error
 * objects, in milliseconds. Read when the `Retry-After` header is not
 * visible, as in a browser calling another origin that does not expose it.
 */
export function retryAfterFromErrors(errors: readonly { readonly [field: string]: unknown }[]): number | undefined {
  for (const error of errors) {
    const seconds = error['retry_after_seconds'];
    if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  }
  return undefined;
}

/**
 * Full-jitter backoff: a random wait between 0 and
 * `min(maxDelayMs, baseDelayMs × 2^attempt)`, `attempt` counting from 0.
 * The jitter keeps clients that failed together from retrying together.
 */
export function backoffDelay(attempt: number, config: Pick<ClientConfig, 'baseDelayMs' | 'maxDelayMs' | 'random'>): number {
  const ceiling = Math.min(config.maxDelayMs, config.baseDelayMs * 2 ** attempt);
  return Math.floor(config.random() * ceiling);
}

/** True when `method` may be retried under `config`: idempotent, or any method with `retry.unsafe`. */
export function mayRetryMethod(method: string, config: Pick<ClientConfig, 'retryUnsafe'>): boolean {
  return config.retryUnsafe || IDEMPOTENT_METHODS.has(method);
}

/**
 * The wait before retry number `attempt + 1`, or `undefined` for no retry:
 * the status is not retryable, retries are used up, or the server asks for
 * a longer wait than `maxDelayMs` allows.
 */
export function retryDelay(
  attempt: number,
  status: number,
  retryAfterMs: number | undefined,
  config: Pick<ClientConfig, 'retries' | 'retryStatuses' | 'baseDelayMs' | 'maxDelayMs' | 'random'>,
): number | undefined {
  if (attempt >= config.retries || !config.retryStatuses.has(status)) return undefined;
  if (retryAfterMs === undefined) return backoffDelay(attempt, config);
  // Retrying sooner than asked would only earn another 429; waiting longer than allowed is the caller's call.
  return retryAfterMs <= config.maxDelayMs ? retryAfterMs : undefined;
}
