// An ESM user of the packed tarball: every entry point's run-time exports, a
// schema file as a JSON module, then an app that uses the root and a few subpaths.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { envelope, errorHandler, ok, batch, requestContext } from 'kompliant-envelope';
import { maintenance, maintenanceSwitch } from 'kompliant-envelope/maintenance';
import { rateLimit } from 'kompliant-envelope/rate-limit';
import { timeout } from 'kompliant-envelope/timeout';
import { versioned } from 'kompliant-envelope/versioning';
import { createClient } from 'kompliant-envelope/client';
import { envelopeSchema, successEnvelopeFor } from 'kompliant-envelope/openapi';
import { checkConformance } from 'kompliant-envelope/testing';

const require = createRequire(import.meta.url);
const publicApi = require('./public-api.json');
const moduleName = process.env.EXPRESS_MODULE || 'express';
const { default: express } = await import(moduleName);
const { version } = require(`${moduleName}/package.json`);

// Each entry point has exactly the run-time exports that public-api.json lists.
for (const [specifier, { values }] of Object.entries(publicApi)) {
  assert.deepEqual(Object.keys(await import(specifier)).sort(), values, `import('${specifier}')`);
}
const { default: schemaFile } = await import('kompliant-envelope/schemas/envelope.json', { with: { type: 'json' } });
assert.deepEqual(schemaFile, JSON.parse(JSON.stringify(envelopeSchema)));

const closed = maintenanceSwitch(false);
const app = express();
app.use(envelope({ versions: ['2024-01-01', '2025-06-01'] }));
app.use(maintenance({ enabled: closed.isOn, retryAfter: 60 }));
app.use(express.json());
app.get('/whoami', (req, res) => ok(res, { traceId: requestContext()?.traceId }));
app.get('/greeting', versioned({ '2024-01-01': (req, res) => ok(res, 'hello'), '2025-06-01': (req, res) => ok(res, 'hi') }));
app.get('/slow', timeout(50), (req, res) => setTimeout(() => ok(res, {}), 200));
app.get('/scarce', rateLimit({ windowMs: 60_000, limit: 1 }), (req, res) => ok(res, {}));
app.post('/batch', (req, res) => batch(res, req.body, (n) => {
  if (n < 0) throw new Error('negative');
  return { double: n * 2 };
}, { onItemError: () => {} }));
app.use(errorHandler({ onError: () => {} }));

const server = app.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const base = `http://127.0.0.1:${server.address().port}`;
try {
  const res = await fetch(`${base}/whoami`, { headers: { 'X-API-Version': '2024-01-01' } });
  const body = await res.json();
  assert.equal(res.status, 200);
  assert.equal(body.meta.version, '2024-01-01');
  assert.equal(body.data.traceId, body.meta.trace_id);

  const b = await fetch(`${base}/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([1, -1]),
  });
  const bBody = await b.json();
  assert.equal(b.status, 200);
  assert.equal(bBody.meta.status, 'BATCH_PROCESSED');
  assert.deepEqual(bBody.results.map((r) => r.status), ['SUCCESS', 'ERROR']);
  assert.equal(bBody.results[1].errors[0].code, 'INTERNAL_ERROR');

  const client = createClient({ baseUrl: base, version: '2024-01-01' });
  const who = await client.get('/whoami');
  assert.equal(who.version, '2024-01-01');
  assert.equal(who.unwrap().traceId, who.traceId);
  assert.equal((await client.get('/greeting')).unwrap(), 'hello');
  assert.equal((await client.get('/greeting', { headers: { 'X-API-Version': '2025-06-01' } })).unwrap(), 'hi');

  const slow = await fetch(`${base}/slow`);
  assert.equal(slow.status, 504);
  assert.equal((await slow.json()).errors[0].code, 'GATEWAY_TIMEOUT');
  assert.equal((await fetch(`${base}/scarce`)).status, 200);
  assert.equal((await fetch(`${base}/scarce`)).status, 429);

  closed.on();
  const down = await fetch(`${base}/whoami`);
  assert.equal(down.status, 503);
  assert.equal(down.headers.get('retry-after'), '60');
  closed.off();

  assert.ok(successEnvelopeFor({ type: 'object' }));
  assert.deepEqual(await checkConformance(app, { knownPath: '/whoami' }), []);
  console.log(`esm ok (${moduleName} ${version})`);
} finally {
  server.close();
}
