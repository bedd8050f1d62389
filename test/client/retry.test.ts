/** The retry arithmetic: Retry-After in both forms, full-jitter backoff, and which methods are retried. */
import { parseRetryAfter, IDEMPOTENT_METHODS } from 'kompliant-envelope/client';
import { backoffDelay, mayRetryMethod, retryAfterFromErrors, retryDelay } from '../../src/client/retry.js';

const NOW = Date.UTC(2030, 0, 1, 0, 0, 0);
const config = {
  retries: 2,
  retryStatuses: new Set([429, 503, 504]),
  baseDelayMs: 200,
  maxDelayMs: 5000,
  random: () => 1 - Number.EPSILON,
};

describe('parseRetryAfter()', () => {
  it.each<[string | null | undefined, number | undefined]>([
    ['0', 0],
    ['1', 1000],
    [' 120 ', 120_000],
    [new Date(NOW + 30_000).toUTCString(), 30_000],
    ['Tue, 01 Jan 2030 00:00:10 GMT', 10_000],
    // A date already past asks for no wait.
    ['Mon, 31 Dec 2029 23:59:00 GMT', 0],
    ['-1', undefined],
    ['1.5', undefined],
    ['soon', undefined],
    ['', undefined],
    [null, undefined],
    [undefined, undefined],
  ])('reads %p as %p ms', (header, expected) => {
    expect(parseRetryAfter(header, NOW)).toBe(expected);
  });
});

describe('backoff and retry decisions', () => {
  it('doubles the ceiling per attempt, caps it at maxDelayMs, and draws from [0, ceiling)', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(attempt, config))).toEqual([199, 399, 799, 1599, 3199, 4999, 4999]);
    expect(backoffDelay(3, { ...config, random: () => 0 })).toBe(0);
  });

  it('retries only listed statuses, within `retries`, and never longer than maxDelayMs', () => {
    expect(retryDelay(0, 503, 1000, config)).toBe(1000);
    expect(retryDelay(1, 429, undefined, config)).toBe(399);
    expect(retryDelay(2, 503, 1000, config)).toBeUndefined();
    expect(retryDelay(0, 500, 1000, config)).toBeUndefined();
    expect(retryDelay(0, 503, 5000, config)).toBe(5000);
    expect(retryDelay(0, 503, 5001, config)).toBeUndefined();
  });

  it('retries idempotent methods, and the others only when unsafe', () => {
    expect([...IDEMPOTENT_METHODS]).toEqual(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
    expect(mayRetryMethod('GET', { retryUnsafe: false })).toBe(true);
    expect(mayRetryMethod('POST', { retryUnsafe: false })).toBe(false);
    expect(mayRetryMethod('PATCH', { retryUnsafe: false })).toBe(false);
    expect(mayRetryMethod('POST', { retryUnsafe: true })).toBe(true);
  });

  it('reads retry_after_seconds from error objects', () => {
    expect(retryAfterFromErrors([{ code: 'A', message: 'a' }, { code: 'B', message: 'b', retry_after_seconds: 3 }])).toBe(3000);
    expect(retryAfterFromErrors([{ code: 'A', message: 'a', retry_after_seconds: '3' }])).toBeUndefined();
    expect(retryAfterFromErrors([{ code: 'A', message: 'a', retry_after_seconds: -1 }])).toBeUndefined();
  });
});
