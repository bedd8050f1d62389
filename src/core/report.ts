/**
 * What an error report says about its request: the shape `onError` receives,
 * and the pure pieces of it. Nothing here ever reaches a response.
 */

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
