/**
 * `EnvelopeError`: what the client throws for every failure — an ERROR
 * envelope from the API, an answer that is not an envelope at all, a network
 * error, a timeout, an abort — so callers handle one shape only.
 */
import type { ErrorObject, WarningObject } from '../core/envelope.js';

/**
 * The codes the client itself puts in `errors` when the API gave no envelope
 * to read. They never come from the server.
 */
export const CLIENT_ERROR_CODES = Object.freeze({
  /** The answer is not a JSON envelope: an HTML error page, invalid JSON, an empty body (204), a JSON body of another shape. */
  NON_ENVELOPE_RESPONSE: 'NON_ENVELOPE_RESPONSE',
  /** `fetch` failed: connection refused, DNS failure, reset, CORS refusal. `status` is 0. */
  NETWORK_ERROR: 'NETWORK_ERROR',
  /** No complete answer within `timeoutMs`. `status` is 0. */
  CLIENT_TIMEOUT: 'CLIENT_TIMEOUT',
  /** The caller's `signal` aborted the request (or a wait between retries). `status` is 0. */
  REQUEST_ABORTED: 'REQUEST_ABORTED',
  /** `unwrap()` on a BATCH_PROCESSED envelope, or `unwrapBatch()` on a SUCCESS one: a caller mistake. */
  UNEXPECTED_ENVELOPE: 'UNEXPECTED_ENVELOPE',
} as const);

/** A code of `CLIENT_ERROR_CODES`. */
export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[keyof typeof CLIENT_ERROR_CODES];

/** What an `EnvelopeError` is made from. */
export interface EnvelopeErrorInit {
  /** The HTTP status, or 0 when no answer arrived. */
  readonly status: number;
  /** At least one error object. */
  readonly errors: readonly ErrorObject[];
  readonly traceId: string | undefined;
  readonly version: string | undefined;
  readonly warnings?: readonly WarningObject[];
  /** `GET /accounts`, to say which request failed. */
  readonly request?: string;
  /** The underlying error (a `fetch` TypeError, an abort reason). */
  readonly cause?: unknown;
}

function describe(init: EnvelopeErrorInit): string {
  const first = init.errors[0];
  const head = first === undefined ? 'UNKNOWN_ERROR: The answer carried no error object.' : `${first.code}: ${first.message}`;
  const more = init.errors.length > 1 ? ` (+${init.errors.length - 1} more)` : '';
  const where = init.status === 0 ? 'no HTTP answer' : `HTTP ${init.status}`;
  const request = init.request === undefined ? '' : ` from ${init.request}`;
  const trace = init.traceId === undefined ? 'no trace_id' : `trace_id ${init.traceId}`;
  return `${head}${more} [${where}${request}, ${trace}]`;
}

/**
 * A failed request. `errors` are the envelope's own error objects when the
 * API answered with an ERROR envelope, or one object with a code of
 * `CLIENT_ERROR_CODES` when it did not. The message names the first code and
 * the trace id, ready to quote to support.
 *
 * @example
 * ```ts
 * try {
 *   await api.post('/accounts', { body }).then((r) => r.unwrap<Account>());
 * } catch (error) {
 *   if (isEnvelopeError(error) && error.code === 'VALIDATION_ERROR') showFieldErrors(error.errors);
 *   else throw error;
 * }
 * ```
 */
export class EnvelopeError extends Error {
  override readonly name = 'EnvelopeError';
  /** The HTTP status; 0 for a network error, a timeout or an abort. */
  readonly status: number;
  /** The error objects, never empty. */
  readonly errors: readonly ErrorObject[];
  /** `meta.trace_id`, else the `X-Trace-Id` header, else `undefined`. */
  readonly traceId: string | undefined;
  /** `meta.version`, else the `X-API-Version` header, else `undefined`. */
  readonly version: string | undefined;
  /** `meta.warnings`, when the envelope had any. */
  readonly warnings?: readonly WarningObject[];
  /** The method and path of the failed request (`GET /accounts`), when the client made it. */
  readonly request?: string;

  constructor(init: EnvelopeErrorInit) {
    super(describe(init), init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.errors = init.errors;
    this.traceId = init.traceId;
    this.version = init.version;
    if (init.warnings !== undefined && init.warnings.length > 0) this.warnings = init.warnings;
    if (init.request !== undefined) this.request = init.request;
  }

  /** The code of the first error object. */
  get code(): string {
    return this.errors[0]?.code ?? 'UNKNOWN_ERROR';
  }
}

/**
 * True for an `EnvelopeError`, also one made by another copy of this module
 * (another realm or bundle), which `instanceof` would miss.
 */
export function isEnvelopeError(value: unknown): value is EnvelopeError {
  return (
    value instanceof EnvelopeError ||
    (value !== null &&
      typeof value === 'object' &&
      (value as { name?: unknown }).name === 'EnvelopeError' &&
      typeof (value as { status?: unknown }).status === 'number' &&
      Array.isArray((value as { errors?: unknown }).errors))
  );
}
