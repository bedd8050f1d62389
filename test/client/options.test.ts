/**
 * `createClient()` checks its options once, when the client is made, with
 * a TypeError for a wrong type and a RangeError for a value out of range.
 */
import * as publicClient from 'kompliant-envelope/client';
import { createClient, DEFAULT_RETRY, type ClientOptions } from 'kompliant-envelope/client';
import { createClientWith } from '../../src/client/client.js';

const BASE = 'http://127.0.0.1:1';

describe('createClient() options', () => {
  it('accepts the minimal options, and the defaults are documented values', () => {
    expect(() => createClient({ baseUrl: BASE })).not.toThrow();
    expect(() => createClient({ baseUrl: 'https://api.example.com/v1/' })).not.toThrow();
    expect(DEFAULT_RETRY).toEqual({ retries: 2, statuses: [429, 503, 504], baseDelayMs: 200, maxDelayMs: 5000, unsafe: false });
    expect(Object.isFrozen(createClient({ baseUrl: BASE }))).toBe(true);
  });

  it.each<[string, unknown, ErrorConstructor, RegExp]>([
    ['no options', undefined, TypeError, /needs an options object/],
    ['no baseUrl', {}, TypeError, /`baseUrl` option must be a non-empty string/],
    ['a relative baseUrl', { baseUrl: '/api' }, TypeError, /must be an absolute URL, got "\/api"/],
    ['a ftp: baseUrl', { baseUrl: 'ftp://example.com' }, TypeError, /http: or https: URL/],
    ['a baseUrl with a query', { baseUrl: `${BASE}/?a=1` }, TypeError, /query string or fragment/],
    ['an empty version', { baseUrl: BASE, version: '' }, TypeError, /`version` option must be a non-empty string/],
    ['a fetch that is not a function', { baseUrl: BASE, fetch: 'fetch' }, TypeError, /`fetch` option must be a function/],
    ['headers that are not strings', { baseUrl: BASE, headers: { 'X-N': 1 } }, TypeError, /"X-N" must be a string/],
    ['headers that are an array', { baseUrl: BASE, headers: [] }, TypeError, /`headers` option must be an object/],
    ['retry that is not an object', { baseUrl: BASE, retry: 3 }, TypeError, /`retry` option must be an object/],
    ['fractional retries', { baseUrl: BASE, retry: { retries: 1.5 } }, TypeError, /`retry.retries` option must be a whole number, got 1.5/],
    ['negative retries', { baseUrl: BASE, retry: { retries: -1 } }, RangeError, /`retry.retries` option must be from 0 to 100, got -1/],
    ['statuses that are not an array', { baseUrl: BASE, retry: { statuses: 503 } }, TypeError, /array of HTTP statuses/],
    ['a status out of range', { baseUrl: BASE, retry: { statuses: [200] } }, RangeError, /`retry.statuses` option must be from 400 to 599/],
    ['a NaN baseDelayMs', { baseUrl: BASE, retry: { baseDelayMs: Number.NaN } }, TypeError, /`retry.baseDelayMs`/],
    ['a negative maxDelayMs', { baseUrl: BASE, retry: { maxDelayMs: -5 } }, RangeError, /`retry.maxDelayMs`/],
    ['a non-boolean unsafe', { baseUrl: BASE, retry: { unsafe: 'yes' } }, TypeError, /`retry.unsafe` option must be a boolean/],
    ['a zero timeoutMs', { baseUrl: BASE, timeoutMs: 0 }, RangeError, /`timeoutMs` option must be from 1/],
    ['a timeoutMs beyond setTimeout', { baseUrl: BASE, timeoutMs: 2 ** 31 }, RangeError, /`timeoutMs`/],
    ['a misspelt option', { baseUrl: BASE, timeoutMS: 5 }, TypeError, /^The `timeoutMS` option of createClient\(\) is not known; did you mean `timeoutMs`\? Known options: baseUrl, version, fetch, headers, retry, timeoutMs\.$/],
    ['a misspelt retry option', { baseUrl: BASE, retry: { retires: 1 } }, TypeError, /^The `retires` option of createClient\(\)'s `retry` is not known; did you mean `retries`\?/],
    ['a test hook given as an option (sleep)', { baseUrl: BASE, sleep: async () => {} }, TypeError, /^The `sleep` option of createClient\(\) is not known/],
    ['a test hook given as an option (now)', { baseUrl: BASE, now: () => 0 }, TypeError, /^The `now` option of createClient\(\) is not known/],
    ['a test hook given as an option (random)', { baseUrl: BASE, random: () => 0 }, TypeError, /^The `random` option of createClient\(\) is not known/],
  ])('refuses %s', (_name, options, type, message) => {
    const make = () => createClient(options as ClientOptions);
    expect(make).toThrow(type);
    expect(make).toThrow(message);
  });

  it('names the option a typo was meant to be', () => {
    expect(() => createClient({ baseUrll: BASE } as unknown as ClientOptions)).toThrow(
      new TypeError('The `baseUrll` option of createClient() is not known; did you mean `baseUrl`? Known options: baseUrl, version, fetch, headers, retry, timeoutMs.'),
    );
    expect(() => createClient({ baseUrl: BASE, retry: { retrys: 1 } } as unknown as ClientOptions)).toThrow(
      new TypeError(
        "The `retrys` option of createClient()'s `retry` is not known; did you mean `retries`? Known options: retries, statuses, baseDelayMs, maxDelayMs, unsafe.",
      ),
    );
  });

  it('takes the test hooks only through createClientWith(), which the package does not export', () => {
    expect(Object.keys(publicClient)).not.toContain('createClientWith');
    expect(() => createClientWith({ baseUrl: BASE }, { sleep: async () => {}, now: () => 0, random: () => 0 })).not.toThrow();
    expect(() => createClientWith({ baseUrl: BASE }, { sleep: 5 as never })).toThrow(new TypeError('The `sleep` hook must be a function.'));
    expect(() => createClientWith({ baseUrl: BASE, sleep: async () => {} } as ClientOptions, {})).toThrow(/`sleep` option of createClient\(\) is not known/);
  });

  it('needs a fetch when there is no global one', () => {
    const saved = globalThis.fetch;
    try {
      (globalThis as { fetch?: unknown }).fetch = undefined;
      expect(() => createClient({ baseUrl: BASE })).toThrow(new TypeError('No global `fetch` exists here: pass the `fetch` option.'));
      expect(() => createClient({ baseUrl: BASE, fetch: saved })).not.toThrow();
    } finally {
      globalThis.fetch = saved;
    }
  });
});
