/**
 * The envelope matchers of `kompliant-envelope/testing`, on real supertest
 * responses of Express 4 and 5 apps and on plain bodies: each passes, fails
 * with a message that says what is wrong, and works under `.not`.
 */
import request, { type Response } from 'supertest';
import { ApiError, asyncHandler, batch, fail, ok } from 'kompliant-envelope';
import { envelopeMatchers } from 'kompliant-envelope/testing';
import { EXPRESS_VERSIONS, buildApp, type ExpressFactory } from '../support/apps.js';

expect.extend(envelopeMatchers);

const ORDER = { id: 1, total: 5 };
const TOTAL_INVALID = { code: 'VALIDATION_ERROR', message: 'The total must be a number.', field: 'total' };

/** The message of the assertion error `assertion` throws; fails the test if it throws none. */
function messageOf(assertion: () => void): string {
  try {
    assertion();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the assertion to fail, but it passed');
}

function ordersApp(express: ExpressFactory) {
  return buildApp(express, (app) => {
    app.get('/orders/1', (_req, res) => ok(res, ORDER));
    app.post('/orders', (_req, res) => fail(res, 400, TOTAL_INVALID));
    app.post(
      '/orders/batch',
      asyncHandler((req, res) =>
        batch(res, req.body, (item: { id: number }) => {
          if (item.id < 0) throw new ApiError(400, 'VALIDATION_ERROR', 'The id must be positive.');
          return { id: item.id };
        }),
      ),
    );
    // Answers around the library: JSON, but no envelope.
    app.get('/legacy', (_req, res) => {
      res.json({ id: 1 });
    });
  }).app;
}

describe.each(EXPRESS_VERSIONS)('%s: envelope matchers on supertest responses', (_name, express) => {
  const app = ordersApp(express);
  let success: Response;
  let validation: Response;
  let unknownRoute: Response;
  let batched: Response;
  let legacy: Response;

  beforeAll(async () => {
    [success, validation, unknownRoute, batched, legacy] = await Promise.all([
      request(app).get('/orders/1'),
      request(app).post('/orders').send({ total: 'five' }),
      request(app).get('/nowhere'),
      request(app).post('/orders/batch').send([{ id: 1 }, { id: -1 }]),
      request(app).get('/legacy'),
    ]);
  });

  describe('toBeSuccessEnvelope', () => {
    it('passes on a success, with or without the expected data (asymmetric matchers too)', () => {
      expect(success).toBeSuccessEnvelope();
      expect(success).toBeSuccessEnvelope(ORDER);
      expect(success).toBeSuccessEnvelope(expect.objectContaining({ id: 1 }));
    });

    it('fails on an error answer, naming the status and the errors', () => {
      expect(messageOf(() => expect(validation).toBeSuccessEnvelope())).toBe(
        'expect(received).toBeSuccessEnvelope()\n\n' +
          'expected the response (HTTP 400) to be a SUCCESS envelope, but:\n' +
          '  - expected HTTP status 200, got 400\n' +
          '  - expected meta.status to be SUCCESS, got ERROR (errors: VALIDATION_ERROR "The total must be a number.")',
      );
    });

    it('fails on other data, showing both', () => {
      expect(messageOf(() => expect(success).toBeSuccessEnvelope({ id: 2 }))).toBe(
        'expect(received).toBeSuccessEnvelope(data)\n\n' +
          'expected the response (HTTP 200) to be a SUCCESS envelope with data {"id":2}, but:\n' +
          '  - expected data to equal {"id":2}, got {"id":1,"total":5}',
      );
    });

    it('fails on JSON that is not an envelope', () => {
      expect(messageOf(() => expect(legacy).toBeSuccessEnvelope())).toBe(
        'expect(received).toBeSuccessEnvelope()\n\n' +
          'expected the response (HTTP 200) to be a SUCCESS envelope, but:\n' +
          '  - expected a meta object, got undefined',
      );
    });

    it('fails when meta.trace_id is not the X-Trace-Id header, or the header is missing', () => {
      const traceId = success.headers['x-trace-id'] as string;
      const forged = { status: success.status, headers: { ...success.headers, 'x-trace-id': 'another-id' }, body: success.body };
      expect(messageOf(() => expect(forged).toBeSuccessEnvelope())).toContain(
        `  - expected meta.trace_id to equal the X-Trace-Id header (another-id), got ${traceId}`,
      );
      const { 'x-trace-id': _dropped, ...headers } = success.headers as Record<string, string>;
      expect(messageOf(() => expect({ status: 200, headers, body: success.body }).toBeSuccessEnvelope())).toContain(
        `  - expected an X-Trace-Id header equal to meta.trace_id ("${traceId}"), got none`,
      );
    });

    it('works under .not', () => {
      expect(validation).not.toBeSuccessEnvelope();
      expect(success).not.toBeSuccessEnvelope({ id: 2 });
      expect(messageOf(() => expect(success).not.toBeSuccessEnvelope())).toBe(
        'expect(received).not.toBeSuccessEnvelope()\n\n' +
          'expected the response (HTTP 200) not to be a SUCCESS envelope, but it is: a SUCCESS envelope',
      );
    });
  });

  describe('toBeErrorEnvelope', () => {
    it('passes on an error answer, with or without the code', () => {
      expect(validation).toBeErrorEnvelope(400);
      expect(validation).toBeErrorEnvelope(400, 'VALIDATION_ERROR');
      expect(unknownRoute).toBeErrorEnvelope(400, 'ROUTE_NOT_FOUND');
    });

    it('fails on another status, naming both', () => {
      expect(messageOf(() => expect(validation).toBeErrorEnvelope(401, 'VALIDATION_ERROR'))).toBe(
        'expect(received).toBeErrorEnvelope(401, "VALIDATION_ERROR")\n\n' +
          'expected the response (HTTP 400) to be a 401 ERROR envelope with code VALIDATION_ERROR, but:\n' +
          '  - expected HTTP status 401, got 400',
      );
    });

    it('fails on another first code, listing the errors', () => {
      expect(messageOf(() => expect(validation).toBeErrorEnvelope(400, 'NOT_FOUND'))).toBe(
        'expect(received).toBeErrorEnvelope(400, "NOT_FOUND")\n\n' +
          'expected the response (HTTP 400) to be a 400 ERROR envelope with code NOT_FOUND, but:\n' +
          `  - expected the first error's code to be NOT_FOUND, got VALIDATION_ERROR (errors: VALIDATION_ERROR "The total must be a number.")`,
      );
    });

    it('fails on a success', () => {
      expect(messageOf(() => expect(success).toBeErrorEnvelope(400))).toBe(
        'expect(received).toBeErrorEnvelope(400)\n\n' +
          'expected the response (HTTP 200) to be a 400 ERROR envelope, but:\n' +
          '  - expected HTTP status 400, got 200\n' +
          '  - expected meta.status to be ERROR, got SUCCESS',
      );
    });

    it('works under .not', () => {
      expect(success).not.toBeErrorEnvelope(400);
      expect(validation).not.toBeErrorEnvelope(400, 'ROUTE_NOT_FOUND');
      expect(messageOf(() => expect(validation).not.toBeErrorEnvelope(400, 'VALIDATION_ERROR'))).toBe(
        'expect(received).not.toBeErrorEnvelope(400, "VALIDATION_ERROR")\n\n' +
          'expected the response (HTTP 400) not to be a 400 ERROR envelope with code VALIDATION_ERROR, but it is: ' +
          'an ERROR envelope (errors: VALIDATION_ERROR "The total must be a number.")',
      );
    });

    it('throws a TypeError for a status that is not a number', () => {
      expect(() => expect(validation).toBeErrorEnvelope('400' as unknown as number)).toThrow(
        new TypeError('The `status` argument of toBeErrorEnvelope() must be an HTTP status number such as 400, got "400".'),
      );
    });
  });

  describe('toBeBatchEnvelope', () => {
    it('passes on a batch with mixed results', () => {
      expect(batched).toBeBatchEnvelope();
      expect(batched.body.results.map((r: { status: string }) => r.status)).toEqual(['SUCCESS', 'ERROR']);
    });

    it('fails on an error answer', () => {
      expect(messageOf(() => expect(validation).toBeBatchEnvelope())).toBe(
        'expect(received).toBeBatchEnvelope()\n\n' +
          'expected the response (HTTP 400) to be a BATCH_PROCESSED envelope, but:\n' +
          '  - expected HTTP status 200, got 400\n' +
          '  - expected meta.status to be BATCH_PROCESSED, got ERROR (errors: VALIDATION_ERROR "The total must be a number.")',
      );
    });

    it('works under .not', () => {
      expect(success).not.toBeBatchEnvelope();
      expect(messageOf(() => expect(batched).not.toBeBatchEnvelope())).toBe(
        'expect(received).not.toBeBatchEnvelope()\n\n' +
          'expected the response (HTTP 200) not to be a BATCH_PROCESSED envelope, but it is: a BATCH_PROCESSED envelope',
      );
    });
  });
});

describe('envelope matchers on plain bodies', () => {
  const meta = { trace_id: 'c0ffee', version: '1' };
  const successBody = { meta: { status: 'SUCCESS', ...meta }, data: { id: 1 } };
  const errorBody = { meta: { status: 'ERROR', ...meta }, errors: [{ code: 'NOT_FOUND', message: 'No such order.' }] };
  const batchBody = {
    meta: { status: 'BATCH_PROCESSED', ...meta },
    results: [
      { status: 'SUCCESS', request: { index: 0 }, data: {} },
      { status: 'ERROR', request: { index: 1 }, errors: [{ code: 'VALIDATION_ERROR', message: 'Bad.' }] },
    ],
  };

  it('passes on well-formed bodies; the HTTP status of toBeErrorEnvelope is not checked', () => {
    expect(successBody).toBeSuccessEnvelope({ id: 1 });
    expect(errorBody).toBeErrorEnvelope(400, 'NOT_FOUND');
    expect(errorBody).toBeErrorEnvelope(500);
    expect(batchBody).toBeBatchEnvelope();
    expect(successBody).not.toBeErrorEnvelope(400);
    expect(errorBody).not.toBeSuccessEnvelope();
  });

  it('names each missing or malformed field', () => {
    const broken = { meta: { status: 'ERROR', version: 1 }, errors: [], data: {} };
    expect(messageOf(() => expect(broken).toBeErrorEnvelope(400))).toBe(
      'expect(received).toBeErrorEnvelope(400)\n\n' +
        'expected the body to be an ERROR envelope, but:\n' +
        '  - expected meta.trace_id to be a non-empty string, got undefined\n' +
        '  - expected meta.version to be a string, got 1\n' +
        '  - expected errors to be a non-empty array of error objects, got []\n' +
        '  - expected no top-level data on an ERROR envelope, got {}',
    );
  });

  it('checks each error object and each warning', () => {
    const body = {
      meta: { status: 'ERROR', ...meta, warnings: [{ code: 'OLD' }] },
      errors: [{ code: '', message: 'x' }],
    };
    expect(messageOf(() => expect(body).toBeErrorEnvelope(400))).toBe(
      'expect(received).toBeErrorEnvelope(400)\n\n' +
        'expected the body to be an ERROR envelope, but:\n' +
        '  - expected meta.warnings[0] to be { code: non-empty string, message: string }, got {"code":"OLD"}\n' +
        '  - expected errors[0] to be { code: non-empty string, message: string }, got {"code":"","message":"x"}',
    );
  });

  it('requires data on a success, even an empty object', () => {
    expect({ meta: successBody.meta, data: {} }).toBeSuccessEnvelope({});
    expect(messageOf(() => expect({ meta: successBody.meta }).toBeSuccessEnvelope())).toBe(
      'expect(received).toBeSuccessEnvelope()\n\n' +
        'expected the body to be a SUCCESS envelope, but:\n' +
        '  - expected a top-level data field, got none',
    );
  });

  it('checks every batch result', () => {
    const body = {
      meta: batchBody.meta,
      results: [{ status: 'SUCCESS', data: {} }, { status: 'ERROR', request: {}, errors: [] }, { status: 'DONE', request: {} }],
    };
    expect(messageOf(() => expect(body).toBeBatchEnvelope())).toBe(
      'expect(received).toBeBatchEnvelope()\n\n' +
        'expected the body to be a BATCH_PROCESSED envelope, but:\n' +
        '  - expected results[0].request to be present\n' +
        '  - expected results[1].errors to be a non-empty array of error objects, got []\n' +
        '  - expected results[2].status to be SUCCESS or ERROR, got "DONE"',
    );
  });

  it('says what a value that is not an object is', () => {
    expect(messageOf(() => expect('oops').toBeSuccessEnvelope())).toBe(
      'expect(received).toBeSuccessEnvelope()\n\n' +
        'expected the body to be a SUCCESS envelope, but:\n' +
        '  - expected the body to be a JSON object, got "oops"',
    );
    expect('oops').not.toBeBatchEnvelope();
  });
});
