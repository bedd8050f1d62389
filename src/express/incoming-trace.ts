/**
 * Which incoming trace ids are trusted, and checks of the tracing bridges:
 * compiled once from `envelope()`'s options, so a service that uses none of
 * it pays nothing per request.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { isHeaderName } from '../core/headers.js';
import { INCOMING_TRACE_ID, hexToUuidShape, parseTraceparent } from '../core/trace-id.js';
import type { MutableContext } from './context.js';
import type { TracingOptions } from './tracing-options.js';

type IncomingId = (headers: IncomingHttpHeaders, context: MutableContext) => boolean;

const TRACESTATE = /^[\x20-\x7e]{1,512}$/;

/** Compiles `trustIncoming` into one function that sets the context's trace id from the first valid header, or returns false. */
export function compileTrustIncoming(names: readonly string[] | undefined): IncomingId | undefined {
  if (names === undefined) return undefined;
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string' && isHeaderName(n))) {
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
