import request from 'supertest';
import { ApiError, asyncHandler, batch, defineErrors, envelope, type ErrorMapper } from 'kompliant-envelope';
import { authenticate } from 'kompliant-envelope/auth';
import { normalizeError } from 'kompliant-envelope/core';
import { EXPRESS_VERSIONS, buildApp, metaFor } from '../support/apps.js';

const INTERNAL = { code: 'INTERNAL_ERROR', message: 'An unexpected error occurred. Quote the trace_id if you contact support.' };

/** A fake ORM's error, as a team's database library would throw it. */
class UniqueConstraintError extends Error {
  override readonly name = 'UniqueConstraintError';
  constructor(readonly fields: string[]) {
    super(`duplicate key value violates unique constraint on ${fields.join(', ')} (secret detail)`);
  }
}
class RecordNotFound extends Error {
  override readonly name = 'RecordNotFound';
}

const Errors = defineErrors({ EMAIL_TAKEN: { status: 400, message: 'This email is already registered.' } });

const uniqueViolations: ErrorMapper = (error) => (error instanceof UniqueConstraintError ? Errors.EMAIL_TAKEN({ fields: error.fields }) : undefined);
const notFound: ErrorMapper = (error) => (error instanceof RecordNotFound ? new ApiError(400, 'NOT_FOUND', 'No such account.') : undefined);

describe.each(EXPRESS_VERSIONS)('envelope({ mapErrors }) on %s', (_name, express) => {
  const routes = (app: import('express').Express) => {
    app.post('/accounts', () => {
      throw new UniqueConstraintError(['email']);
    });
    app.get(
      '/accounts/:id',
      asyncHandler(async () => {
        await Promise.resolve();
        throw new RecordNotFound('row 7');
      }),
    );
    app.get('/crash', () => {
      throw new Error('secret crash');
    });
    app.post('/accounts/batch', (req, res) =>
      batch(res, req.body, (item: { email: string }) => {
        if (item.email === 'taken@example.com') throw new UniqueConstraintError(['email']);
        if (item.email === 'gone@example.com') throw new RecordNotFound('x');
        return { email: item.email };
      }),
    );
  };

  it("a team mapper turns its ORM's error into the team's own code", async () => {
    const { app, reported } = buildApp(express, routes, { envelope: { mapErrors: [uniqueViolations, notFound] } });
    const res = await request(app).post('/accounts').send({});
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: [{ code: 'EMAIL_TAKEN', message: 'This email is already registered.', fields: ['email'] }] });
    expect(res.text).not.toContain('secret');
    // onError receives what was thrown, with the mapped status and code.
    expect(reported).toEqual([{ error: expect.any(UniqueConstraintError), report: expect.objectContaining({ status: 400, code: 'EMAIL_TAKEN' }) }]);

    const missing = await request(app).get('/accounts/7');
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([{ code: 'NOT_FOUND', message: 'No such account.' }]);
  });

  it('errors no mapper claims get the built-in mapping', async () => {
    const { app } = buildApp(express, routes, { envelope: { mapErrors: [uniqueViolations] } });
    const res = await request(app).get('/crash');
    expect(res.status).toBe(500);
    expect(res.body.errors).toEqual([INTERNAL]);
    // A 404 route is still the built-in answer.
    const unknown = await request(app).get('/nowhere');
    expect(unknown.body.errors[0].code).toBe('ROUTE_NOT_FOUND');
  });

  it('without mapErrors, the same error is a 500', async () => {
    const { app } = buildApp(express, routes);
    const res = await request(app).post('/accounts').send({});
    expect(res.status).toBe(500);
    expect(res.body.errors).toEqual([INTERNAL]);
  });

  it('the first mapper that answers wins, in order', async () => {
    const first: ErrorMapper = (error) => (error instanceof UniqueConstraintError ? new ApiError(400, 'FIRST', 'First.') : undefined);
    const second: ErrorMapper = (error) => (error instanceof UniqueConstraintError ? new ApiError(400, 'SECOND', 'Second.') : undefined);
    for (const [mappers, code] of [[[first, second], 'FIRST'], [[second, first], 'SECOND']] as const) {
      const { app } = buildApp(express, routes, { envelope: { mapErrors: mappers } });
      const res = await request(app).post('/accounts').send({});
      expect(res.body.errors).toEqual([expect.objectContaining({ code })]);
    }
  });

  it('batch() items get the mapped error in their result', async () => {
    const { app } = buildApp(express, routes, { envelope: { mapErrors: [uniqueViolations, notFound] } });
    const res = await request(app).post('/accounts/batch').send([{ email: 'a@example.com' }, { email: 'taken@example.com' }, { email: 'gone@example.com' }]);
    expect(res.status).toBe(200);
    expect(res.body.results).toEqual([
      { status: 'SUCCESS', request: { index: 0 }, data: { email: 'a@example.com' } },
      { status: 'ERROR', request: { index: 1 }, errors: [{ code: 'EMAIL_TAKEN', message: 'This email is already registered.', fields: ['email'] }] },
      { status: 'ERROR', request: { index: 2 }, errors: [{ code: 'NOT_FOUND', message: 'No such account.' }] },
    ]);
  });

  it("authenticate(): a mapping of verify's error is kept instead of a plain 401", async () => {
    class SessionStoreDown extends Error {}
    const storeDown: ErrorMapper = (error) =>
      error instanceof SessionStoreDown ? new ApiError(503, 'SERVICE_UNAVAILABLE', 'Sign-in is unavailable for a moment.', undefined, { headers: { 'Retry-After': 5 } }) : undefined;
    const guarded = (app: import('express').Express) => {
      app.get('/me', authenticate({ headers: ['X-API-Key'], verify: () => { throw new SessionStoreDown('redis'); } }), (_req, res) => res.json({}));
    };
    const mapped = buildApp(express, guarded, { envelope: { mapErrors: [storeDown] } });
    const res = await request(mapped.app).get('/me').set('X-API-Key', 'k');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body.errors).toEqual([{ code: 'SERVICE_UNAVAILABLE', message: 'Sign-in is unavailable for a moment.' }]);

    const plain = buildApp(express, guarded);
    const refused = await request(plain.app).get('/me').set('X-API-Key', 'k');
    expect(refused.status).toBe(401);
    expect(refused.body.errors[0].code).toBe('AUTHENTICATION_FAILED');
  });

  describe('a mapper that fails is skipped: the next mappers and then the built-in mapping answer', () => {
    let stderr: jest.SpyInstance;
    beforeEach(() => {
      stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    });
    afterEach(() => stderr.mockRestore());

    const mapperLines = () => stderr.mock.calls.map((call) => String(call[0])).filter((line) => line.includes('ERR_MAP_ERRORS_MAPPER'));

    it('one that throws, or returns junk: same answer as without it, reported once per mapper on stderr', async () => {
      const throwing: ErrorMapper = function throwing() {
        throw new Error('mapper bug');
      };
      const junk = [
        (() => 'EMAIL_TAKEN') as unknown as ErrorMapper,
        (() => ({ status: 400, errors: [{ code: 'X', message: 'y' }] })) as unknown as ErrorMapper,
        (() => null) as unknown as ErrorMapper,
        (() => Object.assign(new Error('x'), { name: 'ApiError', status: 200, errors: [] })) as unknown as ErrorMapper,
      ];
      const { app } = buildApp(express, routes, { envelope: { mapErrors: [throwing, ...junk] } });
      for (let i = 0; i < 2; i++) {
        const res = await request(app).post('/accounts').send({});
        expect(res.status).toBe(500);
        expect(res.body.errors).toEqual([INTERNAL]);
        expect(res.text).not.toContain('mapper bug');
      }
      const lines = mapperLines();
      expect(lines).toHaveLength(5);
      expect(lines[0]).toContain('mapErrors[0] (throwing) threw');
      expect(lines[1]).toContain('mapErrors[1] returned a value that is neither an ApiError nor undefined');
    });

    it('an ApiError-like answer with a status outside the spec gets the usual treatment: 500', async () => {
      const badStatus: ErrorMapper = () => Object.assign(new Error('x'), { name: 'ApiError', status: 418, errors: [{ code: 'TEAPOT', message: 'No.' }] }) as unknown as ApiError;
      const { app } = buildApp(express, routes, { envelope: { mapErrors: [badStatus] } });
      const res = await request(app).post('/accounts').send({});
      expect(res.status).toBe(500);
      expect(res.body.errors).toEqual([INTERNAL]);
    });

    it('a failing mapper does not stop the next one', async () => {
      const throwing: ErrorMapper = () => {
        throw new Error('bug');
      };
      const { app } = buildApp(express, routes, { envelope: { mapErrors: [throwing, uniqueViolations] } });
      const res = await request(app).post('/accounts').send({});
      expect(res.body.errors[0].code).toBe('EMAIL_TAKEN');
    });
  });
});

