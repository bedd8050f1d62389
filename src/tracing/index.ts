/**
 * kompliant-envelope/tracing: carrying the trace to other services —
 * `traceHeaders()` for outgoing calls and `parseTraceparent()` for W3C
 * Trace Context. (Trusting incoming ids, OpenTelemetry and cls-hooked are
 * options of `envelope()`.) Every export is listed here by name.
 *
 * @module kompliant-envelope/tracing
 */
export { traceHeaders, type TraceHeadersOptions } from './trace-headers.js';
export { parseTraceparent, type TraceParent } from '../core/trace-id.js';
export type { TracingOptions, OpenTelemetryTraceApi, SpanLike, ClsNamespaceLike } from '../express/tracing-options.js';
