// A CommonJS user of the packed tarball: every entry point's run-time exports,
// the schema files, then an app that uses the root and a few subpaths.
const assert = require('node:assert/strict');
const { readdirSync } = require('node:fs');
const { dirname, join } = require('node:path');
const publicApi = require('./public-api.json');

const moduleName = process.env.EXPRESS_MODULE || 'express';
const express = require(moduleName);

// Each entry point has exactly the run-time exports that public-api.json lists.
for (const [specifier, { values }] of Object.entries(publicApi)) {
  assert.deepEqual(Object.keys(require(specifier)).sort(), values, `require('${specifier}')`);
}

// kompliant-envelope/schemas/<file>: one file per exported schema, equal to the constant.
const { ENVELOPE_JSON_SCHEMAS, SCHEMA_BASE_URI } = require('kompliant-envelope/openapi');
const schemaFiles = ENVELOPE_JSON_SCHEMAS.map((schema) => schema.$id.slice(SCHEMA_BASE_URI.length));
const packageDir = dirname(require.resolve('kompliant-envelope/package.json'));
assert.deepEqual(readdirSync(join(packageDir, 'dist', 'schemas')).sort(), [...schemaFiles].sort());
ENVELOPE_JSON_SCHEMAS.forEach((schema, i) => {
  assert.deepEqual(require(`kompliant-envelope/schemas/${schemaFiles[i]}`), JSON.parse(JSON.stringify(schema)), schemaFiles[i]);
});

const { envelope, errorHandler, ok, ApiError } = require('kompliant-envelope');
const { authenticate, hmacVerifier, keepRawBody, principalOf } = require('kompliant-envelope/auth');
const { rateLimit } = require('kompliant-envelope/rate-limit');
const { clientErrorHandler } = require('kompliant-envelope/node');
const { createClient, EnvelopeError, signRequest } = require('kompliant-envelope/client');
const { envelopeSchema, errorResponses } = require('kompliant-envelope/openapi');
const { envelopeMatchers, checkConformance } = require('kompliant-envelope/testing');

const hmac = { secrets: { k1: 'a shared secret, 16 characters or more' } };
const app = express();
app.use(envelope());
app.use(express.json({ verify: keepRawBody }));
app.get('/hello', (req, res) => ok(res, { hello: 'world' }));
app.get('/boom', () => {
  throw new ApiError(400, 'BAD_THING', 'Bad thing.');
});
app.get('/scarce', rateLimit({ windowMs: 60_000, limit: 1 }), (req, res) => ok(res, {}));
app.post('/hook', authenticate({ verify: hmacVerifier(hmac) }), (req, res) => ok(res, { by: principalOf(req), got: req.body }));
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

    // kompliant-envelope/rate-limit, with the express-rate-limit this consumer installed.
    assert.equal((await fetch(`${base}/scarce`)).status, 200);
    const throttled = await fetch(`${base}/scarce`);
    assert.equal(throttled.status, 429);
    assert.match(throttled.headers.get('retry-after'), /^\d+$/);
    assert.equal((await throttled.json()).errors[0].code, 'TOO_MANY_REQUESTS');

    // A request signed by the client (async, Web Crypto) and checked by /auth.
    const body = JSON.stringify({ order: 42 });
    const signed = await signRequest(hmac, 'k1', 'POST', '/hook', body);
    const hook = await fetch(`${base}/hook`, { method: 'POST', headers: { ...signed, 'content-type': 'application/json' }, body });
    assert.equal(hook.status, 200, await hook.clone().text());
    assert.deepEqual((await hook.json()).data, { by: { keyId: 'k1' }, got: { order: 42 } });
    const forged = await fetch(`${base}/hook`, { method: 'POST', headers: { ...signed, 'content-type': 'application/json' }, body: '{"order":43}' });
    assert.equal(forged.status, 401);

    const client = createClient({ baseUrl: base });
    assert.deepEqual(await (await client.get('/hello')).unwrap(), { hello: 'world' });
    const boom = await client.get('/boom');
    assert.throws(() => boom.unwrap(), (error) => error instanceof EnvelopeError && error.status === 400 && error.traceId === boom.traceId);
    assert.equal(envelopeSchema.$schema, 'https://json-schema.org/draft/2020-12/schema');
    assert.ok(errorResponses().BadRequest);
    assert.equal(typeof clientErrorHandler(), 'function');
    assert.equal(typeof envelopeMatchers.toBeSuccessEnvelope, 'function');
    assert.deepEqual(await checkConformance(app, { knownPath: '/hello' }), []);
    console.log(`cjs ok (${moduleName} ${require(`${moduleName}/package.json`).version})`);
  } finally {
    server.close();
  }
});
