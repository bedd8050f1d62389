/**
 * Reports for the team's logs: the report of a request, and the default
 * reporter that writes 5xx and late errors to stderr.
 */
import type { ServerResponse } from 'node:http';
import { MAX_ERROR_MESSAGE_LENGTH } from '../core/bound.js';
import { durationSince, logField, pathWithoutQuery, type ErrorReport, type ErrorReporter } from '../core/report.js';
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

/** The longest stack printed; a stack is most useful at its top. */
const MAX_STACK = 4000;

/** A property of a thrown value, or `undefined` when reading it throws (a getter, a revoked Proxy): a report must never throw. */
function read(value: object, key: string): unknown {
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

function nameOf(error: object): string {
  const name = read(error, 'name');
  if (typeof name === 'string' && name !== '') return name;
  const constructor = read(error, 'constructor');
  const constructorName = typeof constructor === 'function' ? read(constructor, 'name') : undefined;
  return typeof constructorName === 'string' && constructorName !== '' ? constructorName : 'Object';
}

/**
 * The fields that tell what was thrown, for one log line: `error=<name>
 * message="…"`, the `stack` when `withStack`, and the `cause`'s name and
 * message (one level). Never a dump of the value: an HTTP client's error
 * carries its request config, headers and all, and none of that is printed.
 * Messages are clipped to `MAX_ERROR_MESSAGE_LENGTH`, CR/LF escaped. Never throws.
 */
export function describeError(error: unknown, withStack: boolean, prefix = ''): string {
  if (error === null || error === undefined) return logField(`${prefix}error`, String(error));
  if (typeof error !== 'object' && typeof error !== 'function') {
    // A thrown string or number says what it is; a symbol or bigint prints as its type.
    const text = typeof error === 'string' || typeof error === 'number' || typeof error === 'boolean' ? String(error) : typeof error;
    return `${logField(`${prefix}error`, typeof error)} ${logField(`${prefix}message`, text, MAX_ERROR_MESSAGE_LENGTH)}`;
  }
  let line = logField(`${prefix}error`, nameOf(error), 200);
  const message = read(error, 'message');
  if (typeof message === 'string') line += ` ${logField(`${prefix}message`, message, MAX_ERROR_MESSAGE_LENGTH)}`;
  const stack = withStack ? read(error, 'stack') : undefined;
  if (typeof stack === 'string') line += ` ${logField(`${prefix}stack`, stack, MAX_STACK)}`;
  const cause = read(error, 'cause');
  if (cause !== null && typeof cause === 'object') {
    line += ` ${logField(`${prefix}cause`, nameOf(cause), 200)}`;
    const causeMessage = read(cause, 'message');
    if (typeof causeMessage === 'string') line += ` ${logField(`${prefix}cause_message`, causeMessage, MAX_ERROR_MESSAGE_LENGTH)}`;
  }
  return line;
}

/** The fields of a report: status, code, trace id, version, method, path, duration, upstream call. */
function describeReport(report: ErrorReport): string {
  let line = `status=${report.status} ${logField('code', report.code, 200)} ${logField('trace_id', report.traceId, 200)} ${logField('version', report.version, 200)}`;
  if (report.method !== undefined) line += ` ${logField('method', report.method, 50)}`;
  if (report.path !== undefined) line += ` ${logField('path', report.path, 2000)}`;
  if (report.late) line += ' late=true';
  if (report.durationMs !== undefined) line += ` duration_ms=${report.durationMs}`;
  const upstream = report.upstream;
  if (upstream !== undefined) {
    if (upstream.status !== undefined) line += ` upstream_status=${upstream.status}`;
    if (upstream.method !== undefined) line += ` ${logField('upstream_method', upstream.method, 50)}`;
    if (upstream.url !== undefined) line += ` ${logField('upstream_url', upstream.url, 2000)}`;
  }
  return line;
}

/**
 * The default reporter: one line on stderr for each 5xx or late error —
 * status, code, trace id, version, method, path (without the query), what
 * was thrown (name, message, stack, cause) and the upstream call, each as
 * `name=value`; 4xx are the client's and are not logged.
 */
export const reportToStderr: ErrorReporter = (error, report) => {
  if (report.status < 500 && !report.late) return;
  process.stderr.write(`kompliant-envelope: ${describeReport(report)} ${describeError(error, true)}\n`);
};

/** Calls `reporter`; if the reporter itself throws, both errors go to stderr (one line) and the caller goes on. */
export function safeReport(reporter: ErrorReporter, error: unknown, report: ErrorReport): void {
  try {
    reporter(error, report);
  } catch (reporterError) {
    try {
      process.stderr.write(
        `kompliant-envelope: the onError hook threw while reporting ${describeReport(report)} ` +
          `${describeError(error, report.status >= 500)} ${describeError(reporterError, true, 'hook_')}\n`,
      );
    } catch {
      // stderr itself failed; nothing is left to tell.
    }
  }
}
