/**
 * Trace ids across services: which incoming ids are trusted, the
 * OpenTelemetry and cls-hooked bridges, and the headers to forward.
 * Everything is compiled once from `envelope()`'s options; a service that
 * uses none of it pays nothing per request.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { INCOMING_TRACE_ID, formatTraceparent, hexToUuidShape, parseTraceparent, traceIdHex } from '../core/trace-id.js';
import { TRACE_ID_HEADER, currentContext, type MutableContext } from './context.js';

/** The part of an OpenTelemetry span this library uses (structurally `@opentelemetry/api`'s `Span`). */
export interface SpanLike {
  spanContext(): { traceId: string; spanId: string; traceFlags: number };
  setAttribute(key: string, value: string | number | boolean): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  recordException(exception: Error | string): unknown;
}

/** `@opentelemetry/api`'s `trace` object: pass it as `envelope({ openTelemetry: trace })`. */
export interface OpenTelemetryTraceApi {
  getActiveSpan(): SpanLike | undefined;
}

/** The part of a cls-hooked namespace this library uses. */
export interface ClsNamespaceLike {
  run(fn: (...args: unknown[]) => void): unknown;
  set(key: string, value: unknown): unknown;
  bindEmitter(emitter: NodeJS.EventEmitter): void;
}

/** The tracing options of `envelope()`. */
export interface TracingOptions {
  /**
   * Incoming headers whose trace id is reused, tried in order: `'traceparent'`
   * (W3C Trace Context; only a valid one, its trace id written as a UUID)
   * and/or header names such as `'X-Request-Id'` (a value of 1-128 letters,
   * digits, `.`, `_`, `:`, `-`). An invalid value is ignored, never echoed,
   * and a fresh id is made. Only list headers your gateway sets: a client
   * must not choose its own trace id.
   * @default [] (never trust an incoming id)
   */
  readonly trustIncoming?: readonly string[];
  /**
   * `@opentelemetry/api`'s `trace`: the active span's trace id becomes the
   * `trace_id` (32 hex digits, as in your tracing backend), and errors mark
   * the span (`error.type` = the error code; status ERROR and the exception
   * for 5xx).
   * @default undefined (no OpenTelemetry)
   */
  readonly openTelemetry?: OpenTelemetryTraceApi;
  /**
   * A cls-hooked namespace (`createNamespace(…)`): each request also runs
   * inside it, with `trace_id` and `version` set, for code that reads it
   * (Sequelize's CLS transactions, older loggers).
   * @default undefined
   */
  readonly clsNamespace?: ClsNamespaceLike;
}

type IncomingId = (headers: IncomingHttpHeaders, context: MutableContext) => boolean;

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/;
const TRACESTATE = /^[\x20-\x7e]{1,512}$/;

/** Compiles `trustIncoming` into one function that sets the context's trace id from the first valid header, or returns false. */
export function compileTrustIncoming(names: readonly string[] | undefined): IncomingId | undefined {
  if (names === undefined) return undefined;
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string' && HEADER_NAME.test(n))) {
    throw new TypeError('The `trustIncoming` option must be an array of header names, such as ["traceparent", "X-Request-Id"].');
  }
  if (names.length === 0) return undefined;
  const lower = names.map((n) => n.toLowerCase());
  return (headers, context) => {
    for (const name of lower) {
      const value = headers[name];
      if (typeof value !== 'string') continue;
      if (name === 'traceparent') {
        const parent = parseTraceparent(value);
        if (parent === undefined) continue;
        context.traceId = hexToUuidShape(parent.traceId);
        context.traceFlags = parent.flags;
        const state = headers['tracestate'];
        // W3C: vendor state travels with its traceparent; kept only when it is plain printable ASCII of sane length.
        if (typeof state === 'string' && TRACESTATE.test(state)) context.traceState = state;
        return true;
      }
      if (INCOMING_TRACE_ID.test(value)) {
        context.traceId = value;
        return true;
      }
    }
    return false;
  };
}

