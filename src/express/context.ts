/**
 * The per-request context store: trace id, version and warnings, kept in an
 * AsyncLocalStorage for code that has no `res` at hand, and on the response
 * object for the responders, which then need no store lookup.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ServerResponse } from 'node:http';
import type { WarningObject } from '../core/envelope.js';
import type { ErrorMapper } from '../core/normalize.js';
import { TRACE_ID_HEADER, VERSION_HEADER } from '../core/headers.js';
import { newTraceId } from '../core/trace-id.js';
import { IMPLICIT_VERSION, type VersionSet } from '../core/version.js';
import type { OpenTelemetryTraceApi, SpanLike } from './tracing-options.js';

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
  view: object | undefined;
  /** `envelope({ mapErrors })`, the same frozen array for every request; `undefined` without it. */
  mapErrors: readonly ErrorMapper[] | undefined;
}

/** Makes a context; every field is present from the start so all contexts share one shape. */
export function newContext(
  traceId: string,
  version: string,
  versions: VersionSet | undefined,
  startedAt: number | undefined,
  mapErrors: readonly ErrorMapper[] | undefined,
): MutableContext {
  return { traceId, version, warnings: undefined, versions, startedAt, code: undefined, span: undefined, traceFlags: undefined, traceState: undefined, openTelemetry: undefined, view: undefined, mapErrors };
}

const storage = new AsyncLocalStorage<MutableContext>();
// A WeakMap, not a (symbol) property on `res`: over real HTTP, a property added
// to Node's request or response object costs every request far more than the
// lookup — most likely because Node's http code and Express's router, which
// read those objects all through the request, then see one more hidden class.
// Measured with npm run bench (Express 5): the hand-written stack with one
// symbol property set on `res` and one on `req` lost 7-19 % of its req/s and
// spent 8-19 % more CPU per request (3 runs); this store and the one in
// ../auth/authenticate.ts, against the symbol properties they replace, gave
// +0.5 to +5.4 % req/s and -0.9 to -7.1 % CPU per request (5 runs, medians
// +2.5 % and -3.2 %). A light-my-request run in one process does not show it.
const contexts = new WeakMap<ServerResponse, MutableContext>();

/** Runs `next` inside `context`, and attaches the context to the response. */
export function enterContext(res: ServerResponse, context: MutableContext, next: () => void): void {
  contexts.set(res, context);
  storage.run(context, next);
}

/** The context attached to a response, if any, without making one. */
export function peekContext(res: ServerResponse): MutableContext | undefined {
  return contexts.get(res);
}

/**
 * The context of a response: the one `envelope()` made, or — when
 * `envelope()` never ran for it — a new one with a fresh trace id and the
 * implicit version, whose headers are set at once.
 */
export function contextOf(res: ServerResponse): MutableContext {
  const existing = contexts.get(res);
  if (existing !== undefined) return existing;
  const context = newContext(newTraceId(), IMPLICIT_VERSION, undefined, undefined, undefined);
  contexts.set(res, context);
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
