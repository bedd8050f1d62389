import request from 'supertest';
import { envelope, errorHandler, ok } from 'kompliant-envelope';
import { authenticate, hmacVerifier, keepRawBody, principalOf, type HmacOptions } from 'kompliant-envelope/auth';
import { signRequest } from 'kompliant-envelope/client';
import { EXPRESS_VERSIONS, metaFor } from '../support/apps.js';

const OPTIONS: HmacOptions = { secrets: { partner1: 'a-long-shared-secret-1', partner2: 'a-long-shared-secret-2' } };
const failed = (message: string) => [{ code: 'AUTHENTICATION_FAILED', message }];

describe.each(EXPRESS_VERSIONS)('HMAC request signatures on %s', (_name, express) => {
  const app = () => {
    const a = express();
    a.use(envelope());
    a.use(express.json({ verify: keepRawBody }));
    a.use('/webhooks', authenticate({ headers: ['X-Key-Id', 'X-Timestamp', 'X-Signature'], verify: hmacVerifier(OPTIONS) }));
    a.post('/webhooks/orders', (req, res) => ok(res, { from: principalOf(req), got: req.body }));
    a.use(errorHandler({ onError: () => undefined }));
    return a;
  };
  const body = JSON.stringify({ order: 7, total: 12.5 });

  it('accepts a request signed with a known key, and tells who signed it', async () => {
    const headers = await signRequest(OPTIONS, 'partner2', 'POST', '/webhooks/orders?attempt=1', body);
    const res = await request(app()).post('/webhooks/orders?attempt=1').set(headers).set('Content-Type', 'application/json').send(body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ meta: metaFor(res, 'SUCCESS'), data: { from: { keyId: 'partner2' }, got: { order: 7, total: 12.5 } } });
  });

  it.each([
    ['a body changed in transit', async (h: Record<string, string>) => h, JSON.stringify({ order: 7, total: 0.01 }), 'The request signature does not match.'],
    ['another path', async (h: Record<string, string>) => h, body, 'The request signature does not match.', '/webhooks/orders?attempt=2'],
    ['a signature of the wrong length', async (h: Record<string, string>) => ({ ...h, 'X-Signature': 'abcd' }), body, 'The request signature does not match.'],
    ['a signature that is not hex', async (h: Record<string, string>) => ({ ...h, 'X-Signature': 'zz'.repeat(32) }), body, 'The request signature does not match.'],
    ['an unknown key', async (h: Record<string, string>) => ({ ...h, 'X-Key-Id': 'partner9' }), body, 'The signing key is not known.'],
    ['a replayed request (old timestamp)', async () => signRequest(OPTIONS, 'partner1', 'POST', '/webhooks/orders?attempt=1', body, Date.now() - 301_000), body, "The request timestamp is more than 300 seconds from the server's clock."],
    ['a timestamp from the future', async () => signRequest(OPTIONS, 'partner1', 'POST', '/webhooks/orders?attempt=1', body, Date.now() + 360_000), body, "The request timestamp is more than 300 seconds from the server's clock."],
    ['a timestamp that is not a number', async (h: Record<string, string>) => ({ ...h, 'X-Timestamp': '1e9' }), body, "The request timestamp is more than 300 seconds from the server's clock."],
  ])('answers 401 AUTHENTICATION_FAILED for %s', async (_label, tamper, sent, message, path = '/webhooks/orders?attempt=1') => {
    const headers = await tamper(await signRequest(OPTIONS, 'partner1', 'POST', '/webhooks/orders?attempt=1', body));
    const res = await request(app()).post(path).set(headers).set('Content-Type', 'application/json').send(sent);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBeUndefined();
    expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: failed(message) });
  });

  it('answers 401 MISSING_CREDENTIALS for an unsigned request', async () => {
    const res = await request(app()).post('/webhooks/orders').set('Content-Type', 'application/json').send(body);
    expect(res.status).toBe(401);
    expect(res.body.errors.map((e: { header: string }) => e.header)).toEqual(['X-Key-Id', 'X-Timestamp', 'X-Signature']);
  });

  it('signs bytes as well as text, and with sha512, as the verifier checks them', async () => {
    const strong = { ...OPTIONS, algorithm: 'sha512' as const };
    const a = express();
    a.use(envelope());
    a.use(express.json({ verify: keepRawBody }));
    a.use(authenticate({ headers: ['X-Key-Id', 'X-Timestamp', 'X-Signature'], verify: hmacVerifier(strong) }));
    a.post('/in', (req, res) => ok(res, { from: principalOf(req) }));
    a.use(errorHandler({ onError: () => undefined }));
    const headers = await signRequest(strong, 'partner1', 'post', '/in', new TextEncoder().encode(body));
    expect(headers['X-Signature']).toMatch(/^[0-9a-f]{128}$/);
    const res = await request(a).post('/in').set(headers).set('Content-Type', 'application/json').send(body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ meta: metaFor(res, 'SUCCESS'), data: { from: { keyId: 'partner1' } } });
  });

  it('rejects bad options when created', async () => {
    expect(() => hmacVerifier({ secrets: {} })).toThrow('`secrets`');
    expect(() => hmacVerifier({ secrets: { k: 'short' } })).toThrow('at least 16');
    expect(() => hmacVerifier({ ...OPTIONS, toleranceSeconds: 0 })).toThrow(RangeError);
    await expect(signRequest(OPTIONS, 'nobody', 'GET', '/')).rejects.toThrow('No secret');
    await expect(signRequest({ secrets: {} }, 'nobody', 'GET', '/')).rejects.toThrow('`secrets`');
  });
});
