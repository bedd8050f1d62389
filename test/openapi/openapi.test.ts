/**
 * The OpenAPI 3.1 side: envelopeComponents(), errorResponses(),
 * openApiResponses(), successEnvelopeFor() and batchEnvelopeFor() make a
 * document @seriousme/openapi-schema-validator accepts, whose schemas Ajv
 * compiles and applies as the library answers.
 */
import {
  ENVELOPE_HEADER_NAMES,
  ENVELOPE_SCHEMA_NAMES,
  ERROR_RESPONSE_NAMES,
  batchEnvelopeFor,
  envelopeComponents,
  envelopeSchema,
  errorResponses,
  openApiBatchResponses,
  openApiResponses,
  successEnvelopeFor,
  type OpenApiResponse,
} from 'kompliant-envelope/openapi';
import { ERROR_STATUSES, STANDARD_ERRORS, TRACE_ID_HEADER, VERSION_HEADER } from 'kompliant-envelope/core';
import { ACCOUNT_REF, Account, BatchEcho, NewAccount, OK_SCHEMA, accountsDocument } from './accounts-document.js';
import { bareAjv, envelopeAjv, errorsOf, schemaInDocument, validateOpenApi, validatorOf } from './support.js';

const META = { status: 'SUCCESS', trace_id: '0b9e8f2c-3c1d-4e5f-8a7b-6c5d4e3f2a1b', version: '2025-06-01' };
const ACCOUNT = { id: 'acc_1', name: 'Ada Lovelace', email: 'ada@example.com' };
const ERROR = { code: 'VALIDATION_ERROR', message: 'The name is required.', field: 'name' };

describe('an OpenAPI 3.1 document built with kompliant-envelope/openapi', () => {
  it('is valid for @seriousme/openapi-schema-validator, every $ref resolved', async () => {
    const result = await validateOpenApi(accountsDocument());
    expect(result).toEqual({ valid: true, version: '3.1', errors: null });
  }, 20_000);

  it.each([
    [
      'error responses $ref-ed but missing from components',
      (doc: ReturnType<typeof accountsDocument>) => {
        const { responses: _dropped, ...rest } = doc.components;
        return { ...doc, components: rest };
      },
    ],
    [
      'envelope schemas $ref-ed but missing from components',
      (doc: ReturnType<typeof accountsDocument>) => ({ ...doc, components: { ...doc.components, schemas: { Account, NewAccount } } }),
    ],
    [
      'a response without its required description',
      (doc: ReturnType<typeof accountsDocument>) => {
        const { description: _dropped, ...withoutDescription } = doc.components.responses.BadRequest as OpenApiResponse;
        return { ...doc, components: { ...doc.components, responses: { ...doc.components.responses, BadRequest: withoutDescription } } };
      },
    ],
    ['a path that does not start with /', (doc: ReturnType<typeof accountsDocument>) => ({ ...doc, paths: { accounts: doc.paths['/accounts'] } })],
  ])('is rejected when broken: %s', async (_label, breakIt) => {
    const result = await validateOpenApi(breakIt(accountsDocument()));
    expect(result.valid).toBe(false);
    expect(result.errors).not.toBeNull();
  }, 20_000);

  it('has schemas Ajv compiles and applies, $refs into the document resolved', () => {
    const doc = accountsDocument();
    const list = schemaInDocument(doc, ['paths', '/accounts', 'get', ...OK_SCHEMA]);
    expect(list({ meta: META, data: [ACCOUNT] })).toBe(true);
    expect(list({ meta: { ...META, warnings: [{ code: 'W', message: 'w' }] }, data: [] })).toBe(true);
    expect(list({ meta: META, data: [{ ...ACCOUNT, password: 'x' }] })).toBe(false);
    expect(list({ meta: META, data: ACCOUNT })).toBe(false);
    expect(list({ meta: { ...META, status: 'ERROR' }, errors: [ERROR] })).toBe(false);

    const one = schemaInDocument(doc, ['paths', '/accounts/{id}', 'get', ...OK_SCHEMA]);
    expect(one({ meta: META, data: ACCOUNT })).toBe(true);
    expect(one({ meta: { status: 'SUCCESS', version: '1' }, data: ACCOUNT })).toBe(false);

    const batch = schemaInDocument(doc, ['paths', '/accounts/batch', 'post', ...OK_SCHEMA]);
    const results = [
      { status: 'SUCCESS', request: { email: ACCOUNT.email }, data: ACCOUNT },
      { status: 'ERROR', request: { email: null }, errors: [ERROR] },
    ];
    expect(batch({ meta: { ...META, status: 'BATCH_PROCESSED' }, results })).toBe(true);
    if (!batch({ meta: { ...META, status: 'BATCH_PROCESSED' }, results })) throw new Error(errorsOf(batch));
    expect(batch({ meta: { ...META, status: 'BATCH_PROCESSED' }, results: [{ ...results[1], request: { index: 1 } }] })).toBe(false);
    expect(batch({ meta: { ...META, status: 'BATCH_PROCESSED' }, results: [{ ...results[0], data: { id: 1 } }] })).toBe(false);

    const failure = schemaInDocument(doc, ['components', 'responses', 'BadRequest', 'content', 'application/json', 'schema']);
    expect(failure({ meta: { ...META, status: 'ERROR' }, errors: [ERROR] })).toBe(true);
    expect(failure({ meta: { ...META, status: 'ERROR' }, errors: [ERROR], data: {} })).toBe(false);
  });
});

