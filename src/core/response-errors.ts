/**
 * The errors the library itself reports (to `onError` and the logs) when a
 * handler misuses a responder, answers twice or too late, or rejects with
 * nothing. None of them reaches a client as such: each is answered as any
 * error would be, through the one normaliser.
 */

/** Why a responder could not answer; it reaches the error handler (and `onError`), never the client as such. */
export class ResponseError extends Error {
  override readonly name: string = 'ResponseError';
}

/** An answer dropped because `timeout()` had already answered 504; reported as a late 504 `GATEWAY_TIMEOUT`. */
export class TimedOutAnswerError extends ResponseError {
  override readonly name = 'TimedOutAnswerError';
  readonly status = 504;
  constructor() {
    super('The request had timed out (504 sent); a later answer from the handler was dropped.');
  }
}

/** The reason given to `next()` for a promise rejected with no value (`next(undefined)` would mean "no error"). */
export class RejectedWithoutReasonError extends Error {
  override readonly name = 'RejectedWithoutReasonError';
  constructor() {
    super('A route handler rejected with no reason.');
  }
}
