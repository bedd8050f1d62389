/**
 * The responders: `ok()` and `fail()`.
 */
import type { ServerResponse } from 'node:http';
import { isErrorHttpStatus, type ErrorCode, type ErrorHttpStatus } from '../core/catalog.js';
import {
  errorEnvelope,
  errorObjects,
  successEnvelope,
  type Envelope,
  type ErrorObject,
  type JsonCheck,
  type WarningObject,
} from '../core/envelope.js';
import { ResponseError } from '../core/response-errors.js';
import { contextOf, type MutableContext } from './context.js';
import { dropLate, forward, writeEnvelope } from './write.js';

/** Options of `ok()` and `fail()`. */
export interface RespondOptions {
  /** Warnings for `meta.warnings`, after any added with `warn()`. */
  readonly warnings?: readonly WarningObject[];
}

/** Writes `body`, or hands the serialisation failure to the error handler. */
function deliver(res: ServerResponse, status: number, body: Envelope): void {
  const failure = writeEnvelope(res, status, body);
  if (failure !== undefined) {
    forward(res, new ResponseError('The response data cannot be serialised to JSON.', { cause: failure }));
  }
}

function allWarnings(context: MutableContext, extra: readonly WarningObject[] | undefined): readonly WarningObject[] | undefined {
  if (extra === undefined || extra.length === 0) return context.warnings;
  const checked = errorObjects(extra, 'warnings');
  return context.warnings === undefined ? checked : [...context.warnings, ...checked];
}

/** Answers 200 with a SUCCESS envelope whose `data` is `{}`. */
export function ok(res: ServerResponse): void;
/**
 * Answers 200 with a SUCCESS envelope. `undefined` or `null` data becomes
 * `{}`. If the data cannot be serialised, or an answer was already sent, the
 * error handler answers a 500 (or reports the late call) instead.
 *
 * `data` must be something JSON can carry (see `JsonCheck`): a function, a
 * `bigint` or a symbol — at the top, in a property or in an array item — is
 * refused at compile time. Plain objects, interfaces, arrays, `null`, `Date`
 * and anything with `toJSON()`, `unknown`, `any` and a generic `T` pass. An
 * object with methods (a class instance, `Map`, a `Promise` not awaited) is
 * refused too: give it a `toJSON()` or send a plain copy.
 *
 * @example
 * ```ts
 * app.get('/orders/:id', async (req, res) => ok(res, await orders.find(req.params.id)));
 * ```
 */
export function ok<T>(res: ServerResponse, data: T & JsonCheck<T>, options?: RespondOptions): void;
// Two signatures, not one with an optional `data`: `data?: T & JsonCheck<T>` would make the
// parameter a union with `undefined`, and TypeScript then infers `string` for `string | number` data.
export function ok(res: ServerResponse, data?: unknown, options?: RespondOptions): void {
  if (res.headersSent) return dropLate(res);
  if (typeof data === 'function' || typeof data === 'symbol') {
    return forward(res, new ResponseError(`ok() was given a ${typeof data} as data, which JSON cannot carry.`));
  }
  const context = contextOf(res);
  let warnings: readonly WarningObject[] | undefined;
  try {
    warnings = allWarnings(context, options?.warnings);
  } catch (error) {
    return forward(res, error);
  }
  deliver(res, 200, successEnvelope(context, data, warnings));
}

/**
 * Answers `status` with an ERROR envelope. Each error keeps every field
 * given beside `code` and `message`. `code` is any string; editors suggest
 * the standard codes (`ErrorCode`). Like `ok()`, it never throws: a status
 * the spec does not use or a malformed error object reaches the error
 * handler as a 500 and is reported.
 *
 * @example
 * ```ts
 * fail(res, 400, { code: 'VALIDATION_ERROR', message: 'Must be an email.', field: 'email' });
 * ```
 */
export function fail(
  res: ServerResponse,
  status: ErrorHttpStatus,
  errorOrErrors: ErrorObject<ErrorCode> | readonly ErrorObject<ErrorCode>[],
  options?: RespondOptions,
): void {
  if (res.headersSent) return dropLate(res);
  if (!isErrorHttpStatus(status)) {
    return forward(
      res,
      new RangeError(`fail() needs one of the spec's error statuses (400, 401, 403, 413, 415, 429, 500, 503, 504), got ${String(status)}.`),
    );
  }
  const context = contextOf(res);
  let errors: ErrorObject[];
  let warnings: readonly WarningObject[] | undefined;
  try {
    errors = errorObjects(Array.isArray(errorOrErrors) ? errorOrErrors : [errorOrErrors as ErrorObject]);
    warnings = allWarnings(context, options?.warnings);
  } catch (error) {
    return forward(res, error);
  }
  deliver(res, status, errorEnvelope(context, errors, warnings));
}
