/**
 * Reporting errors for the team's logs. Nothing here ever reaches a response.
 */
import { inspect } from 'node:util';

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
}

/** Milliseconds since `startedAt` (a `performance.now()` reading), to the microsecond; `undefined` without a start. */
export function durationSince(startedAt: number | undefined): number | undefined {
  return startedAt === undefined ? undefined : Math.round((performance.now() - startedAt) * 1000) / 1000;
}

/** A logging hook: receives the original thrown value and its report. */
export type ErrorReporter = (error: unknown, report: ErrorReport) => void;

/** The default reporter: one block on stderr for each 5xx or late error, with its trace_id; 4xx are the client's and are not logged. */
export const reportToStderr: ErrorReporter = (error, report) => {
  if (report.status < 500 && !report.late) return;
  const where = report.method === undefined ? '' : ` ${report.method} ${report.path ?? ''}`;
  const what = report.late ? 'error after the response started' : `${report.status} ${report.code}`;
  process.stderr.write(
    `kompliant-envelope: ${what} trace_id=${report.traceId} version=${report.version}${where}\n` +
      `${inspect(error, { depth: 3, breakLength: Infinity })}\n`,
  );
};

/** A URL's path without its query string, which may carry secrets (tokens, emails) that do not belong in logs. */
export function pathWithoutQuery(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** Calls `reporter`; if the reporter itself throws, both errors go to stderr and the caller goes on. */
export function safeReport(reporter: ErrorReporter, error: unknown, report: ErrorReport): void {
  try {
    reporter(error, report);
  } catch (reporterError) {
    try {
      process.stderr.write(
        `kompliant-envelope: the onError hook threw while reporting ${report.status} ${report.code} trace_id=${report.traceId}\n` +
          `reported error: ${inspect(error, { depth: 3, breakLength: Infinity })}\n` +
          `hook error: ${inspect(reporterError, { depth: 3, breakLength: Infinity })}\n`,
      );
    } catch {
      // stderr itself failed; nothing is left to tell.
    }
  }
}
