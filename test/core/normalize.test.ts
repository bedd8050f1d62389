import request from 'supertest';
import { ApiError } from 'kompliant-envelope';
import { MAX_ERROR_MESSAGE_LENGTH, normalizeError } from 'kompliant-envelope/core';
import { EXPRESS_VERSIONS, buildApp, metaFor } from '../support/apps.js';

describe('normalizeError', () => {
  it('never throws, whatever it is given', () => {
    const hostile = [
      undefined, null, 0, -1, Number.NaN, '', 'x', Symbol('s'), 10n, () => 1, [], [1],
      Object.create(null),
      new Proxy({}, { get: () => { throw new Error('get'); }, getPrototypeOf: () => { throw new Error('proto'); } }),
      { status: 400, expose: true, message: { toString: () => { throw new Error('x'); } } },
      { status: 400, headers: new Proxy({}, { ownKeys: () => { throw new Error('keys'); } }) },
    ];
    for (const value of hostile) {
      const normalized = normalizeError(value);
      expect([400, 401, 403, 413, 415, 429, 500, 503, 504]).toContain(normalized.status);
      expect(normalized.errors.length).toBeGreaterThan(0);
    }
  });

  it.each([
    ['entity.parse.failed', 400, 400, 'MALFORMED_JSON'],
    ['entity.too.large', 413, 413, 'REQUEST_TOO_LARGE'],
    ['parameters.too.many', 413, 413, 'REQUEST_TOO_LARGE'],
    ['charset.unsupported', 415, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['encoding.unsupported', 415, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['entity.verify.failed', 403, 403, 'NOT_AUTHORIZED'],
    ['request.aborted', 400, 400, 'BAD_REQUEST'],
    ['request.size.invalid', 400, 400, 'BAD_REQUEST'],
    ['stream.encoding.set', 500, 500, 'INTERNAL_ERROR'],
    ['stream.not.readable', 500, 500, 'INTERNAL_ERROR'],
  ])('maps the body-parser type %s (status %i) to %i %s', (type, incoming, status, code) => {
    const normalized = normalizeError(Object.assign(new Error('secret'), { type, status: incoming, expose: incoming < 500 }));
    expect(normalized.status).toBe(status);
    expect(normalized.errors).toHaveLength(1);
    expect(normalized.errors[0]?.code).toBe(code);
    expect(normalized.errors[0]?.message).not.toContain('secret');
  });

  it('cuts an exposed message longer than the limit', () => {
    const normalized = normalizeError({ status: 400, expose: true, message: 'y'.repeat(5000) });
    const message = normalized.errors[0]?.message as string;
    expect(message).toHaveLength(MAX_ERROR_MESSAGE_LENGTH);
    expect(message.endsWith('…')).toBe(true);
  });

  it('clips messages by one rule whatever made the error: this copy, another copy or realm, or an http-error', () => {
    const long = 'z'.repeat(5000);
    const clipped = `${'z'.repeat(MAX_ERROR_MESSAGE_LENGTH - 1)}…`;
    const foreign = Object.assign(new Error(long), { name: 'ApiError', status: 400, errors: [{ code: 'ORDER_LOCKED', message: long, order_id: 7 }] });
    const ours = new ApiError(400, [
      { code: 'ORDER_LOCKED', message: long, order_id: 7 },
      { code: 'VALIDATION_ERROR', message: 'Is required.', field: 'name' },
    ]);
    expect(normalizeError(ours).errors).toEqual([
      { code: 'ORDER_LOCKED', message: clipped, order_id: 7 },
      { code: 'VALIDATION_ERROR', message: 'Is required.', field: 'name' },
    ]);
    expect(normalizeError(foreign).errors).toEqual([{ code: 'ORDER_LOCKED', message: clipped, order_id: 7 }]);
    expect(normalizeError({ status: 400, expose: true, message: long }).errors).toEqual([{ code: 'BAD_REQUEST', message: clipped }]);
    // This copy's ApiError holds its messages clipped from the start; a short one is answered with its own objects.
    expect([ours.message, ours.errors[0]?.message]).toEqual([clipped, clipped]);
    const short = new ApiError(400, 'ORDER_LOCKED', 'Locked.');
    expect(normalizeError(short).errors).toBe(short.errors);
  });

  it('keeps only allowlisted, printable header values', () => {
    const normalized = normalizeError(
      new ApiError(429, 'TOO_MANY_REQUESTS', 'Wait.', undefined, {
        headers: { 'retry-after': 5, 'WWW-Authenticate': 'Bearer', Location: '/evil', 'RateLimit-Reset': 'é', 'Retry-After-X': '1' },
      }),
    );
    expect(normalized.headers).toEqual({ 'retry-after': '5', 'WWW-Authenticate': 'Bearer' });
  });
});

describe.each(EXPRESS_VERSIONS)('one clipping rule over HTTP on %s', (_name, express) => {
  it('answers a 5,000-character message of this copy and of another copy alike, clipped', async () => {
    const long = 'z'.repeat(5000);
    const clipped = `${'z'.repeat(MAX_ERROR_MESSAGE_LENGTH - 1)}…`;
    const { app } = buildApp(express, (a) => {
      a.get('/ours', () => { throw new ApiError(400, 'ORDER_LOCKED', long); });
      a.get('/foreign', () => { throw Object.assign(new Error(long), { name: 'ApiError', status: 400, errors: [{ code: 'ORDER_LOCKED', message: long }] }); });
    });
    for (const path of ['/ours', '/foreign']) {
      const res = await request(app).get(path);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: [{ code: 'ORDER_LOCKED', message: clipped }] });
    }
  });
});
