/**
 * `EnvelopeResponse`: an answer whose body is an envelope, and the
 * `unwrap()` / `unwrapBatch()` that turn it into data or an `EnvelopeError`.
 * `readEnvelope()` decides whether a body is an envelope at all.
 */
import {
  isBatchEnvelope,
  isErrorEnvelope,
  isSuccessEnvelope,
  type Envelope,
  type ErrorObject,
  type WarningObject,
} from '../core/envelope.js';
import { CLIENT_ERROR_CODES, EnvelopeError } from './envelope-error.js';
import { TRACE_ID_HEADER, VERSION_HEADER } from '../core/headers.js';


/** How much of a non-envelope body `NON_ENVELOPE_RESPONSE` keeps, to show what came back. */
const BODY_EXCERPT_LENGTH = 200;

/** One processed batch item that succeeded, at `index` in the request's array. */
export interface BatchSuccess<T = unknown, R = unknown> {
  readonly index: number;
  readonly request: R;
  readonly data: T;
}

/** One processed batch item that failed, at `index` in the request's array. */
export interface BatchFailure<R = unknown> {
  readonly index: number;
  readonly request: R;
  readonly errors: readonly ErrorObject[];
}

/** What `unwrapBatch()` returns: the results split by outcome, each in item order. */
export interface BatchOutcome<T = unknown, R = unknown> {
  readonly successes: readonly BatchSuccess<T, R>[];
  readonly failures: readonly BatchFailure<R>[];
}

/** What identifies an answer when no envelope says it. */
interface AnswerInfo {
  readonly status: number;
  readonly headers: Headers;
  /** `GET /accounts`, for error messages. */
  readonly request: string;
}

function isErrorObject(value: unknown): value is ErrorObject {
  if (value === null || typeof value !== 'object') return false;
  const { code, message } = value as { code?: unknown; message?: unknown };
  return typeof code === 'string' && code !== '' && typeof message === 'string';
}

/** The library's guards check `meta.status` and the top-level field; here the contents are checked too. */
function checkShape(body: unknown): Envelope | undefined {
  if (isSuccessEnvelope(body)) return body;
  if (isErrorEnvelope(body)) return body.errors.length > 0 && body.errors.every(isErrorObject) ? body : undefined;
  if (isBatchEnvelope(body)) {
    const valid = body.results.every((result: unknown) => {
      if (result === null || typeof result !== 'object') return false;
      const item = result as { status?: unknown; errors?: unknown };
      if (item.status === 'SUCCESS') return 'data' in item;
      return item.status === 'ERROR' && Array.isArray(item.errors) && item.errors.every(isErrorObject);
    });
    return valid ? body : undefined;
  }
  return undefined;
}

function nonEnvelope(answer: AnswerInfo, why: string, text: string): EnvelopeError {
  const contentType = answer.headers.get('Content-Type');
  const excerpt = text.length > BODY_EXCERPT_LENGTH ? `${text.slice(0, BODY_EXCERPT_LENGTH)}…` : text;
  const extra: Record<string, unknown> = { http_status: answer.status };
  if (contentType !== null) extra['content_type'] = contentType;
  if (excerpt !== '') extra['body_excerpt'] = excerpt;
  return new EnvelopeError({
    status: answer.status,
    errors: [{ code: CLIENT_ERROR_CODES.NON_ENVELOPE_RESPONSE, message: `The HTTP ${answer.status} answer is not an envelope: ${why}.`, ...extra }],
    traceId: answer.headers.get(TRACE_ID_HEADER) ?? undefined,
    version: answer.headers.get(VERSION_HEADER) ?? undefined,
    request: answer.request,
  });
}

/**
 * The envelope in `text`, or the `NON_ENVELOPE_RESPONSE` error that says why
 * there is none: an empty body, invalid JSON, JSON of another shape, or a
 * `meta.status` that contradicts the HTTP status (the spec pairs SUCCESS and
 * BATCH_PROCESSED with 200, ERROR with anything else).
 */
export function readEnvelope(answer: AnswerInfo, text: string): Envelope | EnvelopeError {
  if (text.trim() === '') return nonEnvelope(answer, 'the body is empty', text);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return nonEnvelope(answer, 'the body is not JSON', text);
  }
  const envelope = checkShape(body);
  if (envelope === undefined) return nonEnvelope(answer, 'the JSON body has no valid `meta.status` with `data`, `errors` or `results`', text);
  const success = answer.status >= 200 && answer.status < 300;
  if (success === (envelope.meta.status === 'ERROR')) {
    return nonEnvelope(answer, `its meta.status ${envelope.meta.status} contradicts the HTTP status`, text);
  }
  return envelope;
}

function stringOr(value: unknown, fallback: string | null): string | undefined {
  return typeof value === 'string' ? value : (fallback ?? undefined);
}

