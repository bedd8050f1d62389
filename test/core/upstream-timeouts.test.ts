import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { asyncHandler, ok } from 'kompliant-envelope';
import { normalizeError } from 'kompliant-envelope/core';
import { EXPRESS_VERSIONS, buildApp, metaFor } from '../support/apps.js';

const GATEWAY_TIMEOUT = { code: 'GATEWAY_TIMEOUT', message: 'The request timed out. Try again later.' };

describe('upstream timeouts in normalizeError', () => {
  it.each([
    ["AbortSignal.timeout's TimeoutError", new DOMException('The operation was aborted due to timeout', 'TimeoutError')],
    ['ETIMEDOUT', Object.assign(new Error('connect ETIMEDOUT 10.0.0.9:443'), { code: 'ETIMEDOUT' })],
    ['ESOCKETTIMEDOUT', Object.assign(new Error('ESOCKETTIMEDOUT'), { code: 'ESOCKETTIMEDOUT' })],
    ["fetch's TypeError caused by undici's headers timeout", new TypeError('fetch failed', { cause: Object.assign(new Error('Headers Timeout Error'), { code: 'UND_ERR_HEADERS_TIMEOUT' }) })],
    ["undici's connect timeout", Object.assign(new Error('Connect Timeout Error'), { code: 'UND_ERR_CONNECT_TIMEOUT' })],
    ["undici's body timeout", Object.assign(new Error('Body Timeout Error'), { code: 'UND_ERR_BODY_TIMEOUT' })],
    ["axios's timeout", Object.assign(new Error('timeout of 2000ms exceeded'), { code: 'ECONNABORTED', name: 'AxiosError' })],
    ['a wrapped cause three levels down', new Error('a', { cause: new Error('b', { cause: Object.assign(new Error('c'), { code: 'ETIMEDOUT' }) }) })],
  ])('maps %s to 504 GATEWAY_TIMEOUT without its message', (_label, error) => {
    expect(normalizeError(error)).toEqual({ status: 504, errors: [GATEWAY_TIMEOUT], headers: undefined });
  });

  it.each([
    ['ECONNABORTED without a timeout', Object.assign(new Error('aborted'), { code: 'ECONNABORTED' })],
    ['ECONNREFUSED', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    ['an AbortError (the caller aborted)', new DOMException('aborted', 'AbortError')],
  ])('keeps %s a 500', (_label, error) => {
    expect(normalizeError(error).status).toBe(500);
  });

  it('stops walking a cause cycle', () => {
    const a: Error & { cause?: unknown } = new Error('a');
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(normalizeError(a).status).toBe(500);
  });
});

describe.each(EXPRESS_VERSIONS)('an upstream call that times out, on %s', (_name, express) => {
  it('answers 504 GATEWAY_TIMEOUT', async () => {
    const upstream = http.createServer(() => undefined); // never answers
    upstream.listen(0, '127.0.0.1');
    await once(upstream, 'listening');
    const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/slow`;
    try {
      const { app, reported } = buildApp(express, (a) =>
        a.get('/proxy', asyncHandler(async (_req, res) => {
          const answer = await fetch(url, { signal: AbortSignal.timeout(50) });
          ok(res, await answer.json());
        })),
      );
      const res = await request(app).get('/proxy');
      expect(res.status).toBe(504);
      expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: [GATEWAY_TIMEOUT] });
      expect(reported[0]?.report).toEqual(expect.objectContaining({ status: 504, code: 'GATEWAY_TIMEOUT' }));
    } finally {
      upstream.closeAllConnections();
      upstream.close();
    }
  });
});