/** Checks the `openTelemetry` and `clsNamespace` options. */
export function checkTracingBridges(options: TracingOptions): void {
  const { openTelemetry, clsNamespace } = options;
  if (openTelemetry !== undefined && typeof openTelemetry?.getActiveSpan !== 'function') {
    throw new TypeError("The `openTelemetry` option must be @opentelemetry/api's `trace` (it needs getActiveSpan()).");
  }
  if (
    clsNamespace !== undefined &&
    (typeof clsNamespace?.run !== 'function' || typeof clsNamespace.set !== 'function' || typeof clsNamespace.bindEmitter !== 'function')
  ) {
    throw new TypeError('The `clsNamespace` option must be a cls-hooked namespace (from createNamespace()).');
  }
}

/** Takes the trace id of the active OpenTelemetry span, if there is a valid one. */
export function useActiveSpan(api: OpenTelemetryTraceApi, context: MutableContext): boolean {
  let span: SpanLike | undefined;
  try {
    span = api.getActiveSpan();
  } catch {
    return false;
  }
  if (span === undefined) return false;
  const traceId = span.spanContext().traceId;
  if (traceIdHex(traceId) !== traceId) return false;
  context.traceId = traceId;
  context.span = span;
  context.openTelemetry = api;
  return true;
}

const SPAN_STATUS_ERROR = 2; // SpanStatusCode.ERROR in @opentelemetry/api

/**
 * Marks the request's span with an error answer: `error.type` is the error
 * code, and a 5xx also sets the span's status to ERROR (OpenTelemetry's
 * HTTP server conventions leave 4xx spans unset). Tracing never breaks an answer.
 */
export function markSpan(span: SpanLike, status: number, code: string): void {
  try {
    span.setAttribute('error.type', code);
    if (status >= 500) span.setStatus({ code: SPAN_STATUS_ERROR, message: code });
  } catch {
    // A broken tracer must not cost the client its answer.
  }
}

/** Records a thrown error on the request's span, if any. */
export function recordSpanException(context: MutableContext, error: unknown): void {
  if (context.span === undefined || !(error instanceof Error)) return;
  try {
    context.span.recordException(error);
  } catch {
    // As above.
  }
}

function activeSpan(context: MutableContext): SpanLike | undefined {
  try {
    return context.openTelemetry?.getActiveSpan();
  } catch {
    return undefined;
  }
}

/** Options of `traceHeaders()`. */
export interface TraceHeadersOptions {
  /** Include a W3C `traceparent` (when the trace id has a 32-hex form). @default true */
  readonly traceparent?: boolean;
  /** The header that carries the trace id as it is, or `false` for none. @default 'X-Trace-Id' */
  readonly header?: string | false;
}

/**
 * The headers to send on calls to other services so they join this
 * request's trace: a `traceparent` continuing it (with the active
 * OpenTelemetry span as parent when there is one), the trusted incoming
 * `tracestate` with it, and `X-Trace-Id`. `{}` outside a request. (With
 * OpenTelemetry, its own propagator carries `tracestate`.)
 *
 * @example
 * ```ts
 * await fetch(`${billing}/invoices`, { headers: { ...traceHeaders(), 'Content-Type': 'application/json' }, … });
 * ```
 */
export function traceHeaders(options: TraceHeadersOptions = {}): Record<string, string> {
  const { traceparent = true, header = TRACE_ID_HEADER } = options;
  if (header !== false && (typeof header !== 'string' || !HEADER_NAME.test(header))) {
    throw new TypeError('The `header` option of traceHeaders() must be a header name or false.');
  }
  const context = currentContext();
  if (context === undefined) return {};
  const headers: Record<string, string> = {};
  if (traceparent) {
    // The span active now (a child span the handler started), else the request's own.
    const span = (activeSpan(context) ?? context.span)?.spanContext();
    const value =
      span !== undefined
        ? `00-${span.traceId}-${span.spanId}-${(span.traceFlags & 0xff).toString(16).padStart(2, '0')}`
        : formatTraceparent(context.traceId, context.traceFlags);
    if (value !== undefined) headers['traceparent'] = value;
    if (value !== undefined && span === undefined && context.traceState !== undefined) headers['tracestate'] = context.traceState;
  }
  if (header !== false) headers[header] = context.traceId;
  return headers;
}
