import request from 'supertest';
import { ApiError, asyncHandler, envelope, errorHandler, ok } from 'kompliant-envelope';
import { MAX_ERROR_MESSAGE_LENGTH } from 'kompliant-envelope/core';
import { isSecretHeader, logField, redactHeaders } from '../../src/core/report.js';
import { EXPRESS_VERSIONS, metaFor } from '../support/apps.js';

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2Vu.SIGNATURE_9f8e7d';
const INTERNAL = [{ code: 'INTERNAL_ERROR', message: 'An unexpected error occurred. Quote the trace_id if you contact support.' }];

/** What axios rejects with when an upstream answers 502: the request config, headers and all, rides along. */
function axiosLikeError(): Error {
  const config = {
    method: 'post',
    url: 'https://payments.example.com/charges?api_key=QUERY_SECRET',
    headers: { Authorization: `Bearer ${TOKEN}`, 'X-API-Key': TOKEN, Cookie: `session=${TOKEN}`, 'Content-Type': 'application/json' },
    data: JSON.stringify({ card: '4242424242424242', token: TOKEN }),
  };
  return Object.assign(new Error('Request failed with status code 502'), {
    name: 'AxiosError',
    isAxiosError: true,
    code: 'ERR_BAD_RESPONSE',
    config,
    request: { _header: `POST /charges HTTP/1.1\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n` },
    response: { status: 502, headers: { 'set-cookie': [`upstream=${TOKEN}`] }, data: { echo: TOKEN }, config },
  });
}

function captureStderr(): { text: () => string; restore: () => void } {
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  return { text: () => spy.mock.calls.map((c) => String(c[0])).join(''), restore: () => spy.mockRestore() };
}

describe.each(EXPRESS_VERSIONS)('the default reporter on %s', (_name, express) => {
  const app = (route: (a: ReturnType<typeof express>) => void) => {
    const a = express();
    a.use(envelope());
    route(a);
    a.use(errorHandler());
    return a;
  };

  it('writes one line for an axios-like error: no token, header, body or query anywhere on stderr nor in the answer', async () => {
    const stderr = captureStderr();
    try {
      const a = app((x) => x.post('/charge', asyncHandler(async () => { throw axiosLikeError(); })));
      const res = await request(a).post('/charge?card=4242').set('Authorization', `Bearer ${TOKEN}`).send({ amount: 5 });
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: INTERNAL });
      const logged = stderr.text();
      expect(logged.split('\n')).toHaveLength(2);
      expect(logged).toMatch(
        new RegExp(
          `^kompliant-envelope: status=500 code=INTERNAL_ERROR trace_id=${String(res.headers['x-trace-id'])} version=1 method=POST path=/charge duration_ms=[\\d.]+ ` +
            'upstream_status=502 upstream_method=POST upstream_url=https://payments.example.com/charges ' +
            'error=AxiosError message="Request failed with status code 502" stack="AxiosError: Request failed with status code 502\\\\n    at ',
        ),
      );
      for (const secret of [TOKEN, 'QUERY_SECRET', '4242', 'Bearer', 'session=', 'Authorization']) {
        expect(logged).not.toContain(secret);
        expect(res.text).not.toContain(secret);
      }
    } finally {
      stderr.restore();
    }
  });

  it('escapes CR and LF in messages and paths, so a report cannot forge a log line', async () => {
    const stderr = captureStderr();
    try {
      const a = app((x) => x.get('/a%0d%0aforged', () => { throw new Error('first\r\nkompliant-envelope: status=200 forged'); }));
      const res = await request(a).get('/a%0d%0aforged');
      expect(res.status).toBe(500);
      const logged = stderr.text();
      expect(logged.split('\n')).toHaveLength(2);
      expect(logged).toContain(' path=/a%0d%0aforged ');
      expect(logged).toContain('message="first\\r\\nkompliant-envelope: status=200 forged"');
    } finally {
      stderr.restore();
    }
  });

  it('prints what a thrown non-error is without dumping it', async () => {
    const stderr = captureStderr();
    try {
      const a = app((x) => {
        x.get('/object', () => { throw { token: TOKEN, nested: { password: TOKEN } }; });
        x.get('/string', () => { throw 'plain\nstring'; });
      });
      await request(a).get('/object');
      await request(a).get('/string');
      const lines = stderr.text().split('\n').filter((line) => line !== '');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/ path=\/object duration_ms=[\d.]+ error=Object$/);
      expect(lines[1]).toMatch(/ path=\/string duration_ms=[\d.]+ error=string message="plain\\nstring"$/);
      expect(stderr.text()).not.toContain(TOKEN);
    } finally {
      stderr.restore();
    }
  });

  it('clips a long message and names the cause (one level)', async () => {
    const stderr = captureStderr();
    try {
      const cause = Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:5432'), { name: 'DatabaseError', password: TOKEN });
      const a = app((x) => x.get('/x', () => { throw new ApiError(500, 'INTERNAL_ERROR', 'x'.repeat(5000), undefined, { cause }); }));
      const res = await request(a).get('/x');
      expect(res.status).toBe(500);
      const logged = stderr.text();
      expect(logged).toContain(`error=ApiError message="${'x'.repeat(MAX_ERROR_MESSAGE_LENGTH - 1)}…" stack="ApiError: `);
      expect(logged).toContain(' cause=DatabaseError cause_message="connect ECONNREFUSED 10.0.0.7:5432"\n');
      expect(logged).not.toContain(TOKEN);
    } finally {
      stderr.restore();
    }
  });

  it('marks an error after the response started with late=true, on its one line', async () => {
    const stderr = captureStderr();
    try {
      const a = app((x) => x.get('/stream', (_req, res) => {
        res.status(200).write('partial');
        throw new Error('after the start');
      }));
      await request(a).get('/stream').catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const lines = stderr.text().split('\n').filter((line) => line !== '');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^kompliant-envelope: status=500 code=INTERNAL_ERROR trace_id=[0-9a-f-]{36} version=1 method=GET path=\/stream late=true duration_ms=[\d.]+ error=Error message="after the start" stack="Error: after the start\\n    at /,
      );
    } finally {
      stderr.restore();
    }
  });

  it('does not log 4xx, which are the client\'s', async () => {
    const stderr = captureStderr();
    try {
      const a = app((x) => x.get('/x', () => { throw new ApiError(400, 'BAD_REQUEST', 'No.'); }));
      expect((await request(a).get('/x')).status).toBe(400);
      expect(stderr.text()).toBe('');
    } finally {
      stderr.restore();
    }
  });

  it('when onError throws, writes one line with both errors, neither dumped', async () => {
    const stderr = captureStderr();
    try {
      const a = express();
      a.use(envelope());
      a.get('/x', () => { throw axiosLikeError(); });
      a.use(errorHandler({ onError: () => { throw Object.assign(new Error('logger down'), { config: { headers: { authorization: TOKEN } } }); } }));
      const res = await request(a).get('/x');
      expect(res.status).toBe(500);
      const logged = stderr.text();
      expect(logged.split('\n')).toHaveLength(2);
      expect(logged).toContain(`kompliant-envelope: the onError hook threw while reporting status=500 code=INTERNAL_ERROR trace_id=${String(res.headers['x-trace-id'])} `);
      expect(logged).toContain(' error=AxiosError message="Request failed with status code 502" stack="');
      expect(logged).toContain(' hook_error=Error hook_message="logger down" hook_stack="Error: logger down\\n');
      expect(logged).not.toContain(TOKEN);
    } finally {
      stderr.restore();
    }
  });

  it('reports a throwing onResponse hook in the same form', async () => {
    const stderr = captureStderr();
    try {
      const a = express();
      a.use(envelope({ onResponse: () => { throw Object.assign(new Error('metrics down'), { headers: { cookie: TOKEN } }); } }));
      a.get('/x', (_req, res) => ok(res, {}));
      const res = await request(a).get('/x');
      expect(res.status).toBe(200);
      await new Promise((resolve) => setImmediate(resolve));
      const logged = stderr.text();
      expect(logged).toContain(`kompliant-envelope: the onResponse hook threw trace_id=${String(res.headers['x-trace-id'])} error=Error message="metrics down" stack="Error: metrics down\\n`);
      expect(logged.split('\n')).toHaveLength(2);
      expect(logged).not.toContain(TOKEN);
    } finally {
      stderr.restore();
    }
  });
});

