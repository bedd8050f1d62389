import { isErrorHttpStatus, type ErrorCode, type ErrorHttpStatus } from './catalog.js';
import { MAX_ERROR_MESSAGE_LENGTH, clip } from './bound.js';
import { entry, errorObjects, type ErrorObject } from './envelope.js';

/** Options of `ApiError` beyond the error objects themselves. */
export interface ApiErrorOptions {
  /**
   * Response headers to send with the error, e.g. `Retry-After` or
   * `WWW-Authenticate`. Only the names of `ALLOWED_ERROR_HEADERS`, with safe values, are sent
   * (docs/error-mapping.md, "Headers").
   */
  readonly headers?: Readonly<Record<string, string | number>>;
  /** The underlying error, kept for `onError` logging; never sent to the client. */
  readonly cause?: unknown;
}

/**
 * An error meant for the client: its status, codes and messages are sent as
 * they are, for any status (it is the library's public contract, so do not
 * put internal details in it). Throw it or pass it to `next()`.
 *
 * @example
 * ```ts
 * throw new ApiError(400, 'ORDER_LOCKED', 'The order is already shipped.', { order_id: id });
 * throw new ApiError(400, [
 *   { code: 'VALIDATION_ERROR', message: 'Must be an email address.', field: 'email' },
 *   { code: 'VALIDATION_ERROR', message: 'Is required.', field: 'name' },
 * ]);
 * ```
 */
export class ApiError<Code extends string = ErrorCode> extends Error {
  override readonly name = 'ApiError';
  /** The HTTP status of the answer: one of the spec's error statuses. */
  readonly status: ErrorHttpStatus;
  /** Same as `status`, for code that reads `statusCode` (http-errors' convention). */
  readonly statusCode: ErrorHttpStatus;
  /** The first error's code. */
  readonly code: Code;
  /** Every error object of the answer, in order. */
  readonly errors: readonly ErrorObject<Code>[];
  /** Response headers to send, before allowlisting. */
  readonly headers: Readonly<Record<string, string | number>> | undefined;
  /** ApiError messages are written for the client. */
  readonly expose = true;

  constructor(
    status: ErrorHttpStatus,
    code: Code,
    message: string,
    extra?: Readonly<Record<string, unknown>>,
    options?: ApiErrorOptions,
  );
  constructor(status: ErrorHttpStatus, errors: readonly ErrorObject<Code>[], options?: ApiErrorOptions);
  constructor(
    status: ErrorHttpStatus,
    codeOrErrors: Code | readonly ErrorObject<Code>[],
    messageOrOptions?: string | ApiErrorOptions,
    extra?: Readonly<Record<string, unknown>>,
    options?: ApiErrorOptions,
  ) {
    if (!isErrorHttpStatus(status)) {
      throw new RangeError(
        `The \`status\` of an ApiError must be one of the spec's error statuses (400, 401, 403, 413, 415, 429, 500, 503, 504), got ${String(status)}.`,
      );
    }
    let errors: ErrorObject[];
    let opts: ApiErrorOptions | undefined;
    if (typeof codeOrErrors === 'string') {
      if (typeof messageOrOptions !== 'string') {
        throw new TypeError('The `message` of an ApiError must be a string.');
      }
      errors = errorObjects([entry(codeOrErrors, messageOrOptions, extra)]);
      opts = options;
    } else {
      errors = errorObjects(codeOrErrors);
      opts = typeof messageOrOptions === 'object' ? messageOrOptions : undefined;
    }
    // One clipping rule for every message (normalizeError clips those of another copy of the library).
    for (let i = 0; i < errors.length; i++) {
      const error = errors[i] as ErrorObject;
      if (error.message.length > MAX_ERROR_MESSAGE_LENGTH) errors[i] = { ...error, message: clip(error.message) };
    }
    const first = errors[0] as ErrorObject<Code>;
    super(first.message, opts?.cause === undefined ? undefined : { cause: opts.cause });
    this.status = status;
    this.statusCode = status;
    this.code = first.code;
    this.errors = errors as ErrorObject<Code>[];
    this.headers = opts?.headers;
  }
}

/**
 * An `ApiError` the library makes itself for a client's mistake (a bad
 * signature, refused credentials). A plain construction: the process-wide
 * `Error.stackTraceLimit` is never touched, since another request's error
 * made meanwhile (an await, a hook) would lose its stack. Where such an
 * answer is fixed, build it once and throw the same instance (as
 * `hmacVerifier()` does).
 */
export function clientApiError(
  status: ErrorHttpStatus,
  code: string,
  message: string,
  extra?: Readonly<Record<string, unknown>>,
  options?: ApiErrorOptions,
): ApiError {
  return new ApiError(status, code, message, extra, options);
}

/** True for an `ApiError`, also one made by another copy of this library (checked by shape, not `instanceof`). */
export function isApiError(value: unknown): value is ApiError {
  return (
    value instanceof ApiError ||
    (value instanceof Error &&
      value.name === 'ApiError' &&
      Array.isArray((value as Partial<ApiError>).errors) &&
      isErrorHttpStatus((value as Partial<ApiError>).status))
  );
}
