import request from 'supertest';
import { ok } from 'kompliant-envelope';
import { maintenance, redisMaintenanceSwitch, type RedisMaintenanceSwitch } from 'kompliant-envelope/maintenance';
import { EXPRESS_VERSIONS, buildApp, metaFor } from '../support/apps.js';

/** A stand-in for Redis's GET of one key, set by the test. */
function fakeRedis() {
  let value: unknown = null;
  let failure: Error | undefined;
  const calls: string[][] = [];
  return {
    calls,
    set: (next: unknown) => (value = next),
    fail: (error: Error | undefined) => (failure = error),
    sendCommand: async (args: string[]) => {
      calls.push(args);
      if (failure !== undefined) throw failure;
      return value;
    },
  };
}

const waitForPolls = (n: number, pollMs: number) => new Promise((resolve) => setTimeout(resolve, n * pollMs + 30));
const DEFAULT_MESSAGE = 'The service is down for maintenance. Try again later.';

describe('redisMaintenanceSwitch()', () => {
  const switches: RedisMaintenanceSwitch[] = [];
  const make = (redis: ReturnType<typeof fakeRedis>, extra: Record<string, unknown> = {}) => {
    const made = redisMaintenanceSwitch({ sendCommand: redis.sendCommand, pollInterval: 50, ...extra });
    switches.push(made);
    return made;
  };
  afterEach(() => switches.splice(0).forEach((s) => s.close()));

  it.each([
    [null, { on: false }],
    ['on', { on: true }],
    ['1', { on: true }],
    ['off', { on: false }],
    ['0', { on: false }],
    ['', { on: false }],
    ['{"retryAfter":600,"message":"Back at 14:00 UTC."}', { on: true, retryAfter: 600, message: 'Back at 14:00 UTC.' }],
    ['{"message":"Upgrading."}', { on: true, message: 'Upgrading.' }],
  ])('reads the value %j as %j', async (value, state) => {
    const redis = fakeRedis();
    redis.set(value);
    const sw = make(redis);
    await sw.ready;
    expect(sw.state()).toEqual(state);
    expect(sw.isOn()).toBe(state.on);
    expect(redis.calls[0]).toEqual(['GET', 'kompliant-envelope:maintenance']);
  });

  it('turns on with the defaults for a value it cannot read in full, and says so once', async () => {
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const redis = fakeRedis();
      redis.set('{"retryAfter":-1,"message":""}');
      const sw = make(redis);
      await sw.ready;
      expect(sw.state()).toEqual({ on: true });
      await waitForPolls(3, 50);
      const lines = stderr.mock.calls.map((c) => String(c[0]));
      expect(lines).toEqual([
        'kompliant-envelope: maintenance switch key=kompliant-envelope:maintenance value ignored in part: ' +
          'retryAfter is not a whole number of seconds, 0 or more; message is not a non-empty string: the default is used\n',
        'kompliant-envelope: maintenance switch key=kompliant-envelope:maintenance turned on: this instance answers 503\n',
      ]);
    } finally {
      stderr.mockRestore();
    }
  });

  it('keeps its last state while Redis fails, logs that once, and once more when Redis is back', async () => {
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const redis = fakeRedis();
      redis.set('on');
      const sw = make(redis);
      await sw.ready;
      redis.fail(new Error('connect ECONNREFUSED'));
      await waitForPolls(4, 50);
      expect(sw.isOn()).toBe(true);
      redis.fail(undefined);
      redis.set(null);
      await waitForPolls(2, 50);
      expect(sw.isOn()).toBe(false);
      expect(stderr.mock.calls.map((c) => String(c[0]).replace(/^kompliant-envelope: maintenance switch key=kompliant-envelope:maintenance /, ''))).toEqual([
        'turned on: this instance answers 503\n',
        'unreachable: this instance keeps its last known state (on) until Redis answers error=Error message="connect ECONNREFUSED"\n',
        'Redis answers again\n',
        'turned off: this instance serves requests\n',
      ]);
    } finally {
      stderr.mockRestore();
    }
  });

  it('gives up a read after storeTimeout, and starts from `initial`', async () => {
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const sw = redisMaintenanceSwitch({ sendCommand: () => new Promise(() => undefined), storeTimeout: 60, initial: true });
      switches.push(sw);
      const started = Date.now();
      await sw.ready;
      expect(Date.now() - started).toBeLessThan(1000);
      expect(sw.state()).toEqual({ on: true });
      expect(String(stderr.mock.calls[0]?.[0])).toContain('unreachable: this instance keeps its last known state (on) until Redis answers error=Error message="Redis did not answer GET within 60 ms."');
    } finally {
      stderr.mockRestore();
    }
  });

  it('stops polling on close()', async () => {
    const redis = fakeRedis();
    const sw = make(redis);
    await sw.ready;
    sw.close();
    const count = redis.calls.length;
    await waitForPolls(3, 50);
    expect(redis.calls.length).toBe(count);
  });

  it('rejects bad options when created', () => {
    const sendCommand = async () => null;
    expect(() => redisMaintenanceSwitch({} as never)).toThrow('redisMaintenanceSwitch() needs an options object with a `sendCommand` function.');
    expect(() => redisMaintenanceSwitch({ sendCommand, pollInterval: 10 })).toThrow(
      new RangeError('The `pollInterval` option of redisMaintenanceSwitch() must be a whole number of milliseconds from 50 to 60000, got 10.'),
    );
    expect(() => redisMaintenanceSwitch({ sendCommand, storeTimeout: 0 })).toThrow(RangeError);
    expect(() => redisMaintenanceSwitch({ sendCommand, key: '' })).toThrow('The `key` option of redisMaintenanceSwitch() must be a non-empty string.');
    expect(() => redisMaintenanceSwitch({ sendCommand, initial: 'on' as never })).toThrow('The `initial` option of redisMaintenanceSwitch() must be a boolean.');
    expect(() => redisMaintenanceSwitch({ sendCommand, pollIntervalMs: 100 } as never)).toThrow('did you mean `pollInterval`?');
  });
});

