/**
 * The standalone JSON Schema 2020-12 documents: Ajv compiles each in strict
 * mode, and they accept every envelope shape the spec allows and reject the
 * ones it does not.
 */
import type { ValidateFunction } from 'ajv';
import {
  ENVELOPE_JSON_SCHEMAS,
  JSON_SCHEMA_DIALECT,
  SCHEMA_BASE_URI,
  batchEnvelopeSchema,
  envelopeSchema,
  errorEnvelopeSchema,
  errorObjectSchema,
  metaSchema,
  successEnvelopeSchema,
  warningObjectSchema,
} from 'kompliant-envelope/openapi';
import { bareAjv, envelopeAjv, errorsOf, validatorOf } from './support.js';

const META = { status: 'SUCCESS', trace_id: '0b9e8f2c-3c1d-4e5f-8a7b-6c5d4e3f2a1b', version: '1' };
const ERROR_META = { ...META, status: 'ERROR' };
const BATCH_META = { ...META, status: 'BATCH_PROCESSED' };
const WARNING = { code: 'FIELD_DEPRECATED', message: 'The `fax` field is deprecated.', field: 'fax' };
const ERROR = { code: 'VALIDATION_ERROR', message: 'The name is required.', field: 'name' };

const SUCCESS = { meta: META, data: { id: 'acc_1' } };
const FAILURE = { meta: ERROR_META, errors: [ERROR] };
const BATCH = {
  meta: BATCH_META,
  results: [
    { status: 'SUCCESS', request: { index: 0 }, data: { id: 'acc_1' } },
    { status: 'ERROR', request: { index: 1, id: 7 }, errors: [ERROR] },
  ],
};

