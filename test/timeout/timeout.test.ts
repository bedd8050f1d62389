import { once } from 'node:events';
import request from 'supertest';
import { asyncHandler, batch, ok } from 'kompliant-envelope';
import { TimedOutAnswerError, hasTimedOut, timeout } from 'kompliant-envelope/timeout';
import { EXPRESS_VERSIONS, buildApp, metaFor } from '../support/apps.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const GATEWAY_TIMEOUT = { code: 'GATEWAY_TIMEOUT', message: 'The request timed out. Try again later.', timeout_ms: 30 };

describe.each(EXPRESS_VERSIONS)('timeout() on %s', (_name, express) => {
  const lateActions: [string, (req: unknown, res: import('express').Response, next: import('express').NextFunction) => void][] = [
    ['ok()', (_req, res) => ok(res, { late: true })],
    ['res.json()', (_req, res) => { res.json({ late: true }); }],
    ['res.status().send()', (_req, res) => { res.status(200).send('late'); }],
    ['res.setHeader() and res.end()', (_req, res) => { res.setHeader('X-Late', '1'); res.end('late'); }],
    ['res.write()', (_req, res) => { res.write('late'); }],
    ['next(err)', (_req, _res, next) => next(new Error('late failure'))],
    ['next()', (_req, _res, next) => next()],
  ];

  it.each(lateActions)('answers 504 in time and drops a later %s, reporting it, never crashing', async (_label, act) => {
    const seen: boolean[] = [];
    const { app, reported } = buildApp(express, (a) => {
      a.get('/slow', timeout(30), (req, res, next) => {
        setTimeout(() => {
          seen.push(hasTimedOut(res));
          act(req, res, next);
        }, 80);
      });
      a.get('/fast', timeout(1000), (_req, res) => ok(res, { fast: true }));
    });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const res = await request(server).get('/slow');
      expect(res.status).toBe(504);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: [GATEWAY_TIMEOUT] });
      await sleep(150);
      expect(seen).toEqual([true]);
      if (_label === 'next()') {
        expect(reported).toEqual([]);
      } else {
        expect(reported).toHaveLength(1);
        expect(reported[0]?.report).toEqual(expect.objectContaining({ late: true, traceId: res.headers['x-trace-id'], path: '/slow' }));
        if (_label !== 'next(err)') {
          expect(reported[0]?.error).toBeInstanceOf(TimedOutAnswerError);
          expect(reported[0]?.report).toEqual(expect.objectContaining({ status: 504, code: 'GATEWAY_TIMEOUT' }));
        }
      }
      const fast = await request(server).get('/fast');
      expect(fast.status).toBe(200);
      expect(fast.body).toEqual({ meta: metaFor(fast, 'SUCCESS'), data: { fast: true } });
    } finally {
      server.close();
    }
  });

  it('reports a batch() that finishes after the 504 as a timed-out answer', async () => {
    const { app, reported } = buildApp(express, (a) =>
      a.post('/batch', timeout(30), (req, res) => batch(res, req.body, async (n: number) => {
        await sleep(80);
        return { n };
      })),
    );
    const res = await request(app).post('/batch').send([1, 2]);
    expect(res.status).toBe(504);
    await sleep(150);
    expect(reported).toHaveLength(1);
    expect(reported[0]?.error).toBeInstanceOf(TimedOutAnswerError);
  });

  it('drops a later throw from an async handler', async () => {
    const { app, reported } = buildApp(express, (a) =>
      a.get('/slow', timeout(30), asyncHandler(async () => {
        await sleep(80);
        throw new Error('too late to matter');
      })),
    );
    const res = await request(app).get('/slow');
    expect(res.status).toBe(504);
    await sleep(120);
    expect(reported.map((r) => r.report.late)).toEqual([true]);
    expect((reported[0]?.error as Error).message).toBe('too late to matter');
  });

  it('leaves an answer in time alone, and stops its timer', async () => {
    const { app, reported } = buildApp(express, (a) =>
      a.get('/quick', timeout(50), asyncHandler(async (_req, res) => {
        await sleep(5);
        ok(res, { quick: true });
      })),
    );
    const res = await request(app).get('/quick');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ meta: metaFor(res, 'SUCCESS'), data: { quick: true } });
    await sleep(80);
    expect(reported).toEqual([]);
  });

  it('takes a message, and rejects bad arguments when created', async () => {
    const { app } = buildApp(express, (a) => a.get('/slow', timeout(10, { message: 'The report takes too long.' }), () => undefined));
    const res = await request(app).get('/slow');
    expect(res.body.errors).toEqual([{ code: 'GATEWAY_TIMEOUT', message: 'The report takes too long.', timeout_ms: 10 }]);
    expect(() => timeout(0)).toThrow(RangeError);
    expect(() => timeout(1.5)).toThrow('whole number');
    expect(() => timeout(10, { message: '' })).toThrow('`message`');
  });
});