describe.each(EXPRESS_VERSIONS)('maintenance() following a shared switch on %s', (_name, express) => {
  it('answers 503 with the switch\'s Retry-After and message, falling back to its own; 200 when off', async () => {
    const redis = fakeRedis();
    const sw = redisMaintenanceSwitch({ sendCommand: redis.sendCommand, pollInterval: 50 });
    try {
      const { app } = buildApp(express, (a) => {
        a.use(maintenance({ enabled: sw, retryAfter: 60, skip: (req) => req.path === '/health' }));
        a.get('/orders', (_req, res) => ok(res, []));
        a.get('/health', (_req, res) => ok(res, { up: true }));
      });
      await sw.ready;
      expect((await request(app).get('/orders')).status).toBe(200);
      redis.set('on');
      await waitForPolls(2, 50);
      const defaults = await request(app).get('/orders');
      expect(defaults.status).toBe(503);
      expect(defaults.headers['retry-after']).toBe('60');
      expect(defaults.body).toEqual({ meta: metaFor(defaults, 'ERROR'), errors: [{ code: 'SERVICE_UNAVAILABLE', message: DEFAULT_MESSAGE, retry_after_seconds: 60 }] });
      expect((await request(app).get('/health')).status).toBe(200);
      redis.set(JSON.stringify({ retryAfter: 5, message: 'Back in a moment.' }));
      await waitForPolls(2, 50);
      const custom = await request(app).get('/orders');
      expect(custom.status).toBe(503);
      expect(custom.headers['retry-after']).toBe('5');
      expect(custom.body).toEqual({ meta: metaFor(custom, 'ERROR'), errors: [{ code: 'SERVICE_UNAVAILABLE', message: 'Back in a moment.', retry_after_seconds: 5 }] });
      redis.set(null);
      await waitForPolls(2, 50);
      const back = await request(app).get('/orders');
      expect(back.status).toBe(200);
      expect(back.body).toEqual({ meta: metaFor(back, 'SUCCESS'), data: [] });
    } finally {
      sw.close();
    }
  });

  it('refuses an object that is not a switch', () => {
    expect(() => maintenance({ enabled: {} as never })).toThrow(
      'The `enabled` option of maintenance() must be a boolean, a function, or a shared switch such as redisMaintenanceSwitch().',
    );
  });
});