describe('normalizeError(error, mappers)', () => {
  it('is the mechanism: no mappers, empty mappers and unclaimed errors give the built-in answer', () => {
    const error = new UniqueConstraintError(['email']);
    expect(normalizeError(error)).toEqual(normalizeError(error, []));
    expect(normalizeError(error, [notFound])).toEqual(normalizeError(error));
    expect(normalizeError(error, [uniqueViolations]).errors).toEqual([{ code: 'EMAIL_TAKEN', message: 'This email is already registered.', fields: ['email'] }]);
  });

  it('tells onMapperFailure, and survives it throwing', () => {
    const failures: unknown[][] = [];
    const throwing: ErrorMapper = () => {
      throw new Error('bug');
    };
    expect(normalizeError('x', [throwing], (...args) => failures.push(args)).status).toBe(500);
    expect(failures).toEqual([[throwing, 0, true, new Error('bug')]]);
    expect(
      normalizeError('x', [throwing], () => {
        throw new Error('reporter');
      }).status,
    ).toBe(500);
  });
});

describe('the mapErrors option is checked when envelope() is made', () => {
  it.each([
    ['a function', () => undefined, 'The `mapErrors` option of envelope() must be an array of functions (error) => ApiError | undefined.'],
    ['an object', {}, 'The `mapErrors` option of envelope() must be an array of functions (error) => ApiError | undefined.'],
    ['null', null, 'The `mapErrors` option of envelope() must be an array of functions (error) => ApiError | undefined.'],
    ['a non-function entry', [uniqueViolations, 'EMAIL_TAKEN'], 'The `mapErrors` option of envelope() must be an array of functions (error) => ApiError | undefined; item 1 is string.'],
    ['a null entry', [null], 'The `mapErrors` option of envelope() must be an array of functions (error) => ApiError | undefined; item 0 is null.'],
  ])('%s: a TypeError', (_what, mapErrors, message) => {
    expect(() => envelope({ mapErrors } as never)).toThrow(new TypeError(message));
  });

  it('a misspelt key names mapErrors', () => {
    expect(() => envelope({ mapError: [] } as never)).toThrow(/The `mapError` option of envelope\(\) is not known; did you mean `mapErrors`\?/);
    expect(() => envelope({ mapErrors: [] })).not.toThrow();
  });
});
