// A consumer without the optional peer express-rate-limit: the root works from
// CommonJS and ESM, and kompliant-envelope/rate-limit fails from both with a
// message that says what to install.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
assert.throws(() => require.resolve('express-rate-limit'), { code: 'MODULE_NOT_FOUND' }, 'npm installed the optional peer after all');

const express = require('express');
const cjsRoot = require('kompliant-envelope');
const esmRoot = await import('kompliant-envelope');
for (const [kind, { envelope, errorHandler, ok }] of [['cjs', cjsRoot], ['esm', esmRoot]]) {
  const app = express();
  app.use(envelope());
  app.get('/hello', (req, res) => ok(res, { hello: kind }));
  app.use(errorHandler());
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const res = await fetch(`http://127.0.0.1:${server.address().port}/hello`);
    assert.equal(res.status, 200, kind);
    assert.deepEqual((await res.json()).data, { hello: kind });
  } finally {
    server.close();
  }
}

async function failureOf(what, load) {
  try {
    await load();
  } catch (error) {
    return error;
  }
  return assert.fail(`${what} of kompliant-envelope/rate-limit did not fail`);
}
for (const [what, load] of [
  ['require', () => require('kompliant-envelope/rate-limit')],
  ['import', () => import('kompliant-envelope/rate-limit')],
]) {
  const error = await failureOf(what, load);
  assert.equal(error.code, 'ERR_MISSING_PEER_DEPENDENCY', `${what}: ${error.stack}`);
  assert.match(error.message, /needs the express-rate-limit package/, what);
  assert.match(error.message, /npm install express-rate-limit/, what);
  console.log(`without express-rate-limit, ${what} of /rate-limit fails: ${error.message}`);
}
console.log('without express-rate-limit: the root works from CJS and ESM');
