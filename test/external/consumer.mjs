// An ESM user of the packed tarball.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { envelope, errorHandler, ok, batch, requestContext } from 'kompliant-envelope';
import { createClient } from 'kompliant-envelope/client';
import { successEnvelopeFor } from 'kompliant-envelope/openapi';
import { checkConformance } from 'kompliant-envelope/testing';

const moduleName = process.env.EXPRESS_MODULE || 'express';
const { default: express } = await import(moduleName);
const { version } = createRequire(import.meta.url)(`${moduleName}/package.json`);

const app = express();
app.use(envelope({ versions: ['2024-01-01', '2025-06-01'] }));
app.use(express.json());
app.get('/whoami', (req, res) => ok(res, { traceId: requestContext()?.traceId }));
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
  // The subpaths, from ESM.
  const client = createClient({ baseUrl: base, version: '2024-01-01' });
  const who = await client.get('/whoami');
  assert.equal(who.version, '2024-01-01');
  assert.equal(who.unwrap().traceId, who.traceId);
  assert.ok(successEnvelopeFor({ type: 'object' }));
  assert.deepEqual(await checkConformance(app, { knownPath: '/whoami' }), []);
  console.log(`esm ok (${moduleName} ${version})`);
} finally {
  server.close();
}
