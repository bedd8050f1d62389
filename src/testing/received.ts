/**
 * What a matcher was given: an HTTP response (supertest's, or anything with
 * a numeric `status`, `headers` and `body`) or a plain parsed body.
 */

/** The parts of an HTTP response the matchers read; supertest's `Response` fits. */
export interface ResponseLike {
  readonly status: number;
  /** Lower-case header names, as Node and supertest give them, or a fetch `Headers`. */
  readonly headers: Readonly<Record<string, unknown>> | { get(name: string): string | null };
  readonly body: unknown;
}

/** A matcher's input, split into its response status and headers (when a response) and its body. */
export interface Received {
  /** `undefined` for a plain body. */
  readonly response: { readonly status: number; readonly traceIdHeader: string | undefined } | undefined;
  readonly body: unknown;
}

/** True for an object shaped like an HTTP response rather than a parsed body. */
export function isResponseLike(value: unknown): value is ResponseLike {
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as { status?: unknown; headers?: unknown };
  return typeof candidate.status === 'number' && candidate.headers !== null && typeof candidate.headers === 'object' && 'body' in candidate;
}

/** One header of a response, whatever the container; a repeated header is joined with ", ". */
export function headerOf(headers: ResponseLike['headers'], name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== lower) continue;
    if (Array.isArray(value)) return value.join(', ');
    return value === undefined || value === null ? undefined : String(value);
  }
  return undefined;
}

/** Splits a matcher's input. */
export function readReceived(received: unknown): Received {
  if (!isResponseLike(received)) return { response: undefined, body: received };
  return {
    response: { status: received.status, traceIdHeader: headerOf(received.headers, 'x-trace-id') },
    body: received.body,
  };
}
