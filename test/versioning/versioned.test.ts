import request from 'supertest';
import { envelope, ok } from 'kompliant-envelope';
import { versioned } from 'kompliant-envelope/versioning';
import { EXPRESS_VERSIONS, buildApp, metaFor } from '../support/apps.js';

const VERSIONS = ['2024-01-01', '2024-06-01', '2025-01-01', '2025-06-01'];
const DEPRECATED = {
  code: 'API_VERSION_DEPRECATED',
  message: 'API version 2024-01-01 is deprecated and stops working on 2026-12-31. Upgrade to 2025-06-01.',
  version: '2024-01-01',
  deprecated_since: '2025-06-01T00:00:00.000Z',
  sunset: '2026-12-31T00:00:00.000Z',
  latest_version: '2025-06-01',
  link: 'https://docs.example.com/upgrade',
};

describe.each(EXPRESS_VERSIONS)('versioned() and deprecations on %s', (_name, express) => {
  const app = () =>
    buildApp(
      express,
      (a) => {
        a.get(
          '/orders/:id',
          versioned({
            '2024-01-01': (_req, res) => ok(res, { shape: 'v1' }),
            '2025-01-01': async (_req, res) => {
              await Promise.resolve();
              ok(res, { shape: 'v2' });
            },
          }),
        );
        a.get('/invoices', versioned({ '2025-01-01': (_req, res) => ok(res, { invoices: [] }) }));
        a.get('/broken', versioned({ '2025-01-01': async () => { throw new Error('v2 exploded'); } }));
        a.get('/typo', versioned({ '2025-02-30': (_req, res) => ok(res) }));
      },
      {
        envelope: {
          versions: VERSIONS,
          deprecations: { '2024-01-01': { since: '2025-06-01', sunset: '2026-12-31', link: 'https://docs.example.com/upgrade' } },
        },
      },
    );

  it.each([
    ['2024-01-01', 'v1'],
    ['2024-06-01', 'v1'],
    ['2025-01-01', 'v2'],
    ['2025-06-01', 'v2'],
  ])('serves version %s with the %s handler (newest not newer)', async (version, shape) => {
    const res = await request(app().app).get('/orders/1').set('X-API-Version', version);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ shape });
    expect(res.body.meta.version).toBe(version);
  });

  it('uses the latest without X-API-Version', async () => {
    const res = await request(app().app).get('/orders/1');
    expect(res.body).toEqual({ meta: metaFor(res, 'SUCCESS', '2025-06-01'), data: { shape: 'v2' } });
    expect(res.headers.deprecation).toBeUndefined();
  });

  it('announces a deprecated version with a warning and the Deprecation, Sunset and Link headers', async () => {
    const res = await request(app().app).get('/orders/1').set('X-API-Version', '2024-01-01');
    expect(res.status).toBe(200);
    expect(res.headers.deprecation).toBe(`@${Date.UTC(2025, 5, 1) / 1000}`);
    expect(res.headers.sunset).toBe('Thu, 31 Dec 2026 00:00:00 GMT');
    expect(res.headers.link).toBe('<https://docs.example.com/upgrade>; rel="deprecation"');
    expect(res.body).toEqual({ meta: { ...metaFor(res, 'SUCCESS', '2024-01-01'), warnings: [DEPRECATED] }, data: { shape: 'v1' } });
  });

  it('keeps the deprecation warning on error answers too', async () => {
    const res = await request(app().app).get('/nowhere').set('X-API-Version', '2024-01-01');
    expect(res.status).toBe(400);
    expect(res.body.meta.warnings).toEqual([DEPRECATED]);
    expect(res.headers.sunset).toBe('Thu, 31 Dec 2026 00:00:00 GMT');
  });

  it('answers 400 UNSUPPORTED_API_VERSION for a version older than the endpoint', async () => {
    const res = await request(app().app).get('/invoices').set('X-API-Version', '2024-06-01');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      meta: metaFor(res, 'ERROR', '2024-06-01'),
      errors: [{ code: 'UNSUPPORTED_API_VERSION', message: 'This endpoint is available from API version 2025-01-01.', supported_versions: ['2025-01-01', '2025-06-01'] }],
    });
  });

  it('passes an async handler rejection to the error handler', async () => {
    const { app: a, reported } = app();
    const res = await request(a).get('/broken');
    expect(res.status).toBe(500);
    expect((reported[0]?.error as Error).message).toBe('v2 exploded');
  });

  it('answers 500 and reports a version envelope() does not list', async () => {
    const { app: a, reported } = app();
    const res = await request(a).get('/typo');
    expect(res.status).toBe(500);
    expect(res.body.errors[0].code).toBe('INTERNAL_ERROR');
    expect(String(reported[0]?.error)).toContain('versioned() names 2025-02-30, which envelope() does not list');
  });

  it('finds only its own keys: a version named like an Object.prototype method is not a handler', async () => {
    const { app: a } = buildApp(express, (x) => x.get('/p', versioned({ v2: (_req, res) => ok(res, { v: 2 }) })), {
      envelope: { versions: ['toString', 'v2'] },
    });
    const old = await request(a).get('/p').set('X-API-Version', 'toString');
    expect(old.status).toBe(400);
    expect(old.body.errors[0].code).toBe('UNSUPPORTED_API_VERSION');
    expect((await request(a).get('/p')).body.data).toEqual({ v: 2 });
  });

  it('works without envelope(): one implicit version "1"', async () => {
    const a = express();
    a.get('/x', versioned({ '1': (_req, res) => ok(res, { one: true }) }));
    const res = await request(a).get('/x');
    expect(res.body.data).toEqual({ one: true });
  });
});

describe('deprecation options', () => {
  it.each([
    ['an unknown version', { '2023-01-01': { since: '2025-01-01' } }, 'not in `versions`'],
    ['the latest version', { '2025-06-01': { since: '2025-01-01' } }, 'cannot be deprecated'],
    ['a bad date', { '2024-01-01': { since: 'soon' } }, '`since` of 2024-01-01'],
    ['a bad sunset', { '2024-01-01': { since: '2025-01-01', sunset: 'never' } }, '`sunset` of 2024-01-01'],
    ['a relative link', { '2024-01-01': { since: '2025-01-01', link: '/upgrade' } }, 'absolute URL'],
    ['a javascript: link', { '2024-01-01': { since: '2025-01-01', link: 'javascript:alert(1)' } }, 'http(s) URL'],
  ])('refuses %s when created', (_label, deprecations, message) => {
    expect(() => envelope({ versions: VERSIONS, deprecations })).toThrow(message);
  });

  it('refuses a bad handler map', () => {
    expect(() => versioned({})).toThrow('version → handler');
    expect(() => versioned({ '1': 'x' as never })).toThrow('must be a function');
  });
});
