/**
 * The tracing options of `envelope()` and the shapes of the tracers they
 * take (structural: no tracing package is imported).
 */

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
