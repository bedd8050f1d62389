import { once } from 'node:events';
import request from 'supertest';
import { envelope, ok } from 'kompliant-envelope';
import { newTimeOrderedTraceId } from '../../src/core/trace-id.js';
import { EXPRESS_VERSIONS, UUID_V4, buildApp, metaFor } from '../support/apps.js';

/** RFC 9562 version 7: version nibble 7, variant bits 10. */
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The Unix time in milliseconds that a version-7 id carries in its first 48 bits. */
const timeOf = (id: string) => parseInt(id.replace(/-/g, '').slice(0, 12), 16);

describe.each(EXPRESS_VERSIONS)('envelope({ traceIdVersion }) on %s', (_name, express) => {
  it('makes version-7 ids carrying the time of the request, in meta.trace_id and X-Trace-Id', async () => {
    const { app } = buildApp(express, (a) => a.get('/ping', (_req, res) => ok(res, { pong: true })), { envelope: { traceIdVersion: 7 } });
    const before = Date.now();
    const res = await request(app).get('/ping');
    const after = Date.now();
    expect(res.status).toBe(200);
    expect(res.headers['x-trace-id']).toMatch(UUID_V7);
    expect(res.headers['x-api-version']).toBe('1');
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.body).toEqual({ meta: metaFor(res, 'SUCCESS'), data: { pong: true } });
    const time = timeOf(res.headers['x-trace-id'] as string);
    expect(time).toBeGreaterThanOrEqual(before);
    expect(time).toBeLessThanOrEqual(after);
  });

  it('gives ids that sort in the order the requests came, sequential or concurrent', async () => {
    const { app } = buildApp(express, (a) => a.get('/ping', (_req, res) => ok(res)), { envelope: { traceIdVersion: 7 } });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const agent = request(server);
    try {
      const sequential: string[] = [];
      for (let i = 0; i < 30; i++) {
        const res = await agent.get('/ping');
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ meta: metaFor(res, 'SUCCESS'), data: {} });
        sequential.push(res.headers['x-trace-id'] as string);
      }
      for (const id of sequential) expect(id).toMatch(UUID_V7);
      // Strictly increasing as text, also for requests answered within the same millisecond.
      expect([...sequential].sort()).toEqual(sequential);
      expect(new Set(sequential).size).toBe(sequential.length);

      const concurrent = await Promise.all(Array.from({ length: 100 }, () => agent.get('/ping')));
      const ids = concurrent.map((r) => r.body.meta.trace_id as string);
      expect(new Set(ids).size).toBe(100);
      for (const r of concurrent) {
        expect(r.body.meta.trace_id).toMatch(UUID_V7);
        expect(r.headers['x-trace-id']).toBe(r.body.meta.trace_id);
      }
      // Every id made after the sequential ones sorts after them.
      expect(ids.every((id) => id > (sequential.at(-1) as string))).toBe(true);
    } finally {
      server.close();
    }
  });

  it('still takes a trusted incoming id as it is, and makes a version-7 one only when there is none', async () => {
    const { app } = buildApp(express, (a) => a.get('/ping', (_req, res) => ok(res)), {
      envelope: { traceIdVersion: 7, trustIncoming: ['X-Request-Id'] },
    });
    const trusted = await request(app).get('/ping').set('X-Request-Id', 'req-42');
    expect(trusted.status).toBe(200);
    expect(trusted.headers['x-trace-id']).toBe('req-42');
    expect(trusted.body).toEqual({ meta: { status: 'SUCCESS', trace_id: 'req-42', version: '1' }, data: {} });
    const fresh = await request(app).get('/ping').set('X-Request-Id', 'not valid!');
    expect(fresh.headers['x-trace-id']).toMatch(UUID_V7);
    expect(fresh.body).toEqual({ meta: metaFor(fresh, 'SUCCESS'), data: {} });
  });

  it('keeps version-4 ids by default and with traceIdVersion: 4', async () => {
    for (const options of [{}, { traceIdVersion: 4 as const }]) {
      const { app } = buildApp(express, (a) => a.get('/ping', (_req, res) => ok(res)), { envelope: options });
      const res = await request(app).get('/ping');
      expect(res.status).toBe(200);
      expect(res.headers['x-trace-id']).toMatch(UUID_V4);
      expect(res.body).toEqual({ meta: metaFor(res, 'SUCCESS'), data: {} });
    }
  });

  it('puts version-7 ids on error answers too', async () => {
    const { app } = buildApp(express, () => undefined, { envelope: { traceIdVersion: 7 } });
    const res = await request(app).get('/nowhere');
    expect(res.status).toBe(400);
    expect(res.headers['x-trace-id']).toMatch(UUID_V7);
    expect(res.body).toEqual({
      meta: metaFor(res, 'ERROR'),
      errors: [{ code: 'ROUTE_NOT_FOUND', message: 'No endpoint exists at this path.' }],
    });
  });
});

describe('the traceIdVersion option', () => {
  it('is checked when envelope() is made', () => {
    for (const bad of [5, 0, 7.5, '7', null, Number.NaN]) {
      expect(() => envelope({ traceIdVersion: bad as never })).toThrow(RangeError);
    }
    expect(() => envelope({ traceIdVersion: 1 as never })).toThrow(
      'The `traceIdVersion` option of envelope() must be 4 (random UUIDs) or 7 (time-ordered UUIDs), got 1.',
    );
    expect(() => envelope({ traceIdVersion: '7' as never })).toThrow('got "7".');
    expect(() => envelope({ traceIdVersions: 7 } as never)).toThrow('did you mean `traceIdVersion`?');
    expect(() => envelope({ traceIdVersion: 7 })).not.toThrow();
    expect(() => envelope({ traceIdVersion: 4 })).not.toThrow();
  });
});

describe('version-7 trace ids', () => {
  afterEach(() => jest.restoreAllMocks());

  it('count up within one millisecond, and the time moves on when the clock does', () => {
    const now = jest.spyOn(Date, 'now').mockReturnValue(Date.UTC(2030, 0, 1));
    const sameMs = Array.from({ length: 1000 }, () => newTimeOrderedTraceId());
    expect([...sameMs].sort()).toEqual(sameMs);
    expect(new Set(sameMs).size).toBe(1000);
    for (const id of sameMs) {
      expect(id).toMatch(UUID_V7);
      expect(timeOf(id)).toBe(Date.UTC(2030, 0, 1));
    }
    now.mockReturnValue(Date.UTC(2030, 0, 1) + 5);
    const later = newTimeOrderedTraceId();
    expect(timeOf(later)).toBe(Date.UTC(2030, 0, 1) + 5);
    expect(later > (sameMs.at(-1) as string)).toBe(true);
  });

  it('keep sorting after the clock steps back', () => {
    const now = jest.spyOn(Date, 'now').mockReturnValue(Date.UTC(2031, 5, 1, 12));
    const first = newTimeOrderedTraceId();
    now.mockReturnValue(Date.UTC(2031, 5, 1, 11)); // an NTP correction of an hour
    const second = newTimeOrderedTraceId();
    expect(second > first).toBe(true);
    expect(timeOf(second)).toBe(Date.UTC(2031, 5, 1, 12));
  });

  it('differ in their random bits from one millisecond to the next', () => {
    const now = jest.spyOn(Date, 'now');
    const tails = new Set<string>();
    for (let i = 0; i < 200; i++) {
      now.mockReturnValue(Date.UTC(2032, 0, 1) + i);
      tails.add(newTimeOrderedTraceId().slice(15));
    }
    expect(tails.size).toBe(200);
  });
});