describe('envelopeComponents()', () => {
  it('gives the envelope schemas and the headers, by name', () => {
    const components = envelopeComponents();
    expect(Object.keys(components.schemas)).toEqual([...ENVELOPE_SCHEMA_NAMES]);
    expect(Object.keys(components.headers)).toEqual([...ENVELOPE_HEADER_NAMES]);
    expect(ENVELOPE_HEADER_NAMES).toEqual([TRACE_ID_HEADER, VERSION_HEADER, 'Retry-After', 'WWW-Authenticate', 'Allow']);
    expect(components.headers[TRACE_ID_HEADER]).toMatchObject({ required: true, schema: { type: 'string' } });
    expect(components.headers[VERSION_HEADER]).toMatchObject({ required: true, schema: { type: 'string' } });
    // No $id or $schema: inside an OpenAPI document, `#/components/…` must resolve against the document.
    expect(JSON.stringify(components)).not.toMatch(/"\$id"|"\$schema"|#\/\$defs/);
  });

  it('describes the same envelopes as the standalone schemas', () => {
    const doc = { openapi: '3.1.0', components: envelopeComponents() };
    const components = schemaInDocument(doc, ['components', 'schemas', 'Envelope']);
    const standalone = validatorOf(envelopeAjv(), 'envelope.json');
    const samples = [
      { meta: META, data: {} },
      { meta: { ...META, status: 'ERROR' }, errors: [ERROR] },
      { meta: { ...META, status: 'BATCH_PROCESSED' }, results: [{ status: 'ERROR', request: {}, errors: [ERROR] }] },
      { meta: { ...META, status: 'ERROR' }, errors: [ERROR], data: {} },
      { meta: { ...META, status: 'ERROR' }, errors: [] },
      { meta: { status: 'SUCCESS', version: '1' }, data: {} },
      { meta: META, data: {}, extra: true },
      { meta: { ...META, status: 'BATCH_PROCESSED' }, data: {} },
    ];
    expect(samples.map((sample) => components(sample))).toEqual([true, true, true, false, false, false, false, false]);
    expect(samples.map((sample) => standalone(sample))).toEqual(samples.map((sample) => components(sample)));
  });

  it('makes new objects on each call', () => {
    const first = envelopeComponents();
    (first.schemas.EnvelopeMeta as Record<string, unknown>)['required'] = [];
    expect(envelopeComponents().schemas.EnvelopeMeta['required']).toEqual(['status', 'trace_id', 'version']);
  });
});

describe('errorResponses()', () => {
  const responses = errorResponses();

  it('answers one response per error status of the spec, keyed by name', () => {
    expect(Object.keys(responses)).toEqual([
      'BadRequest',
      'Unauthorized',
      'Forbidden',
      'RequestTooLarge',
      'UnsupportedMediaType',
      'TooManyRequests',
      'InternalError',
      'ServiceUnavailable',
      'GatewayTimeout',
    ]);
    expect(Object.keys(ERROR_RESPONSE_NAMES).map(Number)).toEqual([...ERROR_STATUSES]);
  });

  it.each(ERROR_STATUSES.map((status) => [status, ERROR_RESPONSE_NAMES[status]] as const))(
    '%i %s: the ErrorEnvelope, the trace and version headers, an example per catalog code of the status',
    (status, name) => {
      const response = responses[name] as OpenApiResponse;
      expect(response.description).toEqual(expect.any(String));
      const media = response.content?.['application/json'];
      expect(media?.schema).toEqual({ $ref: '#/components/schemas/ErrorEnvelope' });

      const extra: Record<number, string[]> = { 400: ['Allow'], 401: ['WWW-Authenticate'], 429: ['Retry-After'], 503: ['Retry-After'] };
      const headers = [TRACE_ID_HEADER, VERSION_HEADER, ...(extra[status] ?? [])];
      expect(response.headers).toEqual(Object.fromEntries(headers.map((h) => [h, { $ref: `#/components/headers/${h}` }])));

      const codes = Object.entries(STANDARD_ERRORS)
        .filter(([, definition]) => definition.status === status)
        .map(([code]) => code);
      expect(codes.length).toBeGreaterThan(0);
      expect(Object.keys(media?.examples ?? {})).toEqual(codes);
      const validate = validatorOf(envelopeAjv(), 'error-envelope.json');
      for (const code of codes) {
        const value = media?.examples?.[code]?.value;
        expect(validate(value)).toBe(true);
        expect(value).toEqual({
          meta: { status: 'ERROR', trace_id: expect.any(String), version: '1' },
          errors: [{ code, message: STANDARD_ERRORS[code as keyof typeof STANDARD_ERRORS].message }],
        });
      }
    },
  );

  it('takes the statuses to describe and the version of the examples', () => {
    const some = errorResponses({ statuses: [503, 401], version: '2025-06-01' });
    expect(Object.keys(some)).toEqual(['Unauthorized', 'ServiceUnavailable']);
    const example = some.Unauthorized?.content?.['application/json']?.examples?.['MISSING_CREDENTIALS']?.value;
    expect(example).toMatchObject({ meta: { version: '2025-06-01' } });
  });

  it.each([
    [null, TypeError, 'The options of errorResponses() must be an object, got null.'],
    [{ statuses: [] }, TypeError, 'The `statuses` option of errorResponses() must be a non-empty array of error statuses.'],
    [{ statuses: [404] }, RangeError, 'The `statuses` option of errorResponses() may only hold 400, 401, 403, 413, 415, 429, 500, 503, 504, got number.'],
    [{ statuses: [400, 400] }, RangeError, 'The `statuses` option of errorResponses() must not list a status twice.'],
    [{ version: '' }, TypeError, 'The `version` option of errorResponses() must be a non-empty string, got "".'],
  ])('rejects the options %j', (options, type, message) => {
    expect(() => errorResponses(options as never)).toThrow(type);
    expect(() => errorResponses(options as never)).toThrow(message);
  });
});

describe('openApiResponses() and openApiBatchResponses()', () => {
  it('answer 200 with the envelope of the data, then a $ref per error status, in status order', () => {
    const responses = openApiResponses(ACCOUNT_REF, { statuses: [500, 400], description: 'The account.' });
    expect(responses).toEqual({
      '200': {
        description: 'The account.',
        headers: {
          [TRACE_ID_HEADER]: { $ref: `#/components/headers/${TRACE_ID_HEADER}` },
          [VERSION_HEADER]: { $ref: `#/components/headers/${VERSION_HEADER}` },
        },
        content: { 'application/json': { schema: successEnvelopeFor(ACCOUNT_REF) } },
      },
      '400': { $ref: '#/components/responses/BadRequest' },
      '500': { $ref: '#/components/responses/InternalError' },
    });
    expect(Object.keys(openApiResponses(true))).toEqual(['200', ...ERROR_STATUSES.map(String)]);
    const batch = openApiBatchResponses(ACCOUNT_REF, BatchEcho) as Record<string, OpenApiResponse>;
    expect(batch['200']?.content?.['application/json']?.schema).toEqual(batchEnvelopeFor(ACCOUNT_REF, BatchEcho));
  });

  it.each([
    [() => openApiResponses(true, { description: '' }), TypeError, 'The `description` option of openApiResponses() must be a non-empty string'],
    [() => openApiBatchResponses(true, undefined, { statuses: [200 as never] }), RangeError, 'The `statuses` option of openApiBatchResponses() may only hold'],
    [() => openApiResponses(null as never), TypeError, 'The `dataSchema` of successEnvelopeFor() must be a JSON Schema (an object or a boolean), got null.'],
  ])('rejects bad arguments (%#)', (call, type, message) => {
    expect(call).toThrow(type);
    expect(call).toThrow(message);
  });
});

describe('successEnvelopeFor() and batchEnvelopeFor()', () => {
  it('point at the components by default, and stand alone with refs: inline', () => {
    expect(successEnvelopeFor(true)).toEqual(envelopeComponents().schemas.SuccessEnvelope);
    expect(batchEnvelopeFor(true)).toEqual(envelopeComponents().schemas.BatchEnvelope);
    expect(JSON.stringify(successEnvelopeFor(Account, { refs: 'inline' }))).not.toContain('$ref');
    expect(JSON.stringify(batchEnvelopeFor(Account, BatchEcho, { refs: 'inline' }))).not.toContain('$ref');
  });

  it('inline: compile in a strict Ajv and check data, meta and the rest', () => {
    const ajv = bareAjv();
    const one = ajv.compile(successEnvelopeFor(Account, { refs: 'inline' }));
    expect(one({ meta: META, data: ACCOUNT })).toBe(true);
    expect(one({ meta: META, data: { ...ACCOUNT, email: 'not an email' } })).toBe(false);
    expect(one({ meta: { ...META, warnings: [] }, data: ACCOUNT })).toBe(false);
    expect(one({ meta: { ...META, status: 'ERROR' }, data: ACCOUNT })).toBe(false);

    const batch = ajv.compile(batchEnvelopeFor(Account, BatchEcho, { refs: 'inline' }));
    const meta = { ...META, status: 'BATCH_PROCESSED' };
    expect(batch({ meta, results: [{ status: 'SUCCESS', request: { email: 'ada@example.com' }, data: ACCOUNT }] })).toBe(true);
    expect(batch({ meta, results: [{ status: 'SUCCESS', request: { index: 0 }, data: ACCOUNT }] })).toBe(false);
    expect(batch({ meta, results: [{ status: 'ERROR', request: { email: null }, errors: [{ code: 'X' }] }] })).toBe(false);

    // Without a request schema: any request object, as the default echo { index, id } is.
    const anyEcho = ajv.compile(batchEnvelopeFor(true, undefined, { refs: 'inline' }));
    expect(anyEcho({ meta, results: [{ status: 'SUCCESS', request: { index: 0, id: 7 }, data: {} }] })).toBe(true);
  });

  it('use the given schema as it is, and make a new envelope on each call', () => {
    const data = { type: 'string' };
    const first = successEnvelopeFor(data) as { properties: { data: unknown } };
    expect(first.properties.data).toBe(data);
    expect(successEnvelopeFor(data)).not.toBe(first);
    expect(successEnvelopeFor(false)).toMatchObject({ properties: { data: false } });
  });

  it.each([
    [() => successEnvelopeFor('string' as never), TypeError, 'The `dataSchema` of successEnvelopeFor() must be a JSON Schema (an object or a boolean), got string.'],
    [() => successEnvelopeFor([] as never), TypeError, 'got an array.'],
    [() => successEnvelopeFor(true, { refs: 'defs' as never }), TypeError, "The `refs` option of successEnvelopeFor() must be 'components' or 'inline', got \"defs\"."],
    [() => successEnvelopeFor(true, 1 as never), TypeError, 'The options of successEnvelopeFor() must be an object, got number.'],
    [() => batchEnvelopeFor(undefined as never), TypeError, 'The `itemDataSchema` of batchEnvelopeFor() must be a JSON Schema'],
    [() => batchEnvelopeFor(true, null as never), TypeError, 'The `requestSchema` of batchEnvelopeFor() must be a JSON Schema'],
  ])('rejects bad arguments (%#)', (call, type, message) => {
    expect(call).toThrow(type);
    expect(call).toThrow(message);
  });

  it('envelope.json stays the union of the three standalone envelopes', () => {
    expect((envelopeSchema['oneOf'] as unknown[]).length).toBe(3);
  });
});
