/**
 * `asyncHandler()`: Express 5 passes a rejected promise to the error
 * handler by itself; Express 4 does not, and the request hangs. Wrapping
 * makes both behave like Express 5.
 */
import type { NextFunction, Request, Response } from 'express';
import { RejectedWithoutReasonError } from '../core/response-errors.js';
import { isThenable } from '../core/thenable.js';

/** A route handler that may return a promise. */
export type AsyncRequestHandler<Req = Request, Res = Response> = (
  req: Req,
  res: Res,
  next: NextFunction,
) => unknown;

/**
 * What to hand to `next()` for a thrown or rejected value: a falsy one
 * (`undefined`, `null`, `false`, `0`, `''`) would mean "no error" to Express,
 * so it becomes a `RejectedWithoutReasonError`.
 */
export function errorForNext(reason: unknown): unknown {
  return reason || new RejectedWithoutReasonError();
}

/** Calls a handler that may throw or return a promise; either failure reaches `next(err)`. */
export function runHandler<Req, Res>(
  fn: (req: Req, res: Res, next: NextFunction) => unknown,
  req: Req,
  res: Res,
  next: NextFunction,
): void {
  let result: unknown;
  try {
    result = fn(req, res, next);
  } catch (error) {
    next(errorForNext(error));
    return;
  }
  if (isThenable(result)) result.then(undefined, (reason: unknown) => next(errorForNext(reason)));
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
    runHandler(fn, req, res, next);
  };
}
