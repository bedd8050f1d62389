import request from 'supertest';
import { ApiError, asyncHandler, ok } from 'kompliant-envelope';
import { EXPRESS_VERSIONS, buildApp, metaFor } from '../support/apps.js';

describe.each(EXPRESS_VERSIONS)('asyncHandler() on %s', (_name, express) => {
  it('passes a rejected promise to the error handler', async () => {
    const { app } = buildApp(express, (a) =>
      a.get(
        '/orders/:id',
        asyncHandler(async (req) => {
          await new Promise((r) => setTimeout(r, 2));
          throw new ApiError(400, 'ORDER_LOCKED', `Order ${req.params['id']} is shipped.`);
        }),
      ),
    );
    const res = await request(app).get('/orders/7');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: [{ code: 'ORDER_LOCKED', message: 'Order 7 is shipped.' }] });
  });

  it('passes a synchronous throw to the error handler', async () => {
    const { app } = buildApp(express, (a) =>
      a.get('/x', asyncHandler(() => {
        throw new ApiError(403, 'NOT_AUTHORIZED', 'No.');
      })),
    );
    const res = await request(app).get('/x');
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: [{ code: 'NOT_AUTHORIZED', message: 'No.' }] });
  });

  it('leaves a resolved handler and next() alone', async () => {
    const { app } = buildApp(express, (a) => {
      a.get('/ok', asyncHandler(async (_req, res) => ok(res, await Promise.resolve({ fine: true }))));
      a.get('/skip', asyncHandler(async (_req, _res, next) => next()));
    });
    const res = await request(app).get('/ok');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ meta: metaFor(res, 'SUCCESS'), data: { fine: true } });
    const skipped = await request(app).get('/skip');
    expect(skipped.status).toBe(400);
    expect(skipped.body.errors[0].code).toBe('ROUTE_NOT_FOUND');
  });

  it('refuses a non-function when created', () => {
    expect(() => asyncHandler('x' as never)).toThrow('asyncHandler() needs a function.');
  });
});
