/**
 * What an error report says about its request: the shape `onError` receives,
 * and the pure pieces of it. Nothing here ever reaches a response.
 */
import { clip } from './bound.js';

/** What a report knows about the request the error belongs to. */
export interface ErrorReport {
  readonly traceId: string;
  readonly version: string;
  /** The HTTP status the client got (or, for a late error, would have got). */
  readonly status: number;
  /** The first error code the client got. */
  readonly code: string;
  readonly method: string | undefined;
  readonly path: string | undefined;
  /** True when the error came after the answer had started, so the client did not get it. */
  readonly late: boolean;
  /** Milliseconds since the request entered `envelope()`; absent without it. */
  readonly durationMs?: number;
  /**
   * For a 5xx caused by an upstream call (an axios, got, ky, Octokit, gaxios,
   * undici or `EnvelopeError` error): the status the upstream answered, the
   * method and the URL without its query string, as far as the error tells.
   * Absent otherwise.
   */
  readonly upstream?: { readonly status?: number; readonly method?: string; readonly url?: string };
}

/** Milliseconds since `startedAt` (a `performance.now()` reading), to the microsecond; `undefined` without a start. */
export function durationSince(startedAt: number | undefined): number | undefined {
  return startedAt === undefined ? undefined : Math.round((performance.now() - startedAt) * 1000) / 1000;
}

/** A logging hook: receives the original thrown value and its report. */
export type ErrorReporter = (error: unknown, report: ErrorReport) => void;

/** A URL's path without its query string, which may carry secrets (tokens, emails) that do not belong in logs. */
export function pathWithoutQuery(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** What a redacted header value is replaced with. */
export const REDACTED = '[redacted]';

const SECRET_HEADERS: ReadonlySet<string> = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'x-auth-token']);

/**
 * True for a header whose value must never be logged: `Authorization`,
 * `Proxy-Authorization`, `Cookie`, `Set-Cookie`, `X-API-Key`, `X-Auth-Token`,
 * and any name ending in `-token` or `-secret` (any case).
 */
export function isSecretHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return SECRET_HEADERS.has(lower) || lower.endsWith('-token') || lower.endsWith('-secret');
}

/**
 * A copy of `headers` fit for a log line: the value of every header
 * `isSecretHeader()` names is `[redacted]`; other values become strings
 * (arrays joined with `, `). Anything but a plain object of headers gives `{}`.
 * The default reporter prints no headers; use this in your own logging
 * (an access log, an `onError` that logs an HTTP client's request) before
 * logging any.
 *
 * @example
 * ```ts
 * app.use((req, res, next) => {
 *   logger.info({ method: req.method, path: req.path, headers: redactHeaders(req.headers) });
 *   next();
 * });
 * ```
 */
export function redactHeaders(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers === null || typeof headers !== 'object') return out;
  // axios keeps its headers in an AxiosHeaders instance; its own enumerable keys are the headers.
  for (const name of Object.keys(headers)) {
    const value: unknown = (headers as Record<string, unknown>)[name];
    if (typeof value === 'function' || value === undefined) continue;
    out[name] = isSecretHeader(name) ? REDACTED : Array.isArray(value) ? value.map(String).join(', ') : String(value);
  }
  return out;
}

// Controls (CR and LF first), the quote and the backslash: a value can neither end its line nor its quotes.
const NEEDS_ESCAPE = /[\u0000-\u001f\u007f"\\\u2028\u2029]/g;
const BARE = /^[\w.:/@+~%,-]{1,200}$/;

function escapeOne(char: string): string {
  if (char === '\n') return '\\n';
  if (char === '\r') return '\\r';
  if (char === '\t') return '\\t';
  if (char === '"') return '\\"';
  if (char === '\\') return '\\\\';
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * `name=value` for a log line: the value as it is when it is a plain token,
 * else in double quotes with CR, LF, other controls, quotes and backslashes
 * escaped, so a value can never start a new log line. Values longer than
 * `max` are cut and end with `…`.
 */
export function logField(name: string, value: string, max = 1000): string {
  const text = clip(value, max);
  return BARE.test(text) ? `${name}=${text}` : `${name}="${text.replace(NEEDS_ESCAPE, escapeOne)}"`;
}
