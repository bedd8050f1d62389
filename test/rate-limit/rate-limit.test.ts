import { RedisStore } from 'rate-limit-redis';
import { createClient, type RedisClientType } from 'redis';
import request from 'supertest';
import { ok } from 'kompliant-envelope';
import { rateLimit } from 'kompliant-envelope/rate-limit';
import { EXPRESS_VERSIONS, buildApp, metaFor, type ExpressFactory } from '../support/apps.js';
import { startRedis, type RedisServer } from '../support/redis.js';

const TOO_MANY = (retryAfter: number) => ({
  code: 'TOO_MANY_REQUESTS',
  message: 'Too many requests. Slow down and try again later.',
  retry_after_seconds: retryAfter,
});

/** A node-redis client that fails fast while the server is away instead of queueing commands forever. */
async function redisClient(url: string): Promise<RedisClientType> {
  const client: RedisClientType = createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 1000, reconnectStrategy: (retries: number) => Math.min(50 * (retries + 1), 500) },
  });
  client.on('error', () => undefined); // connection errors surface as store errors
  await client.connect();
  return client;
}

function redisStore(client: RedisClientType, prefix: string): RedisStore {
  return new RedisStore({ prefix, sendCommand: (...args: string[]) => client.sendCommand(args) });
}

describe.each(EXPRESS_VERSIONS)('rateLimit() on %s', (_name, express) => {
  const limited = (options: Parameters<typeof rateLimit>[0], factory: ExpressFactory = express) =>
    buildApp(factory, (app) => {
      app.use('/api', rateLimit(options));
      app.get('/api/orders', (_req, res) => ok(res, []));
      app.get('/free', (_req, res) => ok(res, { free: true }));
    });

  it('answers 429 TOO_MANY_REQUESTS with Retry-After and the standard RateLimit headers', async () => {
    const { app } = limited({ windowMs: 60_000, limit: 2 });
    const agent = request(app);
    const first = await agent.get('/api/orders');
    expect(first.status).toBe(200);
    expect(first.headers['ratelimit-policy']).toBe('2;w=60');
    expect(first.headers['ratelimit']).toBe('limit=2, remaining=1, reset=60');
    expect((await agent.get('/api/orders')).status).toBe(200);
    const third = await agent.get('/api/orders');
    expect(third.status).toBe(429);
    expect(third.headers['retry-after']).toBe('60');
    expect(third.headers['ratelimit']).toBe('limit=2, remaining=0, reset=60');
    expect(third.headers['x-ratelimit-limit']).toBeUndefined();
    expect(third.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(third.body).toEqual({ meta: metaFor(third, 'ERROR'), errors: [TOO_MANY(60)] });
    const free = await agent.get('/free');
    expect(free.status).toBe(200);
  });

  it('passes express-rate-limit options through (key, skip, message, legacy headers)', async () => {
    const { app } = limited({
      windowMs: 10_000,
      limit: 1,
      keyGenerator: (req) => String(req.headers['x-tenant']),
      skip: (req) => req.headers['x-internal'] === 'yes',
      message: 'Your plan allows 1 request per 10 seconds.',
      legacyHeaders: true,
    });
    expect((await request(app).get('/api/orders').set('X-Tenant', 'a')).status).toBe(200);
    expect((await request(app).get('/api/orders').set('X-Tenant', 'b')).status).toBe(200);
    expect((await request(app).get('/api/orders').set('X-Tenant', 'a').set('X-Internal', 'yes')).status).toBe(200);
    const limitedRes = await request(app).get('/api/orders').set('X-Tenant', 'a');
    expect(limitedRes.status).toBe(429);
    expect(limitedRes.headers['x-ratelimit-limit']).toBe('1');
    expect(limitedRes.body).toEqual({
      meta: metaFor(limitedRes, 'ERROR'),
      errors: [{ code: 'TOO_MANY_REQUESTS', message: 'Your plan allows 1 request per 10 seconds.', retry_after_seconds: 10 }],
    });
  });

  it('still sends Retry-After when every rate-limit header is turned off', async () => {
    const { app } = limited({ windowMs: 30_000, limit: 1, standardHeaders: false, legacyHeaders: false });
    await request(app).get('/api/orders');
    const res = await request(app).get('/api/orders');
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('30');
    expect(res.headers['ratelimit']).toBeUndefined();
    expect(res.body.errors).toEqual([TOO_MANY(30)]);
  });

  it("logs express-rate-limit's configuration checks as warnings, apart from store errors", async () => {
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const { app } = limited({ windowMs: 60_000, limit: 5 });
      app.set('trust proxy', true);
      const res = await request(app).get('/api/orders');
      expect(res.status).toBe(200);
      const logged = stderr.mock.calls.map((c) => String(c[0])).join('');
      expect(logged).toContain('kompliant-envelope: rate limit configuration warning: ValidationError:');
      expect(logged).toContain('ERR_ERL_PERMISSIVE_TRUST_PROXY');
      expect(logged).not.toContain('rate limit store error');
    } finally {
      stderr.mockRestore();
    }
  });

  it('rejects bad options when created', () => {
    expect(() => rateLimit({ handler: () => undefined } as never)).toThrow('use the `message` option');
    expect(() => rateLimit({ storeTimeout: -1 })).toThrow(RangeError);
    expect(() => rateLimit({ statusCode: 503 } as never)).toThrow('always answers 429');
    expect(() => rateLimit({ message: '' })).toThrow('`message`');
  });
});

