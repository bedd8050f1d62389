import { ApiError, MAX_ERROR_MESSAGE_LENGTH, normalizeError } from '../../src/index.js';

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
