/**
 * The demo API's real answers, over HTTP on Express 4 and 5, checked
 * against the schemas: every body validates against envelope.json and its
 * own envelope schema, the typed schemas of the demo's generated OpenAPI
 * document hold for its data, each error carries the headers
 * errorResponses() promises, and every answer of an operation holds against
 * that operation in the document (contract.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import request, { type Response } from 'supertest';
import { jest } from '@jest/globals';
import type { Express } from 'express';
import { type ErrorReporter } from 'kompliant-envelope';
import { maintenanceSwitch } from 'kompliant-envelope/maintenance';
import { createApp, type DemoOptions } from '../../examples/accounts/app.js';
import { ERROR_RESPONSE_NAMES, errorResponses, type OpenApiResponse } from 'kompliant-envelope/openapi';
import { EXPRESS_VERSIONS, type ExpressFactory } from '../support/apps.js';
import { LATEST, OLDEST } from '../support/demo.js';
import { OK_SCHEMA, accountsDocument } from './accounts-document.js';
import { ContractChecker } from './contract.js';
import { envelopeAjv, errorsOf, schemaInDocument, validatorOf } from './support.js';


type Kind = 'success' | 'error' | 'batch';
const SCHEMA_FILES: Record<Kind, string> = {
  success: 'success-envelope.json',
  error: 'error-envelope.json',
  batch: 'batch-envelope.json',
};

interface Case {
  readonly label: string;
  readonly status: number;
  readonly kind: Kind;
  /** The first error code, for an error. */
  readonly code?: string;
  /** Headers the answer must carry besides X-Trace-Id and X-API-Version. */
  readonly headers?: readonly string[];
  /** How many warnings `meta.warnings` holds. @default 0 (no `warnings`) */
  readonly warnings?: number;
  /** The operation of the demo document whose 200 schema the body must also match. */
  readonly operation?: readonly [path: string, method: string];
  readonly options?: (onError: ErrorReporter) => DemoOptions;
  readonly send: (app: Express) => Promise<Response>;
}

const CASES: readonly Case[] = [
  {
    label: 'a success: the account list',
    status: 200,
    kind: 'success',
    operation: ['/accounts', 'get'],
    send: (app) => request(app).get('/accounts'),
  },
  {
    label: 'a created account (200, never 201)',
    status: 200,
    kind: 'success',
    operation: ['/accounts', 'post'],
    send: (app) => request(app).post('/accounts').send({ name: 'Lin Yu', email: 'lin@example.com' }),
  },
  {
    label: 'a deprecated version: the account with its fax and two warnings',
    status: 200,
    kind: 'success',
    warnings: 2,
    operation: ['/accounts/{id}', 'get'],
    send: (app) => request(app).get('/accounts/acc_2').set('X-API-Version', OLDEST),
  },
  {
    label: 'OPTIONS on a known path',
    status: 200,
    kind: 'success',
    headers: ['Allow'],
    send: (app) => request(app).options('/accounts'),
  },
  {
    label: 'a batch with mixed results',
    status: 200,
    kind: 'batch',
    operation: ['/accounts/batch', 'post'],
    send: (app) =>
      request(app)
        .post('/accounts/batch')
        .send([{ name: 'Lin Yu', email: 'lin@example.com' }, { name: '', email: 'x' }, 'not an account', { name: 'Ada', email: 'ada@example.com' }]),
  },
  {
    label: 'a validation failure',
    status: 400,
    kind: 'error',
    code: 'VALIDATION_ERROR',
    send: (app) => request(app).post('/accounts').send({ name: 42, email: 'not-an-email' }),
  },
  {
    label: 'malformed JSON',
    status: 400,
    kind: 'error',
    code: 'MALFORMED_JSON',
    send: (app) => request(app).post('/accounts').set('Content-Type', 'application/json').send('{"name": "Lin",'),
  },
  {
    label: 'an unknown id (a defineErrors code)',
    status: 400,
    kind: 'error',
    code: 'ACCOUNT_NOT_FOUND',
    send: (app) => request(app).get('/accounts/acc_99'),
  },
  {
    label: 'an unknown route',
    status: 400,
    kind: 'error',
    code: 'ROUTE_NOT_FOUND',
    send: (app) => request(app).get('/nowhere'),
  },
  {
    label: 'an unknown route on the deprecated version, with its warning',
    status: 400,
    kind: 'error',
    code: 'ROUTE_NOT_FOUND',
    warnings: 1,
    send: (app) => request(app).get('/nowhere').set('X-API-Version', OLDEST),
  },
  {
    label: 'a wrong method',
    status: 400,
    kind: 'error',
    code: 'METHOD_NOT_ALLOWED',
    headers: ['Allow'],
    send: (app) => request(app).delete('/accounts'),
  },
  {
    label: 'an unsupported API version',
    status: 400,
    kind: 'error',
    code: 'UNSUPPORTED_API_VERSION',
    send: (app) => request(app).get('/accounts').set('X-API-Version', '2023-01-01'),
  },
  {
    label: 'missing credentials',
    status: 401,
    kind: 'error',
    code: 'MISSING_CREDENTIALS',
    headers: ['WWW-Authenticate'],
    send: (app) => request(app).get('/admin/stats'),
  },
  {
    label: 'an unknown API key',
    status: 401,
    kind: 'error',
    code: 'AUTHENTICATION_FAILED',
    headers: ['WWW-Authenticate'],
    send: (app) => request(app).get('/admin/stats').set('X-API-Key', 'sk-guessed'),
  },
  {
    label: 'a key without the admin role',
    status: 403,
    kind: 'error',
    code: 'NOT_AUTHORIZED',
    send: (app) => request(app).get('/admin/stats').set('X-API-Key', 'demo-reader-key'),
  },
  {
    label: 'a body over the JSON limit',
    status: 413,
    kind: 'error',
    code: 'REQUEST_TOO_LARGE',
    send: (app) => request(app).post('/accounts').send({ name: 'x'.repeat(200_000), email: 'big@example.com' }),
  },
  {
    label: 'a body that is not JSON by its Content-Type',
    status: 415,
    kind: 'error',
    code: 'UNSUPPORTED_MEDIA_TYPE',
    send: (app) => request(app).post('/accounts').set('Content-Type', 'text/plain').send('name=Lin'),
  },
  {
    label: 'a throttled search',
    status: 429,
    kind: 'error',
    code: 'TOO_MANY_REQUESTS',
    headers: ['Retry-After'],
    options: (onError) => ({ onError, searchRateLimit: { limit: 1 } }),
    send: async (app) => {
      await request(app).get('/accounts/search?q=ada');
      return request(app).get('/accounts/search?q=ada');
    },
  },
  {
    label: 'a crash',
    status: 500,
    kind: 'error',
    code: 'INTERNAL_ERROR',
    send: (app) => request(app).get('/debug/crash'),
  },
  {
    label: 'maintenance',
    status: 503,
    kind: 'error',
    code: 'SERVICE_UNAVAILABLE',
    headers: ['Retry-After'],
    options: (onError) => {
      const operator = maintenanceSwitch();
      operator.on();
      return { onError, maintenance: operator };
    },
    send: (app) => request(app).get('/accounts'),
  },
  {
    label: 'a report that takes too long',
    status: 504,
    kind: 'error',
    code: 'GATEWAY_TIMEOUT',
    options: (onError) => ({ onError, reportTimeoutMs: 30 }),
    send: (app) => request(app).get('/reports/monthly?delay=150'),
  },
];

