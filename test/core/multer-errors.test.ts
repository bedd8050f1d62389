/**
 * multer and busboy errors by default, like body-parser's: a real multer and
 * real multipart requests over HTTP, on Express 4 and 5, whole bodies checked.
 */
import multer from 'multer';
import request from 'supertest';
import { ok } from 'kompliant-envelope';
import { normalizeError } from 'kompliant-envelope/core';
import { EXPRESS_VERSIONS, buildApp, metaFor } from '../support/apps.js';

const TOO_LARGE = 'REQUEST_TOO_LARGE';
const BAD = 'BAD_REQUEST';

/** One route per multer limit, each with that one limit set low. */
function routes(a: import('express').Express): void {
  const storage = multer.memoryStorage();
  const done = (_req: unknown, res: import('express').Response) => ok(res, { stored: true });
  a.post('/file-size', multer({ storage, limits: { fileSize: 8 } }).single('avatar'), done);
  a.post('/single', multer({ storage }).single('avatar'), done);
  a.post('/files', multer({ storage, limits: { files: 1 } }).any(), done);
  a.post('/field-size', multer({ storage, limits: { fieldSize: 8 } }).none(), done);
  a.post('/fields', multer({ storage, limits: { fields: 1 } }).none(), done);
  a.post('/parts', multer({ storage, limits: { parts: 2 } }).none(), done);
  a.post('/field-name', multer({ storage, limits: { fieldNameSize: 8 } }).none(), done);
}

const BOUNDARY = '----kompliant-test-boundary';

describe.each(EXPRESS_VERSIONS)('multer errors over HTTP, on %s', (_name, express) => {
  const { app, reported } = buildApp(express, routes, { envelope: { contentTypes: ['application/json', 'multipart/form-data'] } });
  const small = Buffer.from('12345');
  const big = Buffer.alloc(64, 'x');

  afterEach(() => {
    reported.length = 0;
  });

  it.each([
    ['a file over limits.fileSize (LIMIT_FILE_SIZE)', () => request(app).post('/file-size').attach('avatar', big, 'a.png'), 413, TOO_LARGE, 'An uploaded file is larger than this endpoint accepts.', 'avatar'],
    ['a field value over limits.fieldSize (LIMIT_FIELD_VALUE)', () => request(app).post('/field-size').field('note', 'x'.repeat(64)), 413, TOO_LARGE, 'A form field value is longer than this endpoint accepts.', 'note'],
    ['more fields than limits.fields (LIMIT_FIELD_COUNT)', () => request(app).post('/fields').field('a', '1').field('b', '2'), 413, TOO_LARGE, 'The form has more fields than this endpoint accepts.', undefined],
    ['more parts than limits.parts (LIMIT_PART_COUNT)', () => request(app).post('/parts').field('a', '1').field('b', '2').field('c', '3'), 413, TOO_LARGE, 'The form has more parts than this endpoint accepts.', undefined],
    ['more files than limits.files (LIMIT_FILE_COUNT)', () => request(app).post('/files').attach('a', small, 'a.txt').attach('b', small, 'b.txt'), 400, BAD, 'The form has more files than this endpoint accepts.', undefined],
    ['a file in a field the route does not take (LIMIT_UNEXPECTED_FILE)', () => request(app).post('/single').attach('other', small, 'a.txt'), 400, BAD, 'The form has a file in a field this endpoint does not accept.', 'other'],
    ['a field name over limits.fieldNameSize (LIMIT_FIELD_KEY)', () => request(app).post('/field-name').field('a-very-long-field-name', '1'), 400, BAD, 'A form field name is longer than this endpoint accepts.', undefined],
  ])('%s', async (_label, send, status, code, message, field) => {
    const res = await send();
    expect(res.status).toBe(status);
    const error = field === undefined ? { code, message } : { code, message, field };
    expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: [error] });
    expect(reported[0]?.error).toEqual(expect.objectContaining({ name: 'MulterError' }));
  });

  it.each([
    ['a body cut off before its closing boundary', `multipart/form-data; boundary=${BOUNDARY}`, `--${BOUNDARY}\r\nContent-Disposition: form-data; name="a"\r\n\r\nvalue`],
    ['a part header without a colon', `multipart/form-data; boundary=${BOUNDARY}`, `--${BOUNDARY}\r\nthis is not a header\r\n\r\nvalue\r\n--${BOUNDARY}--\r\n`],
    ['a multipart Content-Type without a boundary', 'multipart/form-data', `--${BOUNDARY}\r\n\r\n`],
  ])('a malformed multipart body: %s → 400 BAD_REQUEST with a fixed message', async (_label, contentType, body) => {
    const res = await request(app).post('/single').set('Content-Type', contentType).send(body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ meta: metaFor(res, 'ERROR'), errors: [{ code: BAD, message: 'The multipart body is malformed.' }] });
  });

  it('answers a valid upload as before', async () => {
    const res = await request(app).post('/single').attach('avatar', small, 'a.png');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ meta: metaFor(res, 'SUCCESS'), data: { stored: true } });
  });
});

describe('multer errors in normalizeError', () => {
  it.each([
    ['LIMIT_FIELD_NESTING', 400],
    ['LIMIT_FIELD_ARRAY_INDEX', 400],
    ['MISSING_FIELD_NAME', 400],
    ['INVALID_FIELD_NAME', 400],
    ['STREAM_DESTROYED', 500],
    ['SOMETHING_NEW', 500],
  ])('maps %s to %i', (code, status) => {
    expect(normalizeError(new multer.MulterError(code as multer.ErrorCode)).status).toBe(status);
  });

  it('clips a long field name', () => {
    const { errors } = normalizeError(new multer.MulterError('LIMIT_UNEXPECTED_FILE', 'f'.repeat(500)));
    expect(errors[0]?.['field']).toHaveLength(200);
  });

  it('leaves a plain Error with another message a 500, and an axios "Request aborted" too', () => {
    expect(normalizeError(new Error('Unexpected end of forms')).status).toBe(500);
    expect(normalizeError(Object.assign(new Error('Unexpected end of form'), { name: 'TypeError' })).status).toBe(500);
    expect(normalizeError(Object.assign(new Error('Request aborted'), { isAxiosError: true, code: 'ECONNABORTED' })).status).toBe(500);
  });
});
