/**
 * Type tests: `npm test` runs `tsc --noEmit` over the tests before jest (ts-jest
 * only transpiles, with isolatedModules), so a broken expectation (an
 * `@ts-expect-error` that no longer errors, or a narrowing that stops
 * working) fails the suite. The runtime assertions check the same values.
 */
import type { Response } from 'express';
import { ApiError, defineErrors, fail, type Envelope, type ErrorHttpStatus, type StandardErrorCode } from 'kompliant-envelope';
import { isBatchEnvelope, isErrorEnvelope, isSuccessEnvelope } from 'kompliant-envelope/core';

type Order = { id: number; total: number };

function describeBody(body: Envelope<Order, { ref: string }>): string {
  if (isSuccessEnvelope(body)) {
    const total: number = body.data.total;
    // @ts-expect-error: a success envelope has no errors
    void body.errors;
    return `order ${body.data.id} = ${total}`;
  }
  if (isErrorEnvelope(body)) {
    // @ts-expect-error: an error envelope has no data
    void body.data;
    return body.errors.map((e) => e.code).join(',');
  }
  if (isBatchEnvelope(body)) {
    return body.results
      .map((r) => (r.status === 'SUCCESS' ? `${r.request.ref}:${r.data.total}` : `${r.request.ref}:${r.errors[0]?.code}`))
      .join(' ');
  }
  const impossible: never = body;
  return impossible;
}

describe('public types', () => {
  it('narrow envelopes with the guards', () => {
    const meta = { trace_id: 't', version: '1' };
    expect(describeBody({ meta: { status: 'SUCCESS', ...meta }, data: { id: 1, total: 5 } })).toBe('order 1 = 5');
    expect(describeBody({ meta: { status: 'ERROR', ...meta }, errors: [{ code: 'A', message: 'b' }] })).toBe('A');
    expect(
      describeBody({
        meta: { status: 'BATCH_PROCESSED', ...meta },
        results: [
          { status: 'SUCCESS', request: { ref: 'x' }, data: { id: 1, total: 2 } },
          { status: 'ERROR', request: { ref: 'y' }, errors: [{ code: 'C', message: 'd' }] },
        ],
      }),
    ).toBe('x:2 y:C');
    expect(isSuccessEnvelope({ meta: { status: 'SUCCESS' } })).toBe(false);
    expect(isErrorEnvelope('nope')).toBe(false);
  });

  it('allow only the spec statuses', () => {
    const statuses: ErrorHttpStatus[] = [400, 401, 403, 413, 415, 429, 500, 503, 504];
    // @ts-expect-error: 404 is not a status of the spec
    const notFound: ErrorHttpStatus = 404;
    // @ts-expect-error: neither is 201
    const created: ErrorHttpStatus = 201;
    expect(statuses).not.toContain(notFound);
    expect(statuses).not.toContain(created);
    const misuse = (res: Response) => {
      // @ts-expect-error: fail() takes spec statuses only
      fail(res, 422, { code: 'X', message: 'y' });
    };
    expect(typeof misuse).toBe('function');
    // @ts-expect-error: ApiError takes spec statuses only
    expect(() => new ApiError(418, 'TEAPOT', 'x')).toThrow(RangeError);
  });

  it('suggest standard codes and type a custom catalog', () => {
    const code: StandardErrorCode = 'VALIDATION_ERROR';
    // @ts-expect-error: not a standard code
    const wrong: StandardErrorCode = 'VALIDATION_ERRORS';
    const Errors = defineErrors({ ORDER_LOCKED: { status: 400, message: 'Locked.' } });
    const error: ApiError<'ORDER_LOCKED'> = Errors.ORDER_LOCKED();
    expect([code, wrong, error.code]).toEqual(['VALIDATION_ERROR', 'VALIDATION_ERRORS', 'ORDER_LOCKED']);
    // @ts-expect-error: the definitions keep their literal status
    const status: 401 = Errors.definitions.ORDER_LOCKED.status;
    expect(status).toBe(400);
  });
});