describe('log fields and header redaction', () => {
  it('redacts the secret headers, whatever their case', () => {
    expect(
      redactHeaders({
        Authorization: 'Bearer a',
        'proxy-authorization': 'Basic b',
        cookie: 'c=1',
        'Set-Cookie': ['d=1', 'e=2'],
        'X-API-Key': 'k',
        'x-auth-token': 't',
        'X-CSRF-Token': 'u',
        'X-Webhook-Secret': 's',
        Accept: ['application/json', 'text/plain'],
        'Content-Length': 12,
        'X-Tokenizer': 'kept',
      }),
    ).toEqual({
      Authorization: '[redacted]',
      'proxy-authorization': '[redacted]',
      cookie: '[redacted]',
      'Set-Cookie': '[redacted]',
      'X-API-Key': '[redacted]',
      'x-auth-token': '[redacted]',
      'X-CSRF-Token': '[redacted]',
      'X-Webhook-Secret': '[redacted]',
      Accept: 'application/json, text/plain',
      'Content-Length': '12',
      'X-Tokenizer': 'kept',
    });
    expect(redactHeaders(null)).toEqual({});
    expect(isSecretHeader('X-Request-Id')).toBe(false);
  });

  it('quotes and escapes what is not a plain token, and clips', () => {
    expect(logField('path', '/orders/7')).toBe('path=/orders/7');
    expect(logField('message', 'a "b"\r\n\\c\u0000')).toBe('message="a \\"b\\"\\r\\n\\\\c\\u0000"');
    expect(logField('message', 'abcdef', 4)).toBe('message="abc…"');
    expect(logField('message', '')).toBe('message=""');
  });
});

describe.each(EXPRESS_VERSIONS)('the default reporter with hostile thrown values on %s', (_name, express) => {
  it('never throws on getters that throw or a revoked Proxy, and still writes its line', async () => {
    const stderr = captureStderr();
    try {
      const hostile = Object.defineProperty(new Error('x'), 'message', { get: () => { throw new Error('getter'); } });
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      const a = express();
      a.use(envelope());
      a.get('/getter', () => { throw hostile; });
      a.get('/revoked', () => { throw proxy; });
      a.use(errorHandler());
      for (const path of ['/getter', '/revoked']) {
        const res = await request(a).get(path);
        expect(res.status).toBe(500);
        expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: INTERNAL });
      }
      const lines = stderr.text().split('\n').filter((line) => line !== '');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/ path=\/getter duration_ms=[\d.]+ error=Error$/);
      expect(lines[1]).toMatch(/ path=\/revoked duration_ms=[\d.]+ error=Object$/);
    } finally {
      stderr.restore();
    }
  });
});
