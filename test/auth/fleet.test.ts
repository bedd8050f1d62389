/**
 * Signed requests across a fleet: two server processes sharing one real
 * redis-server as their nonce store (test/support/fleet.ts), on Express 4 and 5.
 */
import request from 'supertest';
import { signRequest } from 'kompliant-envelope/client';
import { FLEET_SECRETS, FLEET_STORE_TIMEOUT_MS, startInstance, within, type Instance } from '../support/fleet.js';
import { startRedis, type RedisServer } from '../support/redis.js';

jest.setTimeout(60_000);

const PATH = '/webhooks/orders?attempt=1';
const BODY = JSON.stringify({ order: 7, total: 12.5 });
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const meta = (res: { headers: Record<string, string> }, status: string) => ({ status, trace_id: res.headers['x-trace-id'], version: '1' });
const post = (instance: Instance, headers: Record<string, string>) =>
  request(instance.base).post(PATH).set(headers).set('Content-Type', 'application/json').send(BODY);

describe.each([4, 5] as const)('signed requests across two instances on Express %s, one Redis', (major) => {
  let redis: RedisServer;
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    redis = await startRedis();
    [a, b] = await Promise.all([startInstance(major, redis.url), startInstance(major, redis.url)]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.stop();
  });

  it('accepts a signed request on A and refuses it replayed to B (and to A), with the answer of any failed signature', async () => {
    const headers = await signRequest({ secrets: FLEET_SECRETS }, 'partner1', 'POST', PATH, BODY);
    const first = await post(a, headers);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ meta: meta(first, 'SUCCESS'), data: { from: { keyId: 'partner1' }, got: { order: 7, total: 12.5 } } });
    for (const instance of [b, a]) {
      const replay = await post(instance, headers);
      expect(replay.status).toBe(401);
      expect(replay.headers['x-trace-id']).toMatch(uuid);
      expect(replay.body).toEqual({ meta: meta(replay, 'ERROR'), errors: [{ code: 'AUTHENTICATION_FAILED', message: 'The request signature does not match.' }] });
    }
    // A new signature of the same request is accepted by B.
    expect((await post(b, await signRequest({ secrets: FLEET_SECRETS }, 'partner1', 'POST', PATH, BODY))).status).toBe(200);
  });

  it('answers 500 within the store timeout while Redis is frozen (fail closed), and accepts again once it is back', async () => {
    redis.pause();
    try {
      const started = Date.now();
      const [onA, onB] = await Promise.all([
        post(a, await signRequest({ secrets: FLEET_SECRETS }, 'partner1', 'POST', PATH, BODY)),
        post(b, await signRequest({ secrets: FLEET_SECRETS }, 'partner1', 'POST', PATH, BODY)),
      ]);
      expect(Date.now() - started).toBeLessThan(FLEET_STORE_TIMEOUT_MS + 2000);
      for (const res of [onA, onB]) {
        expect(res.status).toBe(500);
        expect(res.body).toEqual({
          meta: meta(res, 'ERROR'),
          errors: [{ code: 'INTERNAL_ERROR', message: 'An unexpected error occurred. Quote the trace_id if you contact support.' }],
        });
      }
    } finally {
      redis.resume();
    }
    const after = await post(a, await signRequest({ secrets: FLEET_SECRETS }, 'partner1', 'POST', PATH, BODY));
    expect(after.status).toBe(200);
    for (const instance of [a, b]) {
      expect(instance.stderr()).toContain(
        'kompliant-envelope: the nonce store of hmacVerifier() failed; requests are refused with 500 (passOnStoreError: false) trace_id=',
      );
      expect(instance.stderr()).toContain(`error=NonceStoreTimeoutError message="The nonce store did not answer within ${FLEET_STORE_TIMEOUT_MS} ms."`);
    }
  });

  it('answers 500 at once when Redis is gone, without hanging', async () => {
    await redis.stop();
    const started = Date.now();
    const res = await post(b, await signRequest({ secrets: FLEET_SECRETS }, 'partner1', 'POST', PATH, BODY));
    expect(Date.now() - started).toBeLessThan(FLEET_STORE_TIMEOUT_MS + 2000);
    expect(res.status).toBe(500);
    expect(res.body.errors).toEqual([{ code: 'INTERNAL_ERROR', message: 'An unexpected error occurred. Quote the trace_id if you contact support.' }]);
    // Each 500 is also in the default reporter's one line, naming the store failure as its cause;
    // the line crosses a pipe from the child, so it may arrive just after the answer.
    const line = new RegExp(`status=500 code=INTERNAL_ERROR trace_id=${String(res.headers['x-trace-id'])} version=1 method=POST path=/webhooks/orders `);
    await within(2000, async () => line.test(b.stderr())).catch(() => undefined);
    expect(b.stderr()).toMatch(line);
  });
});
