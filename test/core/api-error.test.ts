import request from 'supertest';
import { ApiError, defineErrors, isApiError, type ErrorObject } from 'kompliant-envelope';
import { STANDARD_ERRORS } from 'kompliant-envelope/core';
import { clientApiError } from '../../src/core/api-error.js';
import { EXPRESS_VERSIONS, buildApp, metaFor } from '../support/apps.js';

describe('ApiError', () => {
  it('carries status, code, message and extra fields', () => {
    const error = new ApiError(400, 'ORDER_LOCKED', 'Shipped.', { order_id: 3 });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ApiError');
    expect(error.status).toBe(400);
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe('ORDER_LOCKED');
    expect(error.message).toBe('Shipped.');
    expect(error.expose).toBe(true);
    expect(error.errors).toEqual([{ code: 'ORDER_LOCKED', message: 'Shipped.', order_id: 3 }]);
  });

  it('carries several error objects, the first giving code and message', () => {
    const errors: ErrorObject[] = [
      { code: 'VALIDATION_ERROR', message: 'Required.', field: 'name' },
      { code: 'VALIDATION_ERROR', message: 'Must be an email.', field: 'email' },
    ];
    const error = new ApiError(400, errors, { headers: { 'X-Ignored': '1' }, cause: new Error('root') });
    expect(error.code).toBe('VALIDATION_ERROR');
    expect(error.message).toBe('Required.');
    expect(error.errors).toEqual(errors);
    expect(error.headers).toEqual({ 'X-Ignored': '1' });
    expect((error.cause as Error).message).toBe('root');
  });

  it('does not let extra override code and message', () => {
    const error = new ApiError(400, 'A', 'first', { code: 'B', message: 'second', more: 1 });
    expect(error.errors).toEqual([{ code: 'A', message: 'first', more: 1 }]);
  });

  it.each([
    ['a status the spec does not use', () => new ApiError(404 as never, 'X', 'y'), RangeError],
    ['status 200', () => new ApiError(200 as never, 'X', 'y'), RangeError],
    ['a missing message', () => new ApiError(400, 'X', undefined as never), TypeError],
    ['an empty list', () => new ApiError(400, []), TypeError],
    ['an entry without code', () => new ApiError(400, [{ message: 'x' } as never]), TypeError],
  ])('refuses %s', (_label, make, type) => {
    expect(make).toThrow(type);
  });

  it('is made for the answers the library makes itself without touching the process-wide Error.stackTraceLimit', () => {
    const original = Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit') as PropertyDescriptor;
    const writes: unknown[] = [];
    let limit = original.value as number;
    Object.defineProperty(Error, 'stackTraceLimit', {
      configurable: true,
      get: () => limit,
      set: (value: number) => {
        writes.push(value);
        limit = value;
      },
    });
    try {
      const error = clientApiError(401, 'AUTHENTICATION_FAILED', 'No.');
      expect(error).toBeInstanceOf(ApiError);
      expect({ status: error.status, errors: error.errors }).toEqual({ status: 401, errors: [{ code: 'AUTHENTICATION_FAILED', message: 'No.' }] });
    } finally {
      Object.defineProperty(Error, 'stackTraceLimit', original);
    }
    expect(writes).toEqual([]);
  });

  it('is recognised by shape across copies of the library', () => {
    const foreign = Object.assign(new Error('x'), { name: 'ApiError', status: 400, errors: [{ code: 'A', message: 'x' }] });
    expect(isApiError(foreign)).toBe(true);
    expect(isApiError(new Error('x'))).toBe(false);
    expect(isApiError({ name: 'ApiError', status: 400, errors: [] })).toBe(false);
  });
});

describe('defineErrors', () => {
  const OrderErrors = defineErrors({
    ORDER_LOCKED: { status: 400, message: 'The order is already shipped.' },
    PAYMENT_PROVIDER_DOWN: { status: 503, message: 'Payments are paused.' },
  });

  it('gives a typed factory per code with the default or a given message', () => {
    const locked = OrderErrors.ORDER_LOCKED({ order_id: 4 });
    expect(locked).toBeInstanceOf(ApiError);
    expect(locked.status).toBe(400);
    const code: 'ORDER_LOCKED' = locked.code;
    expect(code).toBe('ORDER_LOCKED');
    expect(locked.errors).toEqual([{ code: 'ORDER_LOCKED', message: 'The order is already shipped.', order_id: 4 }]);
    expect(OrderErrors.PAYMENT_PROVIDER_DOWN(undefined, 'Back at 10:00.').message).toBe('Back at 10:00.');
    expect(OrderErrors.definitions.ORDER_LOCKED.status).toBe(400);
    // @ts-expect-error: codes not in the catalog do not exist
    expect(OrderErrors.NOT_DECLARED).toBeUndefined();
  });

  it.each([
    ['a lower-case code', { order_locked: { status: 400, message: 'x' } }, 'SCREAMING_SNAKE_CASE'],
    ['a standard code', { NOT_FOUND: { status: 400, message: 'x' } }, 'is a standard code'],
    ['a status outside the spec', { GONE: { status: 410, message: 'x' } }, "spec's error statuses"],
    ['an empty message', { EMPTY: { status: 400, message: '' } }, 'non-empty string'],
    ['the reserved name', { definitions: { status: 400, message: 'x' } }, 'reserved'],
  ])('refuses %s', (_label, defs, message) => {
    expect(() => defineErrors(defs as never)).toThrow(message);
  });

  it('cannot redefine any standard code', () => {
    for (const code of Object.keys(STANDARD_ERRORS)) {
      expect(() => defineErrors({ [code]: { status: 400, message: 'x' } })).toThrow('is a standard code');
    }
  });
});

describe.each(EXPRESS_VERSIONS)('custom errors over HTTP on %s', (_name, express) => {
  it('answers a defineErrors code like any ApiError', async () => {
    const Errors = defineErrors({ PAYMENT_PROVIDER_DOWN: { status: 503, message: 'Payments are paused.' } });
    const { app } = buildApp(express, (a) =>
      a.post('/pay', () => {
        throw Errors.PAYMENT_PROVIDER_DOWN({ provider: 'acme' });
      }),
    );
    const res = await request(app).post('/pay');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      meta: metaFor(res, 'ERROR'),
      errors: [{ code: 'PAYMENT_PROVIDER_DOWN', message: 'Payments are paused.', provider: 'acme' }],
    });
  });
});