describe('the standalone schemas', () => {
  it.each([
    ['error-object.json', errorObjectSchema],
    ['warning-object.json', warningObjectSchema],
    ['meta.json', metaSchema],
    ['success-envelope.json', successEnvelopeSchema],
    ['error-envelope.json', errorEnvelopeSchema],
    ['batch-envelope.json', batchEnvelopeSchema],
    ['envelope.json', envelopeSchema],
  ])('%s: declares draft 2020-12 and its $id, and compiles in strict Ajv on its own', (file, schema) => {
    expect(schema['$schema']).toBe(JSON_SCHEMA_DIALECT);
    expect(schema['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema['$id']).toBe(`${SCHEMA_BASE_URI}${file}`);
    expect(schema['$id']).toBe(`https://kompliant-envelope.dev/schemas/${file}`);
    expect(ENVELOPE_JSON_SCHEMAS).toContain(schema);
    // Self-contained: compiles without any other schema added.
    expect(() => bareAjv().compile(structuredClone(schema) as object)).not.toThrow();
  });

  it('are frozen all the way down, so no caller can change them for the others', () => {
    for (const schema of ENVELOPE_JSON_SCHEMAS) {
      expect(Object.isFrozen(schema)).toBe(true);
      expect(() => {
        (schema as Record<string, unknown>)['type'] = 'string';
      }).toThrow(TypeError);
    }
    const defs = envelopeSchema['$defs'] as Record<string, Record<string, unknown>>;
    expect(Object.isFrozen(defs['EnvelopeMeta']?.['required'])).toBe(true);
  });

  it('all go into one Ajv together: no $id clashes between embedded and top-level schemas', () => {
    expect(() => envelopeAjv()).not.toThrow();
  });
});

describe('what the schemas accept and reject', () => {
  const ajv = envelopeAjv();
  const envelope = validatorOf(ajv, 'envelope.json');
  const success = validatorOf(ajv, 'success-envelope.json');
  const failure = validatorOf(ajv, 'error-envelope.json');
  const batch = validatorOf(ajv, 'batch-envelope.json');
  const meta = validatorOf(ajv, 'meta.json');
  const errorObject = validatorOf(ajv, 'error-object.json');
  const warningObject = validatorOf(ajv, 'warning-object.json');

  const accepts = (validate: ValidateFunction, value: unknown) => {
    expect(validate(value)).toBe(true);
    if (!validate(value)) throw new Error(errorsOf(validate));
  };
  const rejects = (validate: ValidateFunction, value: unknown) => expect(validate(value)).toBe(false);

  it.each([
    ['a success', SUCCESS, success],
    ['a success with {} data', { meta: META, data: {} }, success],
    ['a success with array data and warnings', { meta: { ...META, warnings: [WARNING] }, data: [1, 2] }, success],
    ['a success whose meta has other fields', { meta: { ...META, request_ms: 12 }, data: {} }, success],
    ['an error', FAILURE, failure],
    ['an error with warnings (deprecated version)', { meta: { ...ERROR_META, warnings: [WARNING] }, errors: [ERROR] }, failure],
    ['a batch with mixed results', BATCH, batch],
    ['an empty batch', { meta: BATCH_META, results: [] }, batch],
  ])('accepts %s, in its own schema and in envelope.json', (_label, value, specific) => {
    accepts(specific, value);
    accepts(envelope, value);
  });

  it('tells the three apart: each body validates against its own schema only', () => {
    for (const [value, own] of [
      [SUCCESS, success],
      [FAILURE, failure],
      [BATCH, batch],
    ] as const) {
      for (const other of [success, failure, batch]) expect(other(value)).toBe(other === own);
    }
  });

  it.each([
    ['a success without trace_id', { meta: { status: 'SUCCESS', version: '1' }, data: {} }],
    ['an error without trace_id', { meta: { status: 'ERROR', version: '1' }, errors: [ERROR] }],
    ['a success without version', { meta: { status: 'SUCCESS', trace_id: 't' }, data: {} }],
    ['an empty trace_id', { meta: { ...META, trace_id: '' }, data: {} }],
    ['a success without data', { meta: META }],
    ['an ERROR envelope with data', { meta: ERROR_META, errors: [ERROR], data: {} }],
    ['an ERROR envelope with empty errors', { meta: ERROR_META, errors: [] }],
    ['an ERROR envelope without errors', { meta: ERROR_META }],
    ['a SUCCESS envelope with errors', { meta: META, data: {}, errors: [ERROR] }],
    ['a success whose meta.status is ERROR', { meta: ERROR_META, data: {} }],
    ['an error whose meta.status is SUCCESS', { meta: META, errors: [ERROR] }],
    ['a batch whose meta.status is SUCCESS', { meta: META, results: [] }],
    ['an unknown meta.status', { meta: { ...META, status: 'OK' }, data: {} }],
    ['an extra top-level field', { ...SUCCESS, trace_id: META.trace_id }],
    ['an extra top-level field on an error', { ...FAILURE, status: 400 }],
    ['empty warnings', { meta: { ...META, warnings: [] }, data: {} }],
    ['a warning without message', { meta: { ...META, warnings: [{ code: 'X' }] }, data: {} }],
    ['an error without code', { meta: ERROR_META, errors: [{ message: 'm' }] }],
    ['an error with an empty code', { meta: ERROR_META, errors: [{ code: '', message: 'm' }] }],
    ['an error whose message is not a string', { meta: ERROR_META, errors: [{ code: 'X', message: 42 }] }],
    ['a batch result without request', { meta: BATCH_META, results: [{ status: 'SUCCESS', data: {} }] }],
    ['a SUCCESS batch result with errors', { meta: BATCH_META, results: [{ status: 'SUCCESS', request: {}, errors: [ERROR] }] }],
    ['an ERROR batch result with data', { meta: BATCH_META, results: [{ status: 'ERROR', request: {}, errors: [ERROR], data: {} }] }],
    ['an ERROR batch result with empty errors', { meta: BATCH_META, results: [{ status: 'ERROR', request: {}, errors: [] }] }],
    ['a batch result with status BATCH_PROCESSED', { meta: BATCH_META, results: [{ status: 'BATCH_PROCESSED', request: {}, data: {} }] }],
    ['a batch result whose request is not an object', { meta: BATCH_META, results: [{ status: 'SUCCESS', request: 3, data: {} }] }],
    ['no meta', { data: {} }],
    ['null', null],
    ['an array', [SUCCESS]],
  ])('rejects %s', (_label, value) => {
    rejects(envelope, value);
    for (const specific of [success, failure, batch]) rejects(specific, value);
  });

  it('meta: requires status, trace_id and version; allows other fields; warnings never empty', () => {
    accepts(meta, META);
    accepts(meta, { ...META, warnings: [WARNING], page: { next: null } });
    rejects(meta, { status: 'SUCCESS', trace_id: 't' });
    rejects(meta, { ...META, warnings: [] });
    rejects(meta, { ...META, status: 'success' });
  });

  it('error and warning objects: code and message required, other fields allowed', () => {
    for (const validate of [errorObject, warningObject]) {
      accepts(validate, ERROR);
      accepts(validate, { code: 'X', message: '', nested: { any: [1] } });
      rejects(validate, { code: 'X' });
      rejects(validate, { message: 'm' });
      rejects(validate, 'X');
    }
  });
});
