/**
 * The OpenTelemetry bridge: the active span's trace id becomes the request's,
 * and error answers mark the span.
 */
import { traceIdHex } from '../core/trace-id.js';
import type { MutableContext } from './context.js';
import type { OpenTelemetryTraceApi, SpanLike } from './tracing-options.js';

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
