/**
 * The per-request context: trace id, version and warnings, kept in an
 * AsyncLocalStorage for code that has no `res` at hand, and on the response
 * object for the responders, which then need no store lookup.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ServerResponse } from 'node:http';
import { v4 as uuidv4 } from 'uuid';
import { entry, type WarningObject } from '../core/envelope.js';
import { durationSince, pathWithoutQuery, type ErrorReport } from '../core/report.js';
import { IMPLICIT_VERSION, type VersionSet } from '../core/version.js';
import type { OpenTelemetryTraceApi, SpanLike } from './tracing.js';

/** What is known about the current request. */
export interface RequestContext {
  /** The request's trace id, also in `meta.trace_id` and the `X-Trace-Id` header. */
  readonly traceId: string;
  /** The resolved API version, also in `meta.version` and the `X-API-Version` header. */
  readonly version: string;
  /** Warnings added with `warn()`; sent in `meta.warnings` of the answer. */
  readonly warnings: readonly WarningObject[] | undefined;
}

/** The same object, writable inside the library, with what only the library reads. */
export interface MutableContext {
  traceId: string;
  version: string;
  warnings: WarningObject[] | undefined;
  /** The versions `envelope()` was given (for `versioned()`); `undefined` without `envelope()`. */
  versions: VersionSet | undefined;
  /** `performance.now()` when the request entered `envelope()`. */
  startedAt: number | undefined;
  /** The first error code of the answer, once an error envelope was written. */
  code: string | undefined;
  /** The active OpenTelemetry span, with `envelope({ openTelemetry })`. */
  span: SpanLike | undefined;
  /** The flags of a trusted incoming `traceparent`, passed on by `traceHeaders()`. */
  traceFlags: string | undefined;
  /** A trusted incoming W3C `tracestate`, passed on unchanged by `traceHeaders()`. */
  traceState: string | undefined;
  /** `envelope({ openTelemetry })`'s API, for `traceHeaders()` to read the span active when it is called. */
  openTelemetry: OpenTelemetryTraceApi | undefined;
  /** What `requestContext()` hands out, made on its first call. */
  view: RequestContext | undefined;
}

/** Makes a context; every field is present from the start so all contexts share one shape. */
export function newContext(traceId: string, version: string, versions: VersionSet | undefined, startedAt: number | undefined): MutableContext {
  return { traceId, version, warnings: undefined, versions, startedAt, code: undefined, span: undefined, traceFlags: undefined, traceState: undefined, openTelemetry: undefined, view: undefined };
}

/** The response header that carries the trace id. */
export const TRACE_ID_HEADER = 'X-Trace-Id';
/** The request and response header that carries the API version. */
export const VERSION_HEADER = 'X-API-Version';

const storage = new AsyncLocalStorage<MutableContext>();
const contextKey: unique symbol = Symbol('kompliant-envelope.context');

type WithContext = ServerResponse & { [contextKey]?: MutableContext };

/** A new trace id: a random (v4) UUID. */
export function newTraceId(): string {
  return uuidv4();
}

/** Runs `next` inside `context`, and attaches the context to the response. */
export function enterContext(res: ServerResponse, context: MutableContext, next: () => void): void {
  (res as WithContext)[contextKey] = context;
  storage.run(context, next);
}

/**
 * The `ErrorReport` of a request, for `onError` and stderr: its trace id,
 * version, method, path (without the query string) and duration so far.
 */
export function errorReport(res: ServerResponse, context: MutableContext, status: number, code: string, late: boolean): ErrorReport {
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
  return durationMs === undefined ? base : { ...base, durationMs };
}

/** The context attached to a response, if any, without making one. */
export function peekContext(res: ServerResponse): MutableContext | undefined {
  return (res as WithContext)[contextKey];
}

/**
 * The context of a response: the one `envelope()` made, or — when
 * `envelope()` never ran for it — a new one with a fresh trace id and the
 * implicit version, whose headers are set at once.
 */
export function contextOf(res: ServerResponse): MutableContext {
  const existing = (res as WithContext)[contextKey];
  if (existing !== undefined) return existing;
  const context = newContext(newTraceId(), IMPLICIT_VERSION, undefined, undefined);
  (res as WithContext)[contextKey] = context;
  if (!res.headersSent) {
    res.setHeader(TRACE_ID_HEADER, context.traceId);
    res.setHeader(VERSION_HEADER, context.version);
  }
  return context;
}

/** The library's own view of the current request's context. */
export function currentContext(): MutableContext | undefined {
  return storage.getStore();
}

/**
 * The current request's `{ traceId, version, warnings }` anywhere in its
 * async flow (after awaits, timers, body parsing), or `undefined` outside a
 * request that went through `envelope()`.
 *
 * @example
 * ```ts
 * logger.info({ trace_id: requestContext()?.traceId }, 'charging card');
 * ```
 */
export function requestContext(): RequestContext | undefined {
  const context = storage.getStore();
  if (context === undefined) return undefined;
  // A read-only view, made once per request: the context itself also holds
  // the library's own fields (span, timings), which must not end up in logs or answers.
  return (context.view ??= Object.freeze({
    get traceId() {
      return context.traceId;
    },
    get version() {
      return context.version;
    },
    get warnings() {
      return context.warnings;
    },
    toJSON() {
      return { traceId: context.traceId, version: context.version, warnings: context.warnings };
    },
  }));
}

/**
 * Adds a warning to the current request's `meta.warnings`. Outside a request
 * it does nothing and returns `false`.
 *
 * @example
 * ```ts
 * warn('FIELD_DEPRECATED', 'The `fax` field is deprecated.', { field: 'fax' });
 * ```
 */
export function warn(code: string, message: string, extra?: Readonly<Record<string, unknown>>): boolean {
  if (typeof code !== 'string' || code === '' || typeof message !== 'string') {
    throw new TypeError('warn() needs a non-empty string `code` and a string `message`.');
  }
  const context = storage.getStore();
  if (context === undefined) return false;
  (context.warnings ??= []).push(entry(code, message, extra));
  return true;
}
