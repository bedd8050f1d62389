/**
 * The options of `createClient()`, their defaults, and `parseClientOptions()`,
 * which checks them once, when the client is made, into a frozen config.
 */
import { MAX_TIMER_MS, checkOptionKeys, optionNames } from '../core/options.js';

/** A `fetch` as the client calls it: the standard one, or a stand-in with the same contract. */
export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

/**
 * Waits `ms` milliseconds; rejects with `signal.reason` when `signal` aborts first.
 * @internal
 */
export type SleepFunction = (ms: number, signal: AbortSignal | undefined) => Promise<void>;

/** Retry policy of `createClient()`. */
export interface RetryOptions {
  /** How many times a request is sent again, at most. `0` turns retries off. @default 2 */
  readonly retries?: number;
  /** The HTTP statuses that are retried. @default [429, 503, 504] */
  readonly statuses?: readonly number[];
  /** The first backoff ceiling, doubled each attempt, when there is no `Retry-After`. @default 200 */
  readonly baseDelayMs?: number;
  /**
   * The longest wait before a retry. A backoff is capped to it; a
   * `Retry-After` longer than it is not waited for: the answer is returned
   * at once (and `unwrap()` throws it). @default 5000
   */
  readonly maxDelayMs?: number;
  /**
   * Also retry POST and PATCH, which are not idempotent: a 503 or 504 may
   * come after the server acted, so a retry may act twice. Only for endpoints
   * you know to be safe to repeat. @default false (only GET, HEAD, PUT, DELETE, OPTIONS are retried)
   */
  readonly unsafe?: boolean;
}

/** Options of `createClient()`. */
export interface ClientOptions {
  /** The API's base URL, `http:` or `https:`; request paths are appended to it. */
  readonly baseUrl: string;
  /** Sent as `X-API-Version` on every request. @default none (the API answers with its latest version) */
  readonly version?: string;
  /** The `fetch` to use. @default globalThis.fetch */
  readonly fetch?: FetchFunction;
  /** Headers sent with every request (e.g. `X-API-Key`); a request's own headers win. @default {} */
  readonly headers?: Readonly<Record<string, string>>;
  /** When and how to retry. @default `{ retries: 2, statuses: [429, 503, 504], baseDelayMs: 200, maxDelayMs: 5000, unsafe: false }` */
  readonly retry?: RetryOptions;
  /**
   * How long one attempt (sending, and reading the whole answer) may take,
   * in milliseconds, before it fails with `CLIENT_TIMEOUT`. Each retry gets
   * its own `timeoutMs`. @default none (no client-side timeout)
   */
  readonly timeoutMs?: number;
}

/**
 * What tests replace in a client, given to `createClientWith()`; not
 * options of `createClient()`, which refuses them.
 * @internal
 */
export interface ClientHooks {
  /** Replaces the wait between retries. @default a `setTimeout` that the signal cancels */
  readonly sleep?: SleepFunction;
  /** The clock, to read a `Retry-After` date. @default Date.now */
  readonly now?: () => number;
  /** The jitter source, in [0, 1). @default Math.random */
  readonly random?: () => number;
}

const CLIENT_OPTIONS = optionNames<ClientOptions>({ baseUrl: true, version: true, fetch: true, headers: true, retry: true, timeoutMs: true });
const RETRY_OPTIONS = optionNames<RetryOptions>({ retries: true, statuses: true, baseDelayMs: true, maxDelayMs: true, unsafe: true });

/** The checked, frozen configuration a client runs with. */
export interface ClientConfig {
  readonly baseUrl: string;
  readonly version: string | undefined;
  readonly fetch: FetchFunction;
  readonly headers: Readonly<Record<string, string>>;
  readonly retries: number;
  readonly retryStatuses: ReadonlySet<number>;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly retryUnsafe: boolean;
  readonly timeoutMs: number | undefined;
  readonly sleep: SleepFunction;
  readonly now: () => number;
  readonly random: () => number;
}

/** The defaults of `RetryOptions`. */
export const DEFAULT_RETRY = Object.freeze({
  retries: 2,
  statuses: Object.freeze([429, 503, 504]) as readonly number[],
  baseDelayMs: 200,
  maxDelayMs: 5000,
  unsafe: false,
});

/** The default `sleep`: a timer, cleared when the signal aborts. */
export const abortableSleep: SleepFunction = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function wholeNumber(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new TypeError(`The \`${name}\` option must be a whole number, got ${String(value)}.`);
  }
  if (value < min || value > max) {
    throw new RangeError(`The \`${name}\` option must be from ${min} to ${max}, got ${value}.`);
  }
  return value;
}

