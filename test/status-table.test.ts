/**
 * Walks every status of http-status-codes.txt: for each, the situation the
 * spec names produces that status with a well-formed envelope.
 */
import createError from 'http-errors';
import request from 'supertest';
import { ApiError, fail, ok } from 'kompliant-envelope';
import { ERROR_STATUSES, STANDARD_ERRORS } from 'kompliant-envelope/core';
import { EXPRESS_VERSIONS, UUID_V4, buildApp } from './support/apps.js';

type Trigger = (agent: request.Agent) => request.Test;

const SPEC: [status: number, situation: string, trigger: Trigger, code: string][] = [
  [200, 'a success', (a) => a.get('/success'), ''],
  [400, 'an unknown path', (a) => a.get('/no/such/path'), 'ROUTE_NOT_FOUND'],
  [400, 'an unsupported method', (a) => a.delete('/success'), 'METHOD_NOT_ALLOWED'],
  [400, 'a malformed body', (a) => a.post('/echo').set('Content-Type', 'application/json').send('{oops'), 'MALFORMED_JSON'],
  [401, 'an authentication failure', (a) => a.get('/throw/401'), 'AUTHENTICATION_FAILED'],
  [403, 'an authorization failure', (a) => a.get('/throw/403'), 'NOT_AUTHORIZED'],
  [413, 'a request too large', (a) => a.post('/echo').set('Content-Type', 'application/json').send(JSON.stringify({ s: 'x'.repeat(2048) })), 'REQUEST_TOO_LARGE'],
  [415, 'an unsupported media type', (a) => a.post('/echo').set('Content-Type', 'text/plain').send('hi'), 'UNSUPPORTED_MEDIA_TYPE'],
  [429, 'throttling', (a) => a.get('/throw/429'), 'TOO_MANY_REQUESTS'],
  [500, 'a crash', (a) => a.get('/crash'), 'INTERNAL_ERROR'],
  [503, 'maintenance', (a) => a.get('/throw/503'), 'SERVICE_UNAVAILABLE'],
  [504, 'a gateway timeout', (a) => a.get('/throw/504'), 'GATEWAY_TIMEOUT'],
];

describe.each(EXPRESS_VERSIONS)('every status of the spec on %s', (_name, express) => {
  const { app } = buildApp(
    express,
    (a) => {
      a.get('/success', (_req, res) => ok(res));
      a.post('/echo', (req, res) => ok(res, req.body));
      a.get('/throw/:status', (req) => {
        throw createError(Number(req.params['status']));
      });
      a.get('/crash', () => {
        throw new Error('kaboom');
      });
      a.get('/fail/:status', (req, res) => fail(res, Number(req.params['status']) as 400, { code: 'X', message: 'y' }));
      a.get('/api-error/:status', (req) => {
        throw new ApiError(Number(req.params['status']) as 400, 'X', 'y');
      });
    },
    { envelope: { maxBodySize: 1024 } },
  );

  it.each(SPEC)('%i for %s', async (status, _situation, trigger, code) => {
    const res = await trigger(request.agent(app));
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['x-trace-id']).toMatch(UUID_V4);
    const meta = { status: status === 200 ? 'SUCCESS' : 'ERROR', trace_id: res.headers['x-trace-id'], version: '1' };
    if (status === 200) {
      expect(res.body).toEqual({ meta, data: {} });
    } else {
      expect(res.body).toEqual({ meta, errors: [expect.objectContaining({ code, message: expect.any(String) })] });
      expect(STANDARD_ERRORS[code as keyof typeof STANDARD_ERRORS].status).toBe(status);
    }
  });

  it.each(ERROR_STATUSES.map((s) => [s]))('fail() and ApiError answer %i with the same envelope', async (status) => {
    for (const path of [`/fail/${status}`, `/api-error/${status}`]) {
      const res = await request(app).get(path);
      expect(res.status).toBe(status);
      expect(res.body).toEqual({
        meta: { status: 'ERROR', trace_id: res.headers['x-trace-id'], version: '1' },
        errors: [{ code: 'X', message: 'y' }],
      });
    }
  });

  it('covers every error status of the spec', () => {
    expect(new Set(SPEC.map(([s]) => s))).toEqual(new Set([200, ...ERROR_STATUSES]));
  });
});
