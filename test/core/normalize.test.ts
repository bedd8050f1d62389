import { ApiError } from 'kompliant-envelope';
import { MAX_ERROR_MESSAGE_LENGTH, normalizeError } from 'kompliant-envelope/core';

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

  it('keeps only allowlisted, printable header values', () => {
    const normalized = normalizeError(
      new ApiError(429, 'TOO_MANY_REQUESTS', 'Wait.', undefined, {
        headers: { 'retry-after': 5, 'WWW-Authenticate': 'Bearer', Location: '/evil', 'RateLimit-Reset': 'é', 'Retry-After-X': '1' },
      }),
    );
    expect(normalized.headers).toEqual({ 'retry-after': '5', 'WWW-Authenticate': 'Bearer' });
  });
});