function hookFunction<F>(value: unknown, name: string, fallback: F): F {
  if (value === undefined) return fallback;
  if (typeof value !== 'function') throw new TypeError(`The \`${name}\` hook must be a function.`);
  return value as F;
}

function parseBaseUrl(value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError('The `baseUrl` option must be a non-empty string such as "https://api.example.com".');
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`The \`baseUrl\` option must be an absolute URL, got "${value}".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`The \`baseUrl\` option must be an http: or https: URL, got "${value}".`);
  }
  if (url.search !== '' || url.hash !== '') {
    throw new TypeError(`The \`baseUrl\` option must not have a query string or fragment, got "${value}".`);
  }
  // Paths are appended, so "https://h/api" + "/accounts" is "https://h/api/accounts".
  return url.href.replace(/\/+$/, '');
}

function parseHeaders(value: unknown): Readonly<Record<string, string>> {
  if (value === undefined) return Object.freeze({});
  if (!isObject(value)) throw new TypeError('The `headers` option must be an object of header names to string values.');
  const headers: Record<string, string> = {};
  for (const [name, header] of Object.entries(value)) {
    if (typeof header !== 'string') throw new TypeError(`The \`headers\` option's "${name}" must be a string.`);
    headers[name] = header;
  }
  return Object.freeze(headers);
}

function parseStatuses(value: unknown): ReadonlySet<number> {
  if (value === undefined) return new Set(DEFAULT_RETRY.statuses);
  if (!Array.isArray(value)) throw new TypeError('The `retry.statuses` option must be an array of HTTP statuses.');
  return new Set(value.map((status: unknown) => wholeNumber(status, 'retry.statuses', 400, 599)));
}

/**
 * Checks `createClient()`'s options and resolves the defaults. Throws a
 * `TypeError` for an unknown option (a typo is not ignored) or a value of
 * the wrong type, and a `RangeError` for one out of range, naming the option.
 * `hooks` (tests only) are not options.
 */
export function parseClientOptions(options: ClientOptions, hooks: ClientHooks = {}): ClientConfig {
  if (!isObject(options)) throw new TypeError('createClient() needs an options object with at least `baseUrl`.');
  checkOptionKeys(options, CLIENT_OPTIONS, 'createClient()');
  const baseUrl = parseBaseUrl(options.baseUrl);
  const { version } = options;
  if (version !== undefined && (typeof version !== 'string' || version === '')) {
    throw new TypeError('The `version` option must be a non-empty string.');
  }
  let fetchFunction = options.fetch;
  if (fetchFunction === undefined) {
    if (typeof globalThis.fetch !== 'function') {
      throw new TypeError('No global `fetch` exists here: pass the `fetch` option.');
    }
    // Called through globalThis: a browser's fetch throws "Illegal invocation" when called on another object.
    fetchFunction = (input, init) => globalThis.fetch(input, init);
  } else if (typeof fetchFunction !== 'function') {
    throw new TypeError('The `fetch` option must be a function.');
  }
  const retry: unknown = options.retry ?? {};
  if (!isObject(retry)) throw new TypeError('The `retry` option must be an object.');
  checkOptionKeys(retry, RETRY_OPTIONS, "createClient()'s `retry`");
  const retries = retry['retries'] === undefined ? DEFAULT_RETRY.retries : wholeNumber(retry['retries'], 'retry.retries', 0, 100);
  const baseDelayMs =
    retry['baseDelayMs'] === undefined ? DEFAULT_RETRY.baseDelayMs : wholeNumber(retry['baseDelayMs'], 'retry.baseDelayMs', 0, MAX_TIMER_MS);
  const maxDelayMs =
    retry['maxDelayMs'] === undefined ? DEFAULT_RETRY.maxDelayMs : wholeNumber(retry['maxDelayMs'], 'retry.maxDelayMs', 0, MAX_TIMER_MS);
  const unsafe = retry['unsafe'] ?? DEFAULT_RETRY.unsafe;
  if (typeof unsafe !== 'boolean') throw new TypeError('The `retry.unsafe` option must be a boolean.');
  const timeoutMs = options.timeoutMs === undefined ? undefined : wholeNumber(options.timeoutMs, 'timeoutMs', 1, MAX_TIMER_MS);

  return Object.freeze({
    baseUrl,
    version,
    fetch: fetchFunction,
    headers: parseHeaders(options.headers),
    retries,
    retryStatuses: parseStatuses(retry['statuses']),
    baseDelayMs,
    maxDelayMs,
    retryUnsafe: unsafe,
    timeoutMs,
    sleep: hookFunction<SleepFunction>(hooks.sleep, 'sleep', abortableSleep),
    now: hookFunction<() => number>(hooks.now, 'now', Date.now),
    random: hookFunction<() => number>(hooks.random, 'random', Math.random),
  });
}
