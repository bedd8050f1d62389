/**
 * `asyncHandler()`: Express 5 passes a rejected promise to the error
 * handler by itself; Express 4 does not, and the request hangs. Wrapping
 * makes both behave like Express 5.
 */
import type { NextFunction, Request, Response } from 'express';

/** A route handler that may return a promise. */
export type AsyncRequestHandler<Req = Request, Res = Response> = (
  req: Req,
  res: Res,
  next: NextFunction,
) => unknown;

/** The reason given to `next()` for a promise rejected with no value (`next(undefined)` would mean "no error"). */
export class RejectedWithoutReasonError extends Error {
  override readonly name = 'RejectedWithoutReasonError';
  constructor() {
    super('A route handler rejected with no reason.');
  }
}

function toError(reason: unknown): unknown {
  return reason === undefined || reason === null || reason === false || reason === 0 || reason === ''
    ? new RejectedWithoutReasonError()
    : reason;
}

/**
 * Wraps a handler so that a rejected promise or a thrown error reaches
 * `next(err)` on Express 4 as on Express 5.
 *
 * @example
 * ```ts
 * app.get('/orders', asyncHandler(async (req, res) => ok(res, await orders.list())));
 * ```
 */
export function asyncHandler<Req = Request, Res = Response>(
  fn: AsyncRequestHandler<Req, Res>,
): (req: Req, res: Res, next: NextFunction) => void {
  if (typeof fn !== 'function') throw new TypeError('asyncHandler() needs a function.');
  return function asyncHandlerWrapper(req, res, next) {
    let result: unknown;
    try {
      result = fn(req, res, next);
    } catch (error) {
      next(toError(error));
      return;
    }
    if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
      (result as PromiseLike<unknown>).then(undefined, (reason: unknown) => next(toError(reason)));
    }
  };
}
