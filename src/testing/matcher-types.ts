/**
 * The types of the envelope matchers, and their declaration on Jest's
 * `expect` — the global one of `@types/jest` (`jest.Matchers`) and the one
 * of `@jest/globals` / `expect` — so `expect(res).toBeSuccessEnvelope()`
 * type-checks once `kompliant-envelope/testing` is imported.
 */
import type { ErrorCode } from '../core/catalog.js';
// Brings `expect`'s own declarations into the program, so the augmentation below has a module to merge into.
import type {} from 'expect';

/**
 * The matchers `envelopeMatchers` adds, each usable on a supertest response
 * (`{ status, headers, body }`) or on a parsed body.
 *
 * @typeParam R - what the matcher returns (`void`, or a promise with `.resolves`).
 */
export interface EnvelopeMatchers<R> {
  /**
   * A SUCCESS envelope: HTTP 200 (for a response), `meta.status` SUCCESS, a
   * non-empty `meta.trace_id` equal to the `X-Trace-Id` header (for a
   * response), a string `meta.version`, and a `data` field — deep-equal to
   * `data` when that is given (asymmetric matchers work).
   *
   * @example
   * ```ts
   * expect(await request(app).get('/orders/1')).toBeSuccessEnvelope({ id: 1 });
   * ```
   */
  toBeSuccessEnvelope(data?: unknown): R;
  /**
   * An ERROR envelope: the HTTP `status` (for a response; ignored for a
   * plain body), `meta.status` ERROR, a non-empty `errors` array of
   * `{ code, message }`, no top-level `data`, the trace_id as above, and
   * when `code` is given, the first error's code.
   *
   * @example
   * ```ts
   * expect(await request(app).get('/nowhere')).toBeErrorEnvelope(400, 'ROUTE_NOT_FOUND');
   * ```
   */
  toBeErrorEnvelope(status: number, code?: ErrorCode): R;
  /**
   * A BATCH_PROCESSED envelope: HTTP 200 (for a response), `meta.status`
   * BATCH_PROCESSED, the trace_id as above, and a `results` array of
   * `{ status: SUCCESS | ERROR, request, data | errors }`.
   */
  toBeBatchEnvelope(): R;
}

declare global {
  namespace jest {
    // Type parameters must match @types/jest's declaration for the interfaces to merge.
    interface Matchers<R, T = {}> extends EnvelopeMatchers<R> {}
  }
}

declare module 'expect' {
  // Type parameters must match `expect`'s declaration for the interfaces to merge.
  interface Matchers<R extends void | Promise<void>, T = unknown> extends EnvelopeMatchers<R> {}
}
