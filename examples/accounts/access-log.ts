/**
 * The demo's access log: one JSON line per request (abandoned ones marked `aborted`), fed by
 * `envelope()`'s `onResponse`, carrying the trace_id to find the request by.
 */
import type { ResponseReport } from 'kompliant-envelope';

/** One access-log line (without the newline): the report as JSON; `code` is null for a success. */
export function accessLogLine(report: ResponseReport): string {
  return JSON.stringify({
    level: 'info',
    trace_id: report.traceId,
    version: report.version,
    method: report.method,
    path: report.path,
    status: report.status,
    code: report.code ?? null,
    duration_ms: Math.round(report.durationMs * 10) / 10,
    ...(report.aborted ? { aborted: true } : {}),
  });
}

/** The access log `server.ts` uses: one `accessLogLine()` per request on stdout. */
export const logAccess = (report: ResponseReport): void => {
  process.stdout.write(`${accessLogLine(report)}\n`);
};
