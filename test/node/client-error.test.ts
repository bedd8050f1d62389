import { once } from 'node:events';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { ok, type ErrorReport } from 'kompliant-envelope';
import { clientErrorHandler } from 'kompliant-envelope/node';
import { EXPRESS_VERSIONS, UUID_V4, buildApp } from '../support/apps.js';

function send(port: number, payload: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (c) => (received += c.toString('latin1')));
    socket.on('close', () => resolve(received));
    socket.on('error', () => resolve(received));
    socket.write(payload);
    setTimeout(() => socket.destroy(), 3000).unref();
  });
}

function parse(raw: string): { status: number; headers: Record<string, string>; body: unknown } {
  const [head = '', body = ''] = raw.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(body) };
}

describe.each(EXPRESS_VERSIONS)('clientErrorHandler() with %s', (_name, express) => {
  const reported: { error: unknown; report: ErrorReport }[] = [];
  beforeEach(() => {
    reported.length = 0;
  });

  async function start() {
    const { app } = buildApp(express, (a) => a.get('/ok', (_req, res) => ok(res)));
    const server = app.listen(0, '127.0.0.1');
    server.on('clientError', clientErrorHandler({ version: '2025-06-01', onError: (error, report) => reported.push({ error, report }) }));
    await once(server, 'listening');
    return { server, port: (server.address() as AddressInfo).port };
  }

  it.each([
    ['a malformed request line', 'GARBAGE\r\n\r\n', 400, { code: 'BAD_REQUEST', message: 'The request is not valid HTTP.' }],
    ['a header without a colon', 'GET /ok HTTP/1.1\r\nHost: x\r\nbroken header\r\n\r\n', 400, { code: 'BAD_REQUEST', message: 'The request is not valid HTTP.' }],
    ['a bad Content-Length', 'POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n', 400, { code: 'BAD_REQUEST', message: 'The request is not valid HTTP.' }],
    ['headers above Node\'s limit', `GET /ok HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 413, { code: 'REQUEST_TOO_LARGE', message: 'The request headers are too large.' }],
  ])('answers %s with an envelope and a fresh trace id', async (_label, payload, status, error) => {
    const { server, port } = await start();
    try {
      const answer = parse(await send(port, payload));
      expect(answer.status).toBe(status);
      expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(answer.headers['connection']).toBe('close');
      expect(answer.headers['x-trace-id']).toMatch(UUID_V4);
      expect(answer.headers['x-api-version']).toBe('2025-06-01');
      expect(answer.body).toEqual({
        meta: { status: 'ERROR', trace_id: answer.headers['x-trace-id'], version: '2025-06-01' },
        errors: [error],
      });
      expect(reported).toEqual([
        {
          error: expect.objectContaining({ code: expect.stringMatching(/^HPE_/) }),
          report: { traceId: answer.headers['x-trace-id'], version: '2025-06-01', status, code: error.code, method: undefined, path: undefined, late: false },
        },
      ]);
      const fine = parse(await send(port, 'GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
      expect(fine.status).toBe(200);
    } finally {
      server.close();
    }
  });

  it('rejects a bad version when created', () => {
    expect(() => clientErrorHandler({ version: 'a b' })).toThrow('`version`');
  });
});
