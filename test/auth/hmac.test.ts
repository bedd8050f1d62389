import { createHmac } from 'node:crypto';
import request from 'supertest';
import { envelope, errorHandler, ok, type ErrorReport } from 'kompliant-envelope';
import {
  authenticate,
  hmacVerifier,
  keepRawBody,
  memoryNonceStore,
  principalOf,
  rawBodyOf,
  type HmacOptions,
  type HmacVerifierOptions,
  type NonceStore,
} from 'kompliant-envelope/auth';
import { signRequest } from 'kompliant-envelope/client';
import { EXPRESS_VERSIONS, metaFor, type ExpressFactory } from '../support/apps.js';

const OPTIONS: HmacOptions = { secrets: { partner1: 'a-long-shared-secret-1', partner2: 'a-long-shared-secret-2' } };
const HEADERS = ['X-Key-Id', 'X-Timestamp', 'X-Nonce', 'X-Signature'];
const failed = (message: string) => [{ code: 'AUTHENTICATION_FAILED', message }];
const NO_MATCH = 'The request signature does not match.';
const STALE = "The request timestamp is more than 300 seconds from the server's clock.";
const INTERNAL = [{ code: 'INTERNAL_ERROR', message: 'An unexpected error occurred. Quote the trace_id if you contact support.' }];
const PATH = '/webhooks/orders?attempt=1';

/** What onError got: the reason in the refusal's cause, for the logs only. */
const causeCode = (error: unknown) => ((error as { cause?: { code?: string } }).cause ?? {}).code;