describe('rateLimit() with one Redis shared by several instances', () => {
  let redis: RedisServer;
  const clients: RedisClientType[] = [];
  let run = 0;

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.destroy()));
  });
  afterAll(async () => {
    await redis.stop();
  });

  async function instance(express: ExpressFactory, prefix: string, extra: Parameters<typeof rateLimit>[0] = {}) {
    const client = await redisClient(redis.url);
    clients.push(client);
    return buildApp(express, (app) => {
      app.use(rateLimit({ windowMs: 60_000, limit: 3, store: redisStore(client, prefix), storeTimeout: 300, ...extra }));
      app.get('/orders', (_req, res) => ok(res, []));
    });
  }

  it.each(EXPRESS_VERSIONS)('two %s instances share one budget', async (_name, express) => {
    const prefix = `test-shared-${process.pid}-${(run += 1)}:`;
    const a = await instance(express, prefix);
    const b = await instance(express, prefix);
    const statuses: number[] = [];
    for (const app of [a.app, b.app, a.app, b.app, a.app]) statuses.push((await request(app).get('/orders')).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const last = await request(b.app).get('/orders');
    expect(last.body).toEqual({ meta: metaFor(last, 'ERROR'), errors: [TOO_MANY(Number(last.headers['retry-after']))] });
    expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(last.headers['retry-after'])).toBeLessThanOrEqual(60);
  });

  it.each(EXPRESS_VERSIONS)('a frozen Redis neither hangs %s nor blocks: fail open by default, 500 when closed', async (_name, express) => {
    const prefix = `test-frozen-${process.pid}-${(run += 1)}:`;
    const open = await instance(express, prefix);
    const closed = await instance(express, prefix, { passOnStoreError: false });
    expect((await request(open.app).get('/orders')).status).toBe(200);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    redis.pause();
    try {
      const passed = await request(open.app).get('/orders');
      expect(passed.status).toBe(200);
      expect(passed.body).toEqual({ meta: metaFor(passed, 'SUCCESS'), data: [] });
      const logged = stderr.mock.calls.map((c) => String(c[0])).join('');
      expect(logged).toContain(`rate limit store error trace_id=${passed.headers['x-trace-id']}`);
      expect(logged).toContain('StoreTimeoutError');
      const refused = await request(closed.app).get('/orders');
      expect(refused.status).toBe(500);
      expect(refused.body.errors[0].code).toBe('INTERNAL_ERROR');
      expect(closed.reported[0]?.error).toBeInstanceOf(Error);
    } finally {
      redis.resume();
      stderr.mockRestore();
    }
    // Back: the shared budget is enforced again.
    const after: number[] = [];
    for (let i = 0; i < 4; i++) after.push((await request(open.app).get('/orders')).status);
    expect(after).toContain(429);
  });

  it.each(EXPRESS_VERSIONS)('a stopped Redis fails %s open at once', async (_name, express) => {
    const spare = await startRedis();
    const client = await redisClient(spare.url);
    clients.push(client);
    const { app } = buildApp(express, (a) => {
      a.use(rateLimit({ windowMs: 60_000, limit: 1, store: redisStore(client, `test-down-${process.pid}-${(run += 1)}:`), storeTimeout: 300 }));
      a.get('/orders', (_req, res) => ok(res, []));
    });
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect((await request(app).get('/orders')).status).toBe(200);
      expect((await request(app).get('/orders')).status).toBe(429);
      await spare.stop();
      const answers = await Promise.all(Array.from({ length: 5 }, () => request(app).get('/orders')));
      expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      for (const r of answers) expect(r.body).toEqual({ meta: metaFor(r, 'SUCCESS'), data: [] });
    } finally {
      stderr.mockRestore();
    }
  });
});