const ajv = envelopeAjv();
const envelope = validatorOf(ajv, 'envelope.json');
const specific = {
  success: validatorOf(ajv, SCHEMA_FILES.success),
  error: validatorOf(ajv, SCHEMA_FILES.error),
  batch: validatorOf(ajv, SCHEMA_FILES.batch),
};
const documented = errorResponses();
const demoDocument = accountsDocument();
const contract = new ContractChecker(demoDocument as unknown as { paths: Record<string, unknown>; components: Record<string, unknown> });

describe.each(EXPRESS_VERSIONS)('the demo API’s real answers on %s', (_name, express) => {
  it.each(CASES.map((c) => [c.label, c] as const))('%s: valid against envelope.json and its own schema', async (_label, c) => {
    const onError = jest.fn<ErrorReporter>();
    const app = createApp(express as ExpressFactory, c.options?.(onError) ?? { onError });
    const res = await c.send(app);

    expect(res.status).toBe(c.status);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body: unknown = res.body;
    if (!envelope(body)) throw new Error(`envelope.json rejected ${res.text}: ${errorsOf(envelope)}`);
    const own = specific[c.kind];
    if (!own(body)) throw new Error(`${SCHEMA_FILES[c.kind]} rejected ${res.text}: ${errorsOf(own)}`);
    for (const kind of ['success', 'error', 'batch'] as const) expect(specific[kind](body)).toBe(kind === c.kind);

    const { meta } = res.body as { meta: { trace_id: string; version: string; warnings?: unknown[] } };
    expect(res.headers['x-trace-id']).toBe(meta.trace_id);
    expect(res.headers['x-api-version']).toBe(meta.version);
    expect(meta.version).toBe(c.warnings === undefined ? LATEST : OLDEST);
    expect(meta.warnings?.length ?? 0).toBe(c.warnings ?? 0);
    for (const header of c.headers ?? []) expect(res.headers[header.toLowerCase()]).toEqual(expect.any(String));

    if (c.kind === 'error') {
      expect((res.body as { errors: { code: string }[] }).errors[0]?.code).toBe(c.code);
      // The OpenAPI description of this status exists and names every header the answer carries.
      const name = ERROR_RESPONSE_NAMES[c.status as keyof typeof ERROR_RESPONSE_NAMES];
      const response = documented[name] as OpenApiResponse;
      expect(Object.keys(response.headers ?? {})).toEqual(expect.arrayContaining(['X-Trace-Id', 'X-API-Version', ...(c.headers ?? [])]));
    }
    if (c.kind === 'batch') {
      const statuses = (res.body as { results: { status: string }[] }).results.map((result) => result.status);
      expect(statuses).toEqual(['SUCCESS', 'ERROR', 'ERROR', 'ERROR']);
    }
    if (c.operation !== undefined) {
      const [path, method] = c.operation;
      const typed = schemaInDocument(demoDocument, ['paths', path, method, ...OK_SCHEMA]);
      if (!typed(body)) throw new Error(`The ${method.toUpperCase()} ${path} schema rejected ${res.text}: ${errorsOf(typed)}`);
    }
    // Every answer of an operation also holds against the generated document: status listed, body, headers.
    const sent = (res as unknown as { req: { method: string; path: string } }).req;
    const { operation, problems } = contract.check(sent.method, sent.path, res);
    expect(problems).toEqual(operation === undefined ? [expect.stringContaining('no operation of the document matches')] : []);
    if (c.operation !== undefined) expect(operation).toBe(`${c.operation[1].toUpperCase()} ${c.operation[0]}`);
    // The 504's handler answers late; let it finish before the app goes.
    if (c.status === 504) await sleep(200);
  });
});