describe.each(EXPRESS_VERSIONS)('HMAC request signatures on %s', (_name, express) => {
  const build = (options: HmacVerifierOptions = OPTIONS, factory: ExpressFactory = express, headers = HEADERS) => {
    const reported: { error: unknown; report: ErrorReport }[] = [];
    const a = factory();
    a.use(envelope());
    a.use(factory.json({ verify: keepRawBody }));
    a.use('/webhooks', authenticate({ headers, verify: hmacVerifier(options) }));
    a.post('/webhooks/orders', (req, res) => ok(res, { from: principalOf(req), got: req.body }));
    a.use(errorHandler({ onError: (error, report) => reported.push({ error, report }) }));
    return { app: a, reported };
  };
  const body = JSON.stringify({ order: 7, total: 12.5 });
  const send = (app: ReturnType<typeof build>['app'], headers: Record<string, string>, sent = body, path = PATH) =>
    request(app).post(path).set(headers).set('Content-Type', 'application/json').send(sent);

  it('accepts a request signed with a known key, with a fresh nonce, and tells who signed it', async () => {
    const headers = await signRequest(OPTIONS, 'partner2', 'POST', PATH, body);
    expect(headers['X-Nonce']).toMatch(/^[0-9a-f]{32}$/);
    const res = await send(build().app, headers);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ meta: metaFor(res, 'SUCCESS'), data: { from: { keyId: 'partner2' }, got: { order: 7, total: 12.5 } } });
  });

  it('refuses the same signed request sent a second time, with the answer of any failed signature', async () => {
    const { app, reported } = build();
    const headers = await signRequest(OPTIONS, 'partner1', 'POST', PATH, body);
    expect((await send(app, headers)).status).toBe(200);
    const replay = await send(app, headers);
    expect(replay.status).toBe(401);
    expect(replay.headers['www-authenticate']).toBeUndefined();
    expect(replay.body).toEqual({ meta: metaFor(replay, 'ERROR'), errors: failed(NO_MATCH) });
    expect(reported.map(({ error }) => causeCode(error))).toEqual(['REPLAYED_NONCE']);
    // Another signature (a new nonce) of the same request is a new request.
    expect((await send(app, await signRequest(OPTIONS, 'partner1', 'POST', PATH, body))).status).toBe(200);
  });

  it('records a nonce only once its signature checks out: a forged request cannot burn the nonce of a genuine one', async () => {
    const { app, reported } = build();
    const genuine = await signRequest(OPTIONS, 'partner1', 'POST', PATH, body);
    const forged = await send(app, { ...genuine, 'X-Signature': 'ab'.repeat(32) }, JSON.stringify({ order: 7, total: 0.01 }));
    expect(forged.status).toBe(401);
    const res = await send(app, genuine);
    expect(res.status).toBe(200);
    expect(reported.map(({ error }) => causeCode(error))).toEqual(['BAD_SIGNATURE']);
  });

  it.each([
    ['a body changed in transit', (h: Record<string, string>) => h, JSON.stringify({ order: 7, total: 0.01 }), 'BAD_SIGNATURE'],
    ['another path', (h: Record<string, string>) => h, body, 'BAD_SIGNATURE', '/webhooks/orders?attempt=2'],
    ['a signature of the wrong length', (h: Record<string, string>) => ({ ...h, 'X-Signature': 'abcd' }), body, 'BAD_SIGNATURE'],
    ['a signature that is not hex', (h: Record<string, string>) => ({ ...h, 'X-Signature': 'zz'.repeat(32) }), body, 'BAD_SIGNATURE'],
    ['an unknown key', (h: Record<string, string>) => ({ ...h, 'X-Key-Id': 'partner9' }), body, 'UNKNOWN_KEY'],
    ['another nonce than the one signed', (h: Record<string, string>) => ({ ...h, 'X-Nonce': 'f'.repeat(32) }), body, 'BAD_SIGNATURE'],
    ['a nonce too short', (h: Record<string, string>) => ({ ...h, 'X-Nonce': 'abc' }), body, 'MALFORMED_NONCE'],
    ['a nonce too long', (h: Record<string, string>) => ({ ...h, 'X-Nonce': 'a'.repeat(129) }), body, 'MALFORMED_NONCE'],
    ['a nonce with other characters', (h: Record<string, string>) => ({ ...h, 'X-Nonce': `${'a'.repeat(20)}:${'b'.repeat(5)}` }), body, 'MALFORMED_NONCE'],
  ])('answers 401 AUTHENTICATION_FAILED, "does not match", for %s', async (_label, tamper, sent, reason, path = PATH) => {
    const { app, reported } = build();
    const headers = tamper(await signRequest(OPTIONS, 'partner1', 'POST', PATH, body));
    const res = await send(app, headers, sent, path);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBeUndefined();
    expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: failed(NO_MATCH) });
    expect(reported.map(({ error, report }) => [causeCode(error), report.status, report.code])).toEqual([[reason, 401, 'AUTHENTICATION_FAILED']]);
  });

  it.each([
    ['an old timestamp', Date.now() - 301_000],
    ['a timestamp from the future', Date.now() + 360_000],
  ])('answers 401 for %s, whatever the key', async (_label, now) => {
    const { app, reported } = build();
    for (const keyId of ['partner1', 'partner9']) {
      const headers = await signRequest({ secrets: { ...OPTIONS.secrets, partner9: 'a-key-the-server-lacks' } }, keyId, 'POST', PATH, body, now);
      const res = await send(app, headers);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: failed(STALE) });
    }
    expect(reported.map(({ error }) => causeCode(error))).toEqual(['STALE_TIMESTAMP', 'STALE_TIMESTAMP']);
  });

  it('answers 401 for a timestamp that is not a number', async () => {
    const headers = { ...(await signRequest(OPTIONS, 'partner1', 'POST', PATH, body)), 'X-Timestamp': '1e9' };
    const res = await send(build().app, headers);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: failed(STALE) });
  });

  it('answers an unknown key id and a bad signature alike: status, headers and body; only onError tells them apart', async () => {
    const { app, reported } = build();
    const signed = await signRequest(OPTIONS, 'partner1', 'POST', PATH, body);
    const unknown = await send(app, { ...signed, 'X-Key-Id': 'partner9' });
    const signature = signed['X-Signature'] as string;
    // The last hex digit changed (a signature ending in 0 gets a 1), so it never matches by chance.
    const wrong = await send(app, { ...signed, 'X-Signature': `${signature.slice(0, 63)}${signature.endsWith('0') ? '1' : '0'}` });
    const comparable = (res: typeof unknown) => {
      const { date: _date, 'x-trace-id': _trace, ...headers } = res.headers;
      return { status: res.status, headers, body: { ...res.body, meta: { ...res.body.meta, trace_id: '-' } } };
    };
    expect(comparable(unknown)).toEqual(comparable(wrong));
    expect(unknown.body).toEqual({ meta: metaFor(unknown, 'ERROR'), errors: failed(NO_MATCH) });
    expect(reported.map(({ error }) => causeCode(error))).toEqual(['UNKNOWN_KEY', 'BAD_SIGNATURE']);
    expect(reported.map(({ error }) => (error as { cause: { message: string } }).cause.message)).toEqual([
      'The key id names no key of `secrets`.',
      'The signature is not the HMAC of the request with the key named.',
    ]);
  });

  it('answers 401 MISSING_CREDENTIALS for an unsigned request, naming each header', async () => {
    const res = await request(build().app).post('/webhooks/orders').set('Content-Type', 'application/json').send(body);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('ApiKey header="X-Key-Id"');
    expect(res.body).toEqual({
      meta: metaFor(res, 'ERROR'),
      errors: HEADERS.map((header) => ({ code: 'MISSING_CREDENTIALS', message: `The ${header} header is required.`, header })),
    });
  });

  describe('signers from before nonces', () => {
    const legacyHeaders = (keyId: string, path: string, sent: string) => {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const secret = OPTIONS.secrets[keyId] as string;
      const signature = createHmac('sha256', secret).update(`${timestamp}\nPOST\n${path}\n${sent}`).digest('hex');
      return { 'X-Key-Id': keyId, 'X-Timestamp': timestamp, 'X-Signature': signature };
    };
    const legacyHeaderNames = ['X-Key-Id', 'X-Timestamp', 'X-Signature'];

    it('are refused by default, with the answer of any failed signature', async () => {
      const { app, reported } = build(OPTIONS, express, legacyHeaderNames);
      const res = await send(app, legacyHeaders('partner1', PATH, body));
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: failed(NO_MATCH) });
      expect(reported.map(({ error }) => causeCode(error))).toEqual(['MISSING_NONCE']);
    });

    it('are accepted with requireNonce: false (replayable within the window), while signers with a nonce are still checked once', async () => {
      const { app } = build({ ...OPTIONS, requireNonce: false }, express, legacyHeaderNames);
      const old = legacyHeaders('partner1', PATH, body);
      for (let i = 0; i < 2; i++) {
        const res = await send(app, old);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ meta: metaFor(res, 'SUCCESS'), data: { from: { keyId: 'partner1' }, got: { order: 7, total: 12.5 } } });
      }
      const modern = await signRequest(OPTIONS, 'partner2', 'POST', PATH, body);
      expect((await send(app, modern)).status).toBe(200);
      expect((await send(app, modern)).status).toBe(401);
    });
  });

  describe('the nonce store', () => {
    const failing = (error: unknown): NonceStore => ({ add: () => Promise.reject(error) });

    it('failing is a 500 by default (fail closed), logged once per 30 s with the trace id', async () => {
      const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
      try {
        const { app, reported } = build({ ...OPTIONS, nonceStore: failing(new Error('ECONNREFUSED 127.0.0.1:6379')) });
        const first = await send(app, await signRequest(OPTIONS, 'partner1', 'POST', PATH, body));
        const second = await send(app, await signRequest(OPTIONS, 'partner1', 'POST', PATH, body));
        for (const res of [first, second]) {
          expect(res.status).toBe(500);
          expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: INTERNAL });
        }
        const lines = stderr.mock.calls.map((c) => String(c[0])).filter((line) => line.includes('nonce store'));
        expect(lines).toEqual([
          'kompliant-envelope: the nonce store of hmacVerifier() failed; requests are refused with 500 (passOnStoreError: false) ' +
            `trace_id=${first.headers['x-trace-id']} error=Error message="ECONNREFUSED 127.0.0.1:6379"\n`,
        ]);
        expect(reported.map(({ report }) => [report.status, report.code])).toEqual([[500, 'INTERNAL_ERROR'], [500, 'INTERNAL_ERROR']]);
      } finally {
        stderr.mockRestore();
      }
    });

    it('failing lets a correctly signed request through with passOnStoreError: true (fail open), a bad one still not', async () => {
      const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
      try {
        const { app } = build({ ...OPTIONS, nonceStore: failing(new Error('down')), passOnStoreError: true });
        const headers = await signRequest(OPTIONS, 'partner1', 'POST', PATH, body);
        const res = await send(app, headers);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ meta: metaFor(res, 'SUCCESS'), data: { from: { keyId: 'partner1' }, got: { order: 7, total: 12.5 } } });
        expect((await send(app, { ...headers, 'X-Key-Id': 'partner2' })).status).toBe(401);
        expect(stderr.mock.calls.map((c) => String(c[0])).join('')).toContain('requests are served without replay protection (passOnStoreError: true)');
      } finally {
        stderr.mockRestore();
      }
    });

    it('that never answers is given up after storeTimeout: no hang', async () => {
      const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
      try {
        const { app, reported } = build({ ...OPTIONS, nonceStore: { add: () => new Promise<boolean>(() => undefined) }, storeTimeout: 150 });
        const started = Date.now();
        const res = await send(app, await signRequest(OPTIONS, 'partner1', 'POST', PATH, body));
        expect(Date.now() - started).toBeLessThan(1500);
        expect(res.status).toBe(500);
        expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: INTERNAL });
        const cause = (reported[0]?.error as { cause: Error }).cause;
        expect([cause.name, cause.message]).toEqual(['NonceStoreTimeoutError', 'The nonce store did not answer within 150 ms.']);
      } finally {
        stderr.mockRestore();
      }
    });

    it('that is slow is waited for with storeTimeout: 0, and given up with a shorter one', async () => {
      const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
      try {
        const slow = { add: () => new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 300)) };
        const waiting = build({ ...OPTIONS, nonceStore: slow, storeTimeout: 0 });
        const res = await send(waiting.app, await signRequest(OPTIONS, 'partner1', 'POST', PATH, body));
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ meta: metaFor(res, 'SUCCESS'), data: { from: { keyId: 'partner1' }, got: { order: 7, total: 12.5 } } });
        const impatient = build({ ...OPTIONS, nonceStore: slow, storeTimeout: 50 });
        const late = await send(impatient.app, await signRequest(OPTIONS, 'partner1', 'POST', PATH, body));
        expect(late.status).toBe(500);
        expect(late.body).toEqual({ meta: metaFor(late, 'ERROR'), errors: INTERNAL });
      } finally {
        stderr.mockRestore();
      }
    });

    it('in memory refuses new nonces when full rather than forget unexpired ones', async () => {
      const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
      try {
        const { app, reported } = build({ ...OPTIONS, nonceStore: memoryNonceStore({ max: 2 }) });
        for (let i = 0; i < 2; i++) expect((await send(app, await signRequest(OPTIONS, 'partner1', 'POST', PATH, body))).status).toBe(200);
        const full = await send(app, await signRequest(OPTIONS, 'partner1', 'POST', PATH, body));
        expect(full.status).toBe(500);
        expect(full.body).toEqual({ meta: metaFor(full, 'ERROR'), errors: INTERNAL });
        const cause = (reported[0]?.error as { cause: Error }).cause;
        expect([cause.name, cause.message]).toEqual(['NonceStoreFullError', 'The in-memory nonce store holds its maximum of 2 unexpired nonces.']);
      } finally {
        stderr.mockRestore();
      }
    });

    it('is asked with the nonce and key id, for as long as the timestamp stays in the window', async () => {
      const calls: [string, number][] = [];
      const { app } = build({ ...OPTIONS, toleranceSeconds: 60, nonceStore: { add: (key, ttlMs) => (calls.push([key, ttlMs]), true) } });
      const headers = await signRequest(OPTIONS, 'partner2', 'POST', PATH, body);
      expect((await send(app, headers)).status).toBe(200);
      expect(calls).toHaveLength(1);
      const [key, ttlMs] = calls[0] as [string, number];
      expect(key).toBe(`${headers['X-Nonce']}:partner2`);
      // (timestamp + 60 s + 1 s) - now: between 60 and 61 s for a request signed just now.
      expect(ttlMs).toBeGreaterThan(59_000);
      expect(ttlMs).toBeLessThanOrEqual(61_000);
    });
  });

  describe('rawBodyOf() without keepRawBody', () => {
    it('is a 500 whose report names the fix, never a silent empty body', async () => {
      const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
      try {
        const a = express();
        a.use(envelope());
        a.use(express.json());
        a.use('/webhooks', authenticate({ headers: HEADERS, verify: hmacVerifier(OPTIONS) }));
        a.post('/webhooks/orders', (req, res) => ok(res, { from: principalOf(req) }));
        a.use(errorHandler());
        const res = await send(a, await signRequest(OPTIONS, 'partner1', 'POST', PATH, body));
        expect(res.status).toBe(500);
        expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: INTERNAL });
        const logged = stderr.mock.calls.map((c) => String(c[0])).join('');
        expect(logged).toContain(`status=500 code=INTERNAL_ERROR trace_id=${res.headers['x-trace-id']} version=1 method=POST path=/webhooks/orders `);
        expect(logged).toContain(
          'cause=RawBodyNotKeptError cause_message="rawBodyOf(req): this request has a body, but no body parser kept its bytes. ' +
            'Mount a parser with the keepRawBody hook before the signature check, for every Content-Type the signers send: ' +
            'app.use(express.json({ verify: keepRawBody })).',
        );
        expect(res.text).not.toContain('keepRawBody');
      } finally {
        stderr.mockRestore();
      }
    });

    it('is an empty buffer for a request without a body, which a signature covers as such', async () => {
      const a = express();
      a.use(envelope());
      a.use(authenticate({ headers: HEADERS, verify: hmacVerifier(OPTIONS) }));
      a.get('/in', (req, res) => ok(res, { from: principalOf(req), bytes: rawBodyOf(req).length }));
      a.use(errorHandler({ onError: () => undefined }));
      const res = await request(a).get('/in').set(await signRequest(OPTIONS, 'partner1', 'GET', '/in'));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ meta: metaFor(res, 'SUCCESS'), data: { from: { keyId: 'partner1' }, bytes: 0 } });
    });
  });

  it('signs bytes as well as text, and with sha512, as the verifier checks them', async () => {
    const strong = { ...OPTIONS, algorithm: 'sha512' as const };
    const a = express();
    a.use(envelope());
    a.use(express.json({ verify: keepRawBody }));
    a.use(authenticate({ headers: HEADERS, verify: hmacVerifier(strong) }));
    a.post('/in', (req, res) => ok(res, { from: principalOf(req) }));
    a.use(errorHandler({ onError: () => undefined }));
    const headers = await signRequest(strong, 'partner1', 'post', '/in', new TextEncoder().encode(body));
    expect(headers['X-Signature']).toMatch(/^[0-9a-f]{128}$/);
    const res = await request(a).post('/in').set(headers).set('Content-Type', 'application/json').send(body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ meta: metaFor(res, 'SUCCESS'), data: { from: { keyId: 'partner1' } } });
  });

  it("accepts the worked example of docs/infrastructure.md (its 2025 timestamp is inside a wide enough window)", async () => {
    const documented = { secrets: { 'partner-2026': 'example-secret-partner-2026' }, toleranceSeconds: 10 ** 10 };
    const res = await send(build(documented).app, {
      'X-Key-Id': 'partner-2026',
      'X-Timestamp': '1748779200',
      'X-Nonce': '6f1c2a9e4b7d08f35a1e9c7b2d4f6a80',
      'X-Signature': '87dac7445565d21eb42216b249964e9b9c194290c67e83e75e4d90f4b79ebc9f',
    }, '{"order":7,"total":12.5}');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ meta: metaFor(res, 'SUCCESS'), data: { from: { keyId: 'partner-2026' }, got: { order: 7, total: 12.5 } } });
  });

  it('rejects bad options when created', async () => {
    expect(() => hmacVerifier({ secrets: {} })).toThrow('`secrets`');
    expect(() => hmacVerifier({ secrets: { k: 'short' } })).toThrow('at least 16');
    expect(() => hmacVerifier({ ...OPTIONS, toleranceSeconds: 0 })).toThrow(RangeError);
    expect(() => hmacVerifier({ ...OPTIONS, nonceHeader: 'X Nonce' })).toThrow('The `nonceHeader` option must be a header name such as "X-Nonce".');
    expect(() => hmacVerifier({ ...OPTIONS, nonceStore: {} as never })).toThrow(
      'The `nonceStore` option of hmacVerifier() must be a NonceStore, an object with an `add` function.',
    );
    expect(() => hmacVerifier({ ...OPTIONS, storeTimeout: -1 })).toThrow(
      new RangeError('The `storeTimeout` option of hmacVerifier() must be a whole number of milliseconds from 0 to 2147483647, got -1.'),
    );
    expect(() => hmacVerifier({ ...OPTIONS, passOnStoreError: 'yes' as never })).toThrow('`passOnStoreError`');
    expect(() => hmacVerifier({ ...OPTIONS, requireNonce: 1 as never })).toThrow('`requireNonce`');
    expect(() => hmacVerifier({ ...OPTIONS, nonceStor: memoryNonceStore() } as never)).toThrow('did you mean `nonceStore`?');
    await expect(signRequest({ ...OPTIONS, nonceStore: memoryNonceStore() } as never, 'partner1', 'GET', '/')).rejects.toThrow('`nonceStore`');
    await expect(signRequest(OPTIONS, 'nobody', 'GET', '/')).rejects.toThrow('No secret');
    await expect(signRequest({ secrets: {} }, 'nobody', 'GET', '/')).rejects.toThrow('`secrets`');
  });
});

