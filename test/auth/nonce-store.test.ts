import { createClient, type RedisClientType } from 'redis';
import { memoryNonceStore, redisNonceStore } from 'kompliant-envelope/auth';
import { startRedis, type RedisServer } from '../support/redis.js';

describe('memoryNonceStore()', () => {
  afterEach(() => jest.useRealTimers());

  it('accepts a key once until it expires, then again', () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const store = memoryNonceStore();
    expect(store.add('n1:k', 1000)).toBe(true);
    expect(store.add('n1:k', 1000)).toBe(false);
    expect(store.add('n2:k', 1000)).toBe(true);
    jest.setSystemTime(1_000_999);
    expect(store.add('n1:k', 1000)).toBe(false);
    jest.setSystemTime(1_001_000);
    expect(store.add('n1:k', 1000)).toBe(true);
  });

  it('when full of unexpired keys, refuses new ones (throws) instead of forgetting any', () => {
    jest.useFakeTimers({ now: 5_000_000 });
    const store = memoryNonceStore({ max: 3 });
    for (const key of ['a', 'b', 'c']) expect(store.add(key, 60_000)).toBe(true);
    expect(() => store.add('d', 60_000)).toThrow(new Error('The in-memory nonce store holds its maximum of 3 unexpired nonces.'));
    // Still remembered: a replay of any of them is still a replay.
    for (const key of ['a', 'b', 'c']) expect(store.add(key, 60_000)).toBe(false);
    // Once they expire there is room again.
    jest.setSystemTime(5_060_000);
    expect(store.add('d', 60_000)).toBe(true);
    expect(store.add('e', 60_000)).toBe(true);
  });

  it('drops expired keys that are not at the oldest end when full (a full sweep)', () => {
    jest.useFakeTimers({ now: 9_000_000 });
    const store = memoryNonceStore({ max: 3 });
    expect(store.add('long', 600_000)).toBe(true);
    expect(store.add('short1', 1000)).toBe(true);
    expect(store.add('short2', 1000)).toBe(true);
    jest.setSystemTime(9_002_000);
    expect(store.add('new', 1000)).toBe(true);
    expect(store.add('long', 600_000)).toBe(false);
  });

  it('rejects bad options', () => {
    expect(() => memoryNonceStore({ max: 0 })).toThrow(RangeError);
    expect(() => memoryNonceStore({ max: 1.5 })).toThrow('The `max` option of memoryNonceStore() must be a whole number from 1 to 9007199254740991, got 1.5.');
    expect(() => memoryNonceStore({ size: 3 } as never)).toThrow('The `size` option of memoryNonceStore() is not known. Known options: max.');
    expect(() => memoryNonceStore({ mx: 3 } as never)).toThrow('The `mx` option of memoryNonceStore() is not known; did you mean `max`?');
    expect(() => memoryNonceStore(null as never)).toThrow('The options of memoryNonceStore() must be an object, got null.');
  });
});

describe('redisNonceStore() on a real redis-server', () => {
  let redis: RedisServer;
  let client: RedisClientType;

  beforeAll(async () => {
    redis = await startRedis();
    client = createClient({ url: redis.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.disconnect().catch(() => undefined);
    await redis?.stop();
  });

  it('sets each key with NX and an expiry, so a key is accepted once and then forgotten', async () => {
    const store = redisNonceStore({ sendCommand: (args) => client.sendCommand(args), prefix: 'test-nonce:' });
    expect(await store.add('abc:k1', 300)).toBe(true);
    expect(await store.add('abc:k1', 300)).toBe(false);
    const ttl = Number(await client.sendCommand(['PTTL', 'test-nonce:abc:k1']));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(300);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await client.sendCommand(['EXISTS', 'test-nonce:abc:k1'])).toBe(0);
    expect(await store.add('abc:k1', 300)).toBe(true);
  });

  it('uses the default prefix and rounds the expiry up to a whole millisecond, at least 1', async () => {
    const sent: string[][] = [];
    const store = redisNonceStore({ sendCommand: async (args) => (sent.push(args), client.sendCommand(args)) });
    expect(await store.add('n:k', 0.2)).toBe(true);
    expect(sent).toEqual([['SET', 'kompliant-envelope:nonce:n:k', '1', 'NX', 'PX', '1']]);
  });

  it('rejects when Redis answers something else, or fails', async () => {
    await expect(redisNonceStore({ sendCommand: async () => 'QUEUED' }).add('n:k', 10)).rejects.toThrow('Redis answered SET … NX PX with "QUEUED", not OK or nil.');
    await expect(redisNonceStore({ sendCommand: () => Promise.reject(new Error('down')) }).add('n:k', 10)).rejects.toThrow('down');
  });

  it('rejects bad options', () => {
    expect(() => redisNonceStore({} as never)).toThrow('redisNonceStore() needs an options object with a `sendCommand` function.');
    expect(() => redisNonceStore({ sendCommand: async () => 'OK', prefx: 'x' } as never)).toThrow('The `prefx` option of redisNonceStore() is not known; did you mean `prefix`?');
    expect(() => redisNonceStore({ sendCommand: async () => 'OK', prefix: 1 as never })).toThrow('The `prefix` option of redisNonceStore() must be a string.');
  });
});