/**
 * An answer whose body is an envelope. Resolving to one does not mean
 * success: `status` may be 400 or 503. Call `unwrap()` (or `unwrapBatch()`)
 * to get the data or the `EnvelopeError`.
 */
export class EnvelopeResponse<T = unknown, R = unknown> {
  /** The HTTP status. */
  readonly status: number;
  /** The answer's headers (`Deprecation`, `RateLimit`, …). */
  readonly headers: Headers;
  /** The whole envelope, as sent. */
  readonly envelope: Envelope<T, R>;
  /** `meta.trace_id`, else the `X-Trace-Id` header; `undefined` when an infrastructure layer gave neither. */
  readonly traceId: string | undefined;
  /** `meta.version`: the API version that answered. */
  readonly version: string | undefined;
  /** `meta.warnings`, empty when there are none. */
  readonly warnings: readonly WarningObject[];
  readonly #request: string;

  /**
   * Made by the client; `envelope` comes from `readEnvelope()`.
   * @internal
   */
  constructor(answer: AnswerInfo, envelope: Envelope) {
    this.status = answer.status;
    this.headers = answer.headers;
    this.envelope = envelope as Envelope<T, R>;
    const meta = envelope.meta as { trace_id?: unknown; version?: unknown; warnings?: unknown };
    this.traceId = stringOr(meta.trace_id, answer.headers.get(TRACE_ID_HEADER));
    this.version = stringOr(meta.version, answer.headers.get(VERSION_HEADER));
    this.warnings = Array.isArray(meta.warnings) ? (meta.warnings as WarningObject[]) : [];
    this.#request = answer.request;
  }

  /** True for SUCCESS and BATCH_PROCESSED, false for ERROR. */
  get ok(): boolean {
    return this.envelope.meta.status !== 'ERROR';
  }

  /** The `EnvelopeError` of an ERROR envelope, or `undefined`. */
  get error(): EnvelopeError | undefined {
    const { envelope } = this;
    return isErrorEnvelope(envelope) ? this.#error(envelope.errors) : undefined;
  }

  /**
   * The `data` of a SUCCESS envelope, typed `U` (not checked at run time).
   * Throws the `EnvelopeError` of an ERROR envelope, and an `EnvelopeError`
   * with code `UNEXPECTED_ENVELOPE` for a BATCH_PROCESSED one: a batch
   * endpoint's results need `unwrapBatch()`.
   *
   * @example
   * ```ts
   * const account = (await api.get('/accounts/acc_1')).unwrap<Account>();
   * ```
   */
  unwrap<U = T>(): U {
    const { envelope } = this;
    if (isSuccessEnvelope(envelope)) return envelope.data as unknown as U;
    if (isErrorEnvelope(envelope)) throw this.#error(envelope.errors);
    throw this.#unexpected('a BATCH_PROCESSED envelope has `results`, not `data`: call unwrapBatch()');
  }

  /**
   * The results of a BATCH_PROCESSED envelope split into `successes` and
   * `failures` (each keeps the item's `index` and the API's `request` echo).
   * A batch with failed items still resolves: check `failures`. Throws the
   * `EnvelopeError` of an ERROR envelope (the batch as a whole was refused),
   * and one with code `UNEXPECTED_ENVELOPE` for a SUCCESS envelope.
   *
   * @example
   * ```ts
   * const { successes, failures } = res.unwrapBatch<Account, { email: string }>();
   * for (const f of failures) console.warn(f.request.email, f.errors[0]?.code);
   * ```
   */
  unwrapBatch<U = T, Q = R>(): BatchOutcome<U, Q> {
    const { envelope } = this;
    if (isErrorEnvelope(envelope)) throw this.#error(envelope.errors);
    if (!isBatchEnvelope<U, Q>(envelope)) {
      throw this.#unexpected('a SUCCESS envelope has `data`, not `results`: call unwrap()');
    }
    const successes: BatchSuccess<U, Q>[] = [];
    const failures: BatchFailure<Q>[] = [];
    envelope.results.forEach((result, index) => {
      if (result.status === 'SUCCESS') successes.push({ index, request: result.request, data: result.data });
      else failures.push({ index, request: result.request, errors: result.errors });
    });
    return { successes, failures };
  }

  #error(errors: readonly ErrorObject[]): EnvelopeError {
    return new EnvelopeError({
      status: this.status,
      errors,
      traceId: this.traceId,
      version: this.version,
      warnings: this.warnings,
      request: this.#request,
    });
  }

  #unexpected(why: string): EnvelopeError {
    return this.#error([{ code: CLIENT_ERROR_CODES.UNEXPECTED_ENVELOPE, message: `Cannot unwrap this answer: ${why}.` }]);
  }
}