describe('hmacVerifier() timing', () => {
  it('takes as long for an unknown key id as for a known one (it signs with a decoy key)', () => {
    const verify = hmacVerifier({ ...OPTIONS, nonceStore: { add: () => true } });
    const big = Buffer.alloc(256 * 1024, 'x');
    const fakeRequest = (keyId: string) => {
      const headers: Record<string, string> = {
        'x-key-id': keyId,
        'x-timestamp': String(Math.floor(Date.now() / 1000)),
        'x-nonce': 'a'.repeat(32),
        'x-signature': 'ab'.repeat(32),
        'content-length': String(big.length),
      };
      const req = { headers, method: 'POST', originalUrl: '/in', get: (name: string) => headers[name.toLowerCase()] };
      keepRawBody(req as never, undefined, big);
      return req as never;
    };
    const known = fakeRequest('partner1');
    const unknown = fakeRequest('partner9');
    const time = (req: never) => {
      let thrown: unknown;
      const started = process.hrtime.bigint();
      try {
        verify(req);
      } catch (error) {
        thrown = error;
      }
      const took = Number(process.hrtime.bigint() - started);
      expect((thrown as Error).message).toBe(NO_MATCH);
      return took;
    };
    const knownTimes: number[] = [];
    const unknownTimes: number[] = [];
    for (let i = 0; i < 100; i++) {
      knownTimes.push(time(known));
      unknownTimes.push(time(unknown));
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
    // Without the decoy an unknown key id would skip the HMAC of 256 KiB and answer ~40 times
    // faster; the bounds leave room for a loaded machine.
    expect(median(unknownTimes) / median(knownTimes)).toBeGreaterThan(1 / 3);
    expect(median(unknownTimes) / median(knownTimes)).toBeLessThan(3);
  });
});
