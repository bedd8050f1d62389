import request from 'supertest';
import { ok } from 'kompliant-envelope';
import { maintenance, maintenanceSwitch } from 'kompliant-envelope/maintenance';
import { EXPRESS_VERSIONS, buildApp, metaFor } from '../support/apps.js';

const DOWN = (retryAfter: number, message = 'The service is down for maintenance. Try again later.') => ({
  code: 'SERVICE_UNAVAILABLE',
  message,
  retry_after_seconds: retryAfter,
});

describe.each(EXPRESS_VERSIONS)('maintenance() on %s', (_name, express) => {
  const app = (options: Parameters<typeof maintenance>[0]) =>
    buildApp(express, (a) => {
      a.use(maintenance(options));
      a.get('/orders', (_req, res) => ok(res, []));
      a.get('/health', (_req, res) => ok(res, { up: true }));
    });

  it('answers 503 SERVICE_UNAVAILABLE with Retry-After while on, for every path and method', async () => {
    const { app: on } = app({ enabled: true });
    for (const res of [await request(on).get('/orders'), await request(on).post('/nowhere')]) {
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('120');
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: [DOWN(120)] });
    }
    const { app: off } = app({ enabled: false });
    const served = await request(off).get('/orders');
    expect(served.status).toBe(200);
  });

  it('reads a switch on every request, as the operator flips it', async () => {
    const sw = maintenanceSwitch();
    const { app: a } = app({ enabled: sw.isOn, retryAfter: 600, message: 'Upgrading the database until 02:00 UTC.' });
    expect((await request(a).get('/orders')).status).toBe(200);
    sw.on();
    const down = await request(a).get('/orders');
    expect(down.status).toBe(503);
    expect(down.headers['retry-after']).toBe('600');
    expect(down.body).toEqual({ meta: metaFor(down, 'ERROR'), errors: [DOWN(600, 'Upgrading the database until 02:00 UTC.')] });
    sw.off();
    expect((await request(a).get('/orders')).status).toBe(200);
  });

  it('takes an async check and lets skipped requests through', async () => {
    let flag = true;
    const { app: a } = app({ enabled: async () => flag, skip: (req) => req.path === '/health' });
    expect((await request(a).get('/orders')).status).toBe(503);
    const health = await request(a).get('/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ meta: metaFor(health, 'SUCCESS'), data: { up: true } });
    flag = false;
    expect((await request(a).get('/orders')).status).toBe(200);
  });

  it('ignores client headers and query strings: only the operator switches it', async () => {
    const { app: a } = app({ enabled: true });
    const res = await request(a).get('/orders?maintenance=off').set('X-Maintenance', 'off');
    expect(res.status).toBe(503);
  });

  it.each([
    ['throws', () => { throw new Error('flag service down'); }],
    ['rejects', () => Promise.reject(new Error('flag service down'))],
  ])('serves the request and logs when the check %s (fail open)', async (_label, enabled) => {
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const { app: a } = app({ enabled: enabled as never });
      const res = await request(a).get('/orders');
      expect(res.status).toBe(200);
      const logged = stderr.mock.calls.map((c) => String(c[0])).join('');
      expect(logged).toContain(
        `the maintenance check failed; the request is served normally trace_id=${res.headers['x-trace-id']} method=GET path=/orders ` +
          'error=Error message="flag service down" stack="Error: flag service down\\n    at ',
      );
      expect(logged.split('\n').filter((line) => line !== '')).toHaveLength(1);
    } finally {
      stderr.mockRestore();
    }
  });

  it('rejects bad options when created', () => {
    expect(() => maintenance({} as never)).toThrow('`enabled`');
    expect(() => maintenance({ enabled: 'yes' as never })).toThrow('`enabled`');
    expect(() => maintenance({ enabled: true, retryAfter: -5 })).toThrow(RangeError);
    expect(() => maintenance({ enabled: true, message: '' })).toThrow('`message`');
    expect(() => maintenance({ enabled: true, skip: 'x' as never })).toThrow('`skip`');
  });
});
