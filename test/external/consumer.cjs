// A CommonJS user of the packed tarball.
const assert = require('node:assert/strict');
const express = require(process.env.EXPRESS_MODULE || 'express');
const { envelope, errorHandler, ok, ApiError } = require('kompliant-envelope');
const { createClient, EnvelopeError } = require('kompliant-envelope/client');
const { envelopeSchema, errorResponses } = require('kompliant-envelope/openapi');
const { envelopeMatchers, checkConformance } = require('kompliant-envelope/testing');

const app = express();
app.use(envelope());
app.use(express.json());
app.get('/hello', (req, res) => ok(res, { hello: 'world' }));
app.get('/boom', () => {
  throw new ApiError(400, 'BAD_THING', 'Bad thing.');
});
app.use(errorHandler());

const server = app.listen(0, '127.0.0.1', async () => {
  const base = `http://127.0.0.1:${server.address().port}`;
  try {
    const okRes = await fetch(`${base}/hello`);
    const okBody = await okRes.json();
    assert.equal(okRes.status, 200);
    assert.equal(okBody.meta.status, 'SUCCESS');
    assert.equal(okBody.meta.trace_id, okRes.headers.get('x-trace-id'));
    assert.deepEqual(okBody.data, { hello: 'world' });

    const badRes = await fetch(`${base}/boom`);
    const badBody = await badRes.json();
    assert.equal(badRes.status, 400);
    assert.deepEqual(badBody.errors, [{ code: 'BAD_THING', message: 'Bad thing.' }]);

    const missing = await fetch(`${base}/nope`);
    assert.equal(missing.status, 400);
    assert.equal((await missing.json()).errors[0].code, 'ROUTE_NOT_FOUND');

    // The subpaths, from CommonJS.
    const client = createClient({ baseUrl: base });
    assert.deepEqual(await (await client.get('/hello')).unwrap(), { hello: 'world' });
    const boom = await client.get('/boom');
    assert.throws(() => boom.unwrap(), (error) => error instanceof EnvelopeError && error.status === 400 && error.traceId === boom.traceId);
    assert.equal(envelopeSchema.$schema, 'https://json-schema.org/draft/2020-12/schema');
    assert.deepEqual(require('kompliant-envelope/schemas/envelope.json'), JSON.parse(JSON.stringify(envelopeSchema)));
    assert.ok(errorResponses().BadRequest);
    assert.equal(typeof envelopeMatchers.toBeSuccessEnvelope, 'function');
    assert.deepEqual(await checkConformance(app, { knownPath: '/hello' }), []);
    console.log(`cjs ok (${process.env.EXPRESS_MODULE || 'express'} ${require(`${process.env.EXPRESS_MODULE || 'express'}/package.json`).version})`);
  } finally {
    server.close();
  }
});
