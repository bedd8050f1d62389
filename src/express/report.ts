/**
 * Reports for the team's logs: the report of a request, and the default
 * reporter that writes 5xx and late errors to stderr.
 */
import type { ServerResponse } from 'node:http';
import { inspect } from 'node:util';
import { durationSince, pathWithoutQuery, type ErrorReport, type ErrorReporter } from '../core/report.js';
import { upstreamOf } from '../core/upstream.js';
import type { MutableContext } from './context.js';

/**
 * The `ErrorReport` of a request, for `onError` and stderr: its trace id,
 * version, method, path (without the query string) and duration so far; for
 * a 5xx whose `error` is given and came from an upstream call, that call.
 */
export function errorReport(
  res: ServerResponse,
  context: MutableContext,
  status: number,
  code: string,
  late: boolean,
  error?: unknown,
): ErrorReport {
  const req = res.req as (ServerResponse['req'] & { originalUrl?: string }) | undefined;
  const base = {
    traceId: context.traceId,
    version: context.version,
    status,
    code,
    method: req?.method,
    path: pathWithoutQuery(req?.originalUrl ?? req?.url),
    late,
  };
  const durationMs = durationSince(context.startedAt);
  const upstream = status >= 500 && error !== undefined ? upstreamOf(error) : undefined;
  if (upstream === undefined) return durationMs === undefined ? base : { ...base, durationMs };
  return durationMs === undefined ? { ...base, upstream } : { ...base, durationMs, upstream };
}

function describeUpstream(upstream: NonNullable<ErrorReport['upstream']>): string {
  const parts = [upstream.status === undefined ? 'no answer' : String(upstream.status)];
  if (upstream.method !== undefined) parts.push(upstream.method);
  if (upstream.url !== undefined) parts.push(upstream.url);
  return ` upstream=${parts.join(' ')}`;
}

/** The default reporter: one block on stderr for each 5xx or late error, with its trace_id; 4xx are the client's and are not logged. */
export const reportToStderr: ErrorReporter = (error, report) => {
  if (report.status < 500 && !report.late) return;
  const where = report.method === undefined ? '' : ` ${report.method} ${report.path ?? ''}`;
  const what = report.late ? 'error after the response started' : `${report.status} ${report.code}`;
  process.stderr.write(
    `kompliant-envelope: ${what} trace_id=${report.traceId} version=${report.version}${where}` +
      `${report.upstream === undefined ? '' : describeUpstream(report.upstream)}\n` +
      `${inspect(error, { depth: 3, breakLength: Infinity })}\n`,
  );
};

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
