/**
 * The per-request context store: trace id, version and warnings, kept in an
 * AsyncLocalStorage for code that has no `res` at hand, and with the response
 * (in Express's `res.locals`) for the responders, which then need no store lookup.
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
  /** Who `authenticate()` found the caller to be, for `principalOf()`. */
  principal: unknown;
}

/** Makes a context; every field is present from the start so all contexts share one shape. */
export function newContext(
  traceId: string,
  version: string,
  versions: VersionSet | undefined,
  startedAt: number | undefined,
  mapErrors: readonly ErrorMapper[] | undefined,
): MutableContext {
  return {
    traceId,
    version,
    warnings: undefined,
    versions,
    startedAt,
    code: undefined,
    span: undefined,
    traceFlags: undefined,
    traceState: undefined,
    openTelemetry: undefined,
    view: undefined,
    mapErrors,
    principal: undefined,
  };
}

const storage = new AsyncLocalStorage<MutableContext>();

// Where a response's context is kept. Not a property of `res` itself: over
// real HTTP, a property added to Node's request or response object costs every
// request far more than the lookup — most likely because Node's http code and
// Express's router, which read those objects all through the request, then see
// one more hidden class. Measured with npm run bench (Express 5): the
// hand-written stack with one symbol property set on `res` and one on `req`
// lost 7-19 % of its req/s and spent 8-19 % more CPU per request (3 runs).
// Not a WeakMap either, when Express is there: each request's entry has a key
// that dies young, and the garbage collector pays for every such entry — about
// 1.2 µs per request for one WeakMap in a model of 32 requests in flight
// (bench/context-store.ts), against 0.05 µs for a key of `res.locals`.
// Express gives every request a fresh `res.locals` made by
// `Object.create(null)`, a dictionary object: a key added there changes no
// hidden class. The key is a symbol, so `Object.keys()`, templates' own
// lookups and `JSON.stringify` never see it. Without Express (no
// `res.locals`), or when `res.locals` cannot take a key, the WeakMap keeps it.
// The context holds no reference to `res`: async resources made during a
// request (a pool's socket, say) keep its context alive for their lifetime,
// and must not keep the whole request and response alive with it.
const CONTEXT = Symbol('kompliant-envelope.context');
const contexts = new WeakMap<ServerResponse, MutableContext>();

/** Express's per-request `res.locals`, when it is there and can take a key. */
function localsOf(res: ServerResponse): Record<symbol, unknown> | undefined {
  const locals = (res as { locals?: unknown }).locals;
  return typeof locals === 'object' && locals !== null && Object.isExtensible(locals) ? (locals as Record<symbol, unknown>) : undefined;
}

function attach(res: ServerResponse, context: MutableContext): void {
  const locals = localsOf(res);
  if (locals === undefined) contexts.set(res, context);
  else locals[CONTEXT] = context;
}

/** Runs `next` inside `context`, and attaches the context to the response. */
export function enterContext(res: ServerResponse, context: MutableContext, next: () => void): void {
  attach(res, context);
  storage.run(context, next);
}

/**
 * The context attached to a response, if any, without making one. When a
 * later middleware replaced `res.locals` with an object of its own, the
 * context is still found as the current async context, checked to belong to
 * this response by the `X-Trace-Id` it set.
 */
export function peekContext(res: ServerResponse): MutableContext | undefined {
  const locals = (res as { locals?: Record<symbol, unknown> | null }).locals;
  const onLocals = typeof locals === 'object' && locals !== null ? (locals[CONTEXT] as MutableContext | undefined) : undefined;
  if (onLocals !== undefined) return onLocals;
  const stored = contexts.get(res);
  if (stored !== undefined) return stored;
  // The context of the request being served is this response's when its trace id is the one the response carries.
  const current = storage.getStore();
  return current !== undefined && res.getHeader(TRACE_ID_HEADER) === current.traceId ? current : undefined;
}

/**
 * The context of a response: the one `envelope()` made, or — when
 * `envelope()` never ran for it — a new one with a fresh trace id and the
 * implicit version, whose headers are set at once.
 */
export function contextOf(res: ServerResponse): MutableContext {
  const existing = peekContext(res);
  if (existing !== undefined) return existing;
  const context = newContext(newTraceId(), IMPLICIT_VERSION, undefined, undefined, undefined);
  attach(res, context);
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
