import { expressjwt } from 'express-jwt';
import jwt from 'jsonwebtoken';
import passport from 'passport';
import { Strategy as BearerStrategy } from 'passport-http-bearer';
import request from 'supertest';
import { ApiError, envelope, errorHandler, ok } from 'kompliant-envelope';
import { authenticate, authorize, principalOf } from 'kompliant-envelope/auth';
import { EXPRESS_VERSIONS, buildApp, metaFor } from '../support/apps.js';

interface Caller {
  id: string;
  role: 'admin' | 'reader';
}

const KEYS: Record<string, Caller> = { 'key-admin': { id: 'u1', role: 'admin' }, 'key-reader': { id: 'u2', role: 'reader' } };
const SECRET = 'test-secret-for-hs256-only-in-tests';

describe.each(EXPRESS_VERSIONS)('authenticate() and authorize() on %s', (_name, express) => {
  const app = () =>
    buildApp(express, (a) => {
      a.use(
        '/api',
        authenticate<Caller>({
          headers: ['X-API-Key'],
          verify: (req) => KEYS[String(req.headers['x-api-key'])] ?? false,
        }),
      );
      a.get('/api/me', (req, res) => ok(res, principalOf<Caller>(req)));
      a.delete(
        '/api/orders/:id',
        authorize<Caller>((_req, caller) => caller?.role === 'admin', { extra: { required_role: 'admin' } }),
        (_req, res) => ok(res, { deleted: true }),
      );
      a.get('/public', (req, res) => ok(res, { principal: principalOf(req) ?? null }));
    });

  it('answers 401 MISSING_CREDENTIALS naming the missing header, with WWW-Authenticate', async () => {
    for (const key of [undefined, '']) {
      const req = request(app().app).get('/api/me');
      const res = key === undefined ? await req : await req.set('X-API-Key', key);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('ApiKey header="X-API-Key"');
      expect(res.body).toEqual({
        meta: metaFor(res, 'ERROR'),
        errors: [{ code: 'MISSING_CREDENTIALS', message: 'The X-API-Key header is required.', header: 'X-API-Key' }],
      });
    }
  });

  it('answers 401 AUTHENTICATION_FAILED for unknown credentials, without echoing them', async () => {
    const res = await request(app().app).get('/api/me').set('X-API-Key', 'stolen-secret-123');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('ApiKey header="X-API-Key"');
    expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: [{ code: 'AUTHENTICATION_FAILED', message: 'The credentials are not valid.' }] });
    expect(res.text).not.toContain('stolen-secret-123');
  });

  it('gives handlers the principal verify returned', async () => {
    const res = await request(app().app).get('/api/me').set('X-API-Key', 'key-reader');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ meta: metaFor(res, 'SUCCESS'), data: { id: 'u2', role: 'reader' } });
    const open = await request(app().app).get('/public');
    expect(open.body.data).toEqual({ principal: null });
  });

  it('answers 403 NOT_AUTHORIZED when authorize() refuses', async () => {
    const reader = await request(app().app).delete('/api/orders/7').set('X-API-Key', 'key-reader');
    expect(reader.status).toBe(403);
    expect(reader.headers['www-authenticate']).toBeUndefined();
    expect(reader.body).toEqual({
      meta: metaFor(reader, 'ERROR'),
      errors: [{ code: 'NOT_AUTHORIZED', message: 'You are not allowed to perform this request.', required_role: 'admin' }],
    });
    const admin = await request(app().app).delete('/api/orders/7').set('X-API-Key', 'key-admin');
    expect(admin.status).toBe(200);
    expect(admin.body).toEqual({ meta: metaFor(admin, 'SUCCESS'), data: { deleted: true } });
  });

  it('lists every missing header, and names the Bearer scheme for Authorization', async () => {
    const { app: a } = buildApp(express, (x) => {
      x.use(authenticate({ headers: ['Authorization', 'X-Tenant'], verify: () => ({ id: 'x' }) }));
      x.get('/r', (_req, res) => ok(res));
    });
    const res = await request(a).get('/r');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.body.errors).toEqual([
      { code: 'MISSING_CREDENTIALS', message: 'The Authorization header is required.', header: 'Authorization' },
      { code: 'MISSING_CREDENTIALS', message: 'The X-Tenant header is required.', header: 'X-Tenant' },
    ]);
  });

  it.each([
    ['resolves false', async () => false, 401, 'AUTHENTICATION_FAILED'],
    ['resolves null', async () => null, 401, 'AUTHENTICATION_FAILED'],
    ['returns 0', () => 0, 401, 'AUTHENTICATION_FAILED'],
    ['returns an empty string', () => '', 401, 'AUTHENTICATION_FAILED'],
    ['throws an upstream timeout', () => { throw new DOMException('timed out', 'TimeoutError'); }, 504, 'GATEWAY_TIMEOUT'],
    ['throws a plain error', () => { throw new Error('secret: key store unreachable'); }, 401, 'AUTHENTICATION_FAILED'],
    ['rejects with nothing', () => Promise.reject(), 401, 'AUTHENTICATION_FAILED'],
    ['throws an ApiError', () => { throw new ApiError(403, 'ACCOUNT_SUSPENDED', 'This account is suspended.'); }, 403, 'ACCOUNT_SUSPENDED'],
  ])('when verify %s: %i %s', async (_label, verify, status, code) => {
    const { app: a, reported } = buildApp(express, (x) => {
      x.use(authenticate({ verify: verify as never, challenge: 'Bearer realm="orders"' }));
      x.get('/r', (_req, res) => ok(res));
    });
    const res = await request(a).get('/r');
    expect(res.status).toBe(status);
    expect(res.body.errors[0].code).toBe(code);
    expect(res.text).not.toContain('secret');
    if (status === 401) expect(res.headers['www-authenticate']).toBe('Bearer realm="orders"');
    if (_label === 'throws a plain error') expect(((reported[0]?.error as Error).cause as Error).message).toContain('key store unreachable');
  });

  it.each([
    ['returns a truthy non-boolean', () => 1, 403],
    ['rejects with nothing', () => Promise.reject(), 500],
    ['throws', () => { throw new Error('policy engine down'); }, 500],
    ['throws undefined', () => { throw undefined; }, 500],
    ['resolves true', async () => true, 200],
  ])('when the authorize check %s: %i', async (_label, check, status) => {
    const { app: a } = buildApp(express, (x) => {
      x.get('/r', authorize(check as never), (_req, res) => ok(res));
    });
    const res = await request(a).get('/r');
    expect(res.status).toBe(status);
  });

  it('rejects bad options when created', () => {
    expect(() => authenticate({} as never)).toThrow('`verify`');
    expect(() => authenticate({ verify: () => 1, headers: ['bad header'] })).toThrow('`headers`');
    expect(() => authenticate({ verify: () => 1, challenge: 'a\r\nb' })).toThrow('`challenge`');
    expect(() => authorize('x' as never)).toThrow('check function');
  });

  describe('errors of common auth middleware', () => {
    it('maps express-jwt: no token → 401 MISSING_CREDENTIALS, a bad token → 401 AUTHENTICATION_FAILED', async () => {
      const { app: a } = buildApp(express, (x) => {
        x.use('/jwt', expressjwt({ secret: SECRET, algorithms: ['HS256'] }));
        x.get('/jwt/me', (req, res) => ok(res, { sub: (req as unknown as { auth: { sub: string } }).auth.sub }));
      });
      const missing = await request(a).get('/jwt/me');
      expect(missing.status).toBe(401);
      expect(missing.headers['www-authenticate']).toBe('Bearer');
      expect(missing.body).toEqual({
        meta: metaFor(missing, 'ERROR'),
        errors: [{ code: 'MISSING_CREDENTIALS', message: 'A bearer token is required in the Authorization header.' }],
      });
      const forged = jwt.sign({ sub: 'u1' }, 'another-secret-of-the-attacker', { algorithm: 'HS256' });
      const bad = await request(a).get('/jwt/me').set('Authorization', `Bearer ${forged}`);
      expect(bad.status).toBe(401);
      expect(bad.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
      expect(bad.body).toEqual({ meta: metaFor(bad, 'ERROR'), errors: [{ code: 'AUTHENTICATION_FAILED', message: 'The bearer token is not valid.' }] });
      expect(bad.text).not.toContain('signature');
      const good = await request(a).get('/jwt/me').set('Authorization', `Bearer ${jwt.sign({ sub: 'u1' }, SECRET, { algorithm: 'HS256' })}`);
      expect(good.status).toBe(200);
      expect(good.body.data).toEqual({ sub: 'u1' });
    });

    it("maps passport's 401 (failWithError) and keeps its challenge", async () => {
      passport.use(new BearerStrategy((token, done) => done(null, token === 'good-token' ? { id: 'u1' } : false)));
      const { app: a } = buildApp(express, (x) => {
        x.use(passport.initialize());
        x.get('/p', passport.authenticate('bearer', { session: false, failWithError: true }), (_req, res) => ok(res, { in: true }));
      });
      const res = await request(a).get('/p').set('Authorization', 'Bearer wrong');
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toContain('Bearer');
      expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: [{ code: 'AUTHENTICATION_FAILED', message: 'Authentication failed.' }] });
      const good = await request(a).get('/p').set('Authorization', 'Bearer good-token');
      expect(good.status).toBe(200);
    });
  });
});

