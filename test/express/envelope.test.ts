import { once } from 'node:events';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { envelope, ok, requestContext, warn } from 'kompliant-envelope';
import { EXPRESS_VERSIONS, UUID_V4, buildApp, metaFor } from '../support/apps.js';

const VERSIONS = ['2024-01-01', '2025-06-01'];

describe.each(EXPRESS_VERSIONS)('envelope() on %s', (_name, express) => {
  describe('trace ids', () => {
    it('gives each request its own uuid, in meta.trace_id and X-Trace-Id', async () => {
      const { app } = buildApp(express, (a) => a.get('/ping', (_req, res) => ok(res, { pong: true })));
      const first = await request(app).get('/ping');
      const second = await request(app).get('/ping');
      for (const res of [first, second]) {
        expect(res.status).toBe(200);
        expect(res.headers['x-trace-id']).toMatch(UUID_V4);
        expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
        expect(res.body).toEqual({ meta: metaFor(res, 'SUCCESS'), data: { pong: true } });
      }
      expect(first.headers['x-trace-id']).not.toBe(second.headers['x-trace-id']);
    });

    it('keeps 200 distinct ids across concurrent requests', async () => {
      const { app } = buildApp(express, (a) => a.get('/ping', (_req, res) => ok(res)));
      const server = app.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const agent = request(server);
      try {
        const answers = await Promise.all(Array.from({ length: 200 }, () => agent.get('/ping')));
        const ids = new Set(answers.map((r) => r.body.meta.trace_id));
        expect(ids.size).toBe(200);
        for (const r of answers) expect(r.body.meta.trace_id).toBe(r.headers['x-trace-id']);
      } finally {
        server.close();
      }
    });
  });

  describe('request context', () => {
    it('is undefined outside a request', () => {
      expect(requestContext()).toBeUndefined();
      expect(warn('X', 'outside')).toBe(false);
    });

    it('survives awaits, timers and body parsing, and never crosses requests', async () => {
      const { app } = buildApp(
        express,
        (a) =>
          a.post('/echo', (req, res, next) => {
            const atStart = requestContext()?.traceId;
            setTimeout(() => {
              const afterTimer = requestContext()?.traceId;
              Promise.resolve()
                .then(() => new Promise((r) => setImmediate(r)))
                .then(() => {
                  const ctx = requestContext();
                  ok(res, { atStart, afterTimer, afterAwait: ctx?.traceId, version: ctx?.version, body: req.body });
                })
                .catch(next);
            }, Number(req.body.delay));
          }),
        { envelope: { versions: VERSIONS } },
      );
      const server = app.listen(0, '127.0.0.1');
      await once(server, 'listening');
      try {
        const answers = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            request(server)
              .post('/echo')
              .set('X-API-Version', VERSIONS[i % 2] as string)
              .send({ delay: 20 - i, i }),
          ),
        );
        answers.forEach((res, i) => {
          const id = res.headers['x-trace-id'];
          expect(res.status).toBe(200);
          expect(res.body).toEqual({
            meta: metaFor(res, 'SUCCESS', VERSIONS[i % 2]),
            data: { atStart: id, afterTimer: id, afterAwait: id, version: VERSIONS[i % 2], body: { delay: 20 - i, i } },
          });
        });
      } finally {
        server.close();
      }
    });
  });

  it("requestContext() shows only traceId, version and warnings, never the library's own fields", async () => {
    const { app } = buildApp(express, (a) =>
      a.get('/ctx', (_req, res) => {
        warn('W', 'w');
        const context = requestContext();
        ok(res, { json: JSON.parse(JSON.stringify(context)), keys: Object.keys(context ?? {}).sort(), same: requestContext() === context });
      }),
    );
    const res = await request(app).get('/ctx');
    expect(res.body.data).toEqual({
      json: { traceId: res.headers['x-trace-id'], version: '1', warnings: [{ code: 'W', message: 'w' }] },
      keys: ['toJSON', 'traceId', 'version', 'warnings'],
      same: true,
    });
  });

  describe('versions', () => {
    const app = () =>
      buildApp(express, (a) => a.get('/v', (_req, res) => ok(res, { seen: requestContext()?.version })), {
        envelope: { versions: VERSIONS },
      }).app;

    it('uses the latest version when X-API-Version is absent or empty', async () => {
      for (const header of [undefined, '', '   ']) {
        const req = request(app()).get('/v');
        const res = header === undefined ? await req : await req.set('X-API-Version', header);
        expect(res.status).toBe(200);
        expect(res.headers['x-api-version']).toBe('2025-06-01');
        expect(res.body).toEqual({ meta: metaFor(res, 'SUCCESS', '2025-06-01'), data: { seen: '2025-06-01' } });
      }
    });

    it('uses the version the header asks for', async () => {
      const res = await request(app()).get('/v').set('X-API-Version', '2024-01-01');
      expect(res.headers['x-api-version']).toBe('2024-01-01');
      expect(res.body).toEqual({ meta: metaFor(res, 'SUCCESS', '2024-01-01'), data: { seen: '2024-01-01' } });
    });

    it.each([
      ['an unknown version', '2023-01-01'],
      ['two versions joined', '2024-01-01,2025-06-01'],
      ['markup', '<script>'],
      ['a 5,000-character value', 'x'.repeat(5000)],
    ])(
      'answers 400 UNSUPPORTED_API_VERSION for %s, without echoing it',
      async (_label, asked) => {
        const res = await request(app()).get('/v').set('X-API-Version', asked);
        expect(res.status).toBe(400);
        expect(res.headers['x-api-version']).toBe('2025-06-01');
        expect(res.body).toEqual({
          meta: metaFor(res, 'ERROR', '2025-06-01'),
          errors: [
            {
              code: 'UNSUPPORTED_API_VERSION',
              message: 'The requested API version is not supported. Supported versions: 2024-01-01, 2025-06-01.',
              supported_versions: VERSIONS,
            },
          ],
        });
        expect(res.text).not.toContain(asked);
      },
    );

    it('answers 400 when X-API-Version is sent twice, even with the same value', async () => {
      const res = await request(app()).get('/v').set('X-API-Version', ['2024-01-01', '2024-01-01'] as never);
      expect(res.status).toBe(400);
      expect(res.body.errors[0].code).toBe('UNSUPPORTED_API_VERSION');
    });

    it('has one implicit version "1" without the option', async () => {
      const { app: plain } = buildApp(express, (a) => a.get('/v', (_req, res) => ok(res)));
      const implicit = await request(plain).get('/v');
      expect(implicit.headers['x-api-version']).toBe('1');
      expect(implicit.body.meta.version).toBe('1');
      const asked = await request(plain).get('/v').set('X-API-Version', '1');
      expect(asked.status).toBe(200);
      const other = await request(plain).get('/v').set('X-API-Version', '2');
      expect(other.status).toBe(400);
      expect(other.body.errors[0].supported_versions).toEqual(['1']);
    });
  });

  describe('body guards', () => {
    const echo = (max?: number, contentTypes?: string[]) =>
      buildApp(express, (a) => a.post('/in', (req, res) => ok(res, { got: req.body })), {
        envelope: { ...(max === undefined ? {} : { maxBodySize: max }), ...(contentTypes ? { contentTypes } : {}) },
      }).app;

    const unsupported = (res: request.Response, types = 'application/json') => ({
      meta: metaFor(res, 'ERROR'),
      errors: [
        {
          code: 'UNSUPPORTED_MEDIA_TYPE',
          message: `The request body must be sent with a Content-Type of ${types}.`,
          supported_media_types: types.split(', '),
        },
      ],
    });

    it.each([
      ['text/plain', 'hello'],
      ['application/x-www-form-urlencoded', 'a=1'],
      ['application/xml', '<a/>'],
      ['application/jsonx', '{}'],
    ])('answers 415 for a %s body', async (type, body) => {
      const res = await request(echo()).post('/in').set('Content-Type', type).send(body);
      expect(res.status).toBe(415);
      expect(res.body).toEqual(unsupported(res));
    });

    it('answers 415 for a body without a Content-Type', async () => {
      const res = await request(echo()).post('/in').set('Content-Length', '2').serialize((b) => b).send('{}' as never).unset('Content-Type');
      expect(res.status).toBe(415);
      expect(res.body).toEqual(unsupported(res));
    });

    it('accepts JSON with parameters, in any case', async () => {
      for (const type of ['application/json', 'Application/JSON; charset=utf-8']) {
        const res = await request(echo()).post('/in').set('Content-Type', type).send('{"a":1}');
        expect(res.status).toBe(200);
        expect(res.body.data).toEqual({ got: { a: 1 } });
      }
    });

    it('answers 415 for +json types unless they are added', async () => {
      const patch = await request(echo()).post('/in').set('Content-Type', 'application/merge-patch+json').send('{"a":1}');
      expect(patch.status).toBe(415);
      const widened = echo(undefined, ['application/json', 'application/*+json']);
      const accepted = await request(widened).post('/in').set('Content-Type', 'application/merge-patch+json').send('{"a":1}');
      expect(accepted.status).toBe(200);
      expect(await request(widened).post('/in').set('Content-Type', 'application/+json').send('{}')).toHaveProperty('status', 415);
    });

    it('never answers 415 to a request without a body', async () => {
      const { app } = buildApp(express, (a) => a.post('/in', (_req, res) => ok(res, { fine: true })));
      const none = await request(app).post('/in').set('Content-Type', 'text/plain');
      expect(none.status).toBe(200);
      const zero = await request(app).post('/in').set('Content-Type', 'text/plain').set('Content-Length', '0');
      expect(zero.status).toBe(200);
      expect(zero.body).toEqual({ meta: metaFor(zero, 'SUCCESS'), data: { fine: true } });
    });

    it('checks a chunked body (Transfer-Encoding, no Content-Length) too', async () => {
      const server = echo().listen(0, '127.0.0.1');
      await once(server, 'listening');
      try {
        const raw = await rawRequest(
          (server.address() as AddressInfo).port,
          'POST /in HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\nhi\r\n0\r\n\r\n',
        );
        expect(raw).toMatch(/^HTTP\/1\.1 415 /);
        expect(raw).toContain('"code":"UNSUPPORTED_MEDIA_TYPE"');
      } finally {
        server.close();
      }
    });

    it('honours the contentTypes option', async () => {
      const app = echo(undefined, ['text/*', 'application/json']);
      const text = await request(app).post('/in').set('Content-Type', 'text/csv').send('a,b');
      expect(text.status).toBe(200);
      const xml = await request(app).post('/in').set('Content-Type', 'application/xml').send('<a/>');
      expect(xml.status).toBe(415);
      expect(xml.body).toEqual(unsupported(xml, 'text/*, application/json'));
    });

    it('answers 413 for a declared Content-Length above maxBodySize at once, without reading the body', async () => {
      const app = echo(10);
      const res = await request(app).post('/in').set('Content-Type', 'application/json').send('{"a":"0123456789"}');
      expect(res.status).toBe(413);
      expect(res.body).toEqual({
        meta: metaFor(res, 'ERROR'),
        errors: [{ code: 'REQUEST_TOO_LARGE', message: 'The request body must not be larger than 10 bytes.', max_bytes: 10 }],
      });
    });

    it('answers 413 for a 200 MB declaration with the default 100 MB limit before any byte of body is sent', async () => {
      const server = echo().listen(0, '127.0.0.1');
      await once(server, 'listening');
      try {
        const raw = await rawRequest(
          (server.address() as AddressInfo).port,
          `POST /in HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${200 * 1024 * 1024}\r\n\r\n`,
        );
        expect(raw).toMatch(/^HTTP\/1\.1 413 /);
        expect(raw.toLowerCase()).toContain('connection: close');
        const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4));
        expect(body.errors).toEqual([
          { code: 'REQUEST_TOO_LARGE', message: 'The request body must not be larger than 104857600 bytes.', max_bytes: 104857600 },
        ]);
        expect(body.meta.trace_id).toMatch(UUID_V4);
      } finally {
        server.close();
      }
    });

    it('accepts a body of exactly maxBodySize bytes', async () => {
      const res = await request(echo(7)).post('/in').set('Content-Type', 'application/json').send('{"a":1}');
      expect(res.status).toBe(200);
    });
  });

  it('rejects bad options when created, with a clear message', () => {
    expect(() => envelope({ versions: [] })).toThrow(TypeError);
    expect(() => envelope({ versions: ['1', '1'] })).toThrow('must not list a version twice');
    expect(() => envelope({ versions: ['bad version'] })).toThrow('Each entry of the `versions` option');
    expect(() => envelope({ maxBodySize: -1 })).toThrow(RangeError);
    expect(() => envelope({ maxBodySize: 1.5 })).toThrow('`maxBodySize`');
    expect(() => envelope({ contentTypes: [] })).toThrow('`contentTypes`');
    expect(() => envelope({ contentTypes: ['json'] })).toThrow('"json"');
    expect(() => envelope({ contentTypes: ['*/json'] })).toThrow('only "*/*"');
    expect(() => envelope(null as never)).toThrow('must be an object');
  });
});

/** Sends raw bytes and resolves with everything the server answers until it closes (or 5 s). */
function rawRequest(port: number, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(received);
    }, 5000);
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      if (received !== '') resolve(received);
      else reject(error);
    });
    socket.write(payload);
  });
}
