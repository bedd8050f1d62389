/**
 * One maintenance switch for a fleet: two server processes following the same
 * key of a real redis-server (test/support/fleet.ts), on Express 4 and 5.
 */
import { createClient, type RedisClientType } from 'redis';
import request from 'supertest';
import { FLEET_POLL_MS, FLEET_STORE_TIMEOUT_MS, startInstance, within, type Instance } from '../support/fleet.js';
import { startRedis, type RedisServer } from '../support/redis.js';

jest.setTimeout(60_000);

const KEY = 'kompliant-envelope:maintenance';
/** The documented delay: each instance reads the key every pollInterval, a read taking at most storeTimeout. */
const DELAY_MS = FLEET_POLL_MS + FLEET_STORE_TIMEOUT_MS;
const meta = (res: { headers: Record<string, string> }, status: string) => ({ status, trace_id: res.headers['x-trace-id'], version: '1' });
const DEFAULT_MESSAGE = 'The service is down for maintenance. Try again later.';

describe.each([4, 5] as const)('a fleet-wide maintenance switch: two instances on Express %s, one Redis', (major) => {
  let redis: RedisServer;
  let operator: RedisClientType;
  let a: Instance;
  let b: Instance;
  const statuses = async () => Promise.all([a, b].map(async (instance) => (await request(instance.base).get('/orders')).status));

  beforeAll(async () => {
    redis = await startRedis();
    operator = createClient({ url: redis.url });
    await operator.connect();
    [a, b] = await Promise.all([startInstance(major, redis.url), startInstance(major, redis.url)]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await operator?.disconnect().catch(() => undefined);
    await redis?.stop();
  });

  it(`runs both instances on Express ${major}, serving`, async () => {
    for (const instance of [a, b]) {
      const res = await request(instance.base).get('/health');
      expect(res.body).toEqual({ meta: meta(res, 'SUCCESS'), data: { up: true, express: major } });
    }
    expect(await statuses()).toEqual([200, 200]);
  });

  it(`SET turns both to 503 within ${DELAY_MS} ms (pollInterval + storeTimeout, give or take 500 ms of a loaded machine); DEL turns both back to 200 as fast`, async () => {
    await operator.sendCommand(['SET', KEY, 'on']);
    const tookOn = await within(DELAY_MS + 500, async () => (await statuses()).every((s) => s === 503));
    for (const instance of [a, b]) {
      const res = await request(instance.base).get('/orders?page=2');
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('120');
      expect(res.body).toEqual({ meta: meta(res, 'ERROR'), errors: [{ code: 'SERVICE_UNAVAILABLE', message: DEFAULT_MESSAGE, retry_after_seconds: 120 }] });
      // skip: the load balancer's health check still gets 200.
      expect((await request(instance.base).get('/health')).status).toBe(200);
    }
    await operator.sendCommand(['DEL', KEY]);
    const tookOff = await within(DELAY_MS + 500, async () => (await statuses()).every((s) => s === 200));
    const res = await request(b.base).get('/orders');
    expect(res.body).toEqual({ meta: meta(res, 'SUCCESS'), data: [] });
    expect(tookOn).toBeLessThanOrEqual(DELAY_MS + 500);
    expect(tookOff).toBeLessThanOrEqual(DELAY_MS + 500);
    for (const instance of [a, b]) {
      expect(instance.stderr()).toContain(`kompliant-envelope: maintenance switch key=${KEY} turned on: this instance answers 503\n`);
      expect(instance.stderr()).toContain(`kompliant-envelope: maintenance switch key=${KEY} turned off: this instance serves requests\n`);
    }
  });

  it('carries the Retry-After and message the operator sets', async () => {
    await operator.sendCommand(['SET', KEY, JSON.stringify({ retryAfter: 900, message: 'Database upgrade; back at 14:00 UTC.' })]);
    try {
      await within(DELAY_MS + 500, async () => (await statuses()).every((s) => s === 503));
      for (const instance of [a, b]) {
        const res = await request(instance.base).post('/orders').send({});
        expect(res.status).toBe(503);
        expect(res.headers['retry-after']).toBe('900');
        expect(res.body).toEqual({
          meta: meta(res, 'ERROR'),
          errors: [{ code: 'SERVICE_UNAVAILABLE', message: 'Database upgrade; back at 14:00 UTC.', retry_after_seconds: 900 }],
        });
      }
    } finally {
      await operator.sendCommand(['DEL', KEY]);
    }
    await within(DELAY_MS + 500, async () => (await statuses()).every((s) => s === 200));
  });

  it('keeps the last known state while Redis is unreachable, and logs it once', async () => {
    await operator.sendCommand(['SET', KEY, 'on']);
    await within(DELAY_MS + 500, async () => (await statuses()).every((s) => s === 503));
    redis.pause();
    try {
      // Several polls fail meanwhile; every answer stays 503.
      await new Promise((resolve) => setTimeout(resolve, 4 * DELAY_MS));
      expect(await statuses()).toEqual([503, 503]);
    } finally {
      redis.resume();
    }
    await operator.sendCommand(['DEL', KEY]);
    await within(DELAY_MS + 1500, async () => (await statuses()).every((s) => s === 200));
    const unreachable = `kompliant-envelope: maintenance switch key=${KEY} unreachable: this instance keeps its last known state (on) until Redis answers`;
    for (const instance of [a, b]) {
      expect(instance.stderr().split(unreachable)).toHaveLength(2);
      expect(instance.stderr()).toContain(`kompliant-envelope: maintenance switch key=${KEY} Redis answers again\n`);
    }
  });
});