describe.each(EXPRESS_VERSIONS)('authenticate() passing on an ApiError 500 from verify, on %s', (_name, express) => {
  it('answers the 500 it is (with onError told), while a plain Error stays a 401', async () => {
    const reported: unknown[] = [];
    const outage = new ApiError(500, 'INTERNAL_ERROR', 'An unexpected error occurred. Quote the trace_id if you contact support.', undefined, {
      cause: new Error('key store down'),
    });
    const a = express();
    a.use(envelope());
    a.get('/api-error', authenticate({ verify: () => { throw outage; } }), (_req, res) => ok(res, {}));
    a.get('/plain', authenticate({ verify: () => { throw new Error('key store down'); } }), (_req, res) => ok(res, {}));
    a.use(errorHandler({ onError: (error) => reported.push(error) }));
    const five = await request(a).get('/api-error');
    expect(five.status).toBe(500);
    expect(five.headers['www-authenticate']).toBeUndefined();
    expect(five.body).toEqual({
      meta: metaFor(five, 'ERROR'),
      errors: [{ code: 'INTERNAL_ERROR', message: 'An unexpected error occurred. Quote the trace_id if you contact support.' }],
    });
    const four = await request(a).get('/plain');
    expect(four.status).toBe(401);
    expect(four.body).toEqual({ meta: metaFor(four, 'ERROR'), errors: [{ code: 'AUTHENTICATION_FAILED', message: 'The credentials are not valid.' }] });
    expect(reported[0]).toBe(outage);
  });
});
