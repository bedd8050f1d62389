// Runs the README's quick-start app, exactly as printed there, from the packed
// tarball on the Express major in EXPRESS_MODULE, and checks what the README
// says it answers.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';

const readme = readFileSync(process.argv[2], 'utf8');
const section = readme.slice(readme.indexOf('## Quick start'));
const match = /```js\n([\s\S]*?)```/.exec(section);
assert.ok(match, 'the README quick start has a ```js block');
const moduleName = process.env.EXPRESS_MODULE || 'express';
let source = match[1];
assert.ok(source.includes('app.listen(3000);'), 'the quick start listens on 3000');
source = source
  .replace("from 'express';", `from '${moduleName}';`)
  .replace('app.listen(3000);', "export const server = app.listen(0, '127.0.0.1');");
writeFileSync(`quickstart-${moduleName}.mjs`, source);

const { server } = await import(`./quickstart-${moduleName}.mjs`);
if (!server.listening) await new Promise((resolve) => server.once('listening', resolve));
const base = `http://127.0.0.1:${server.address().port}`;
try {
  const hello = await fetch(`${base}/hello`);
  const body = await hello.json();
  assert.equal(hello.status, 200);
  assert.equal(hello.headers.get('x-api-version'), '1');
  assert.deepEqual(body, {
    meta: { status: 'SUCCESS', trace_id: hello.headers.get('x-trace-id'), version: '1' },
    data: { hello: 'world' },
  });
  const nope = await fetch(`${base}/nope`);
  assert.equal(nope.status, 400);
  assert.equal((await nope.json()).errors[0].code, 'ROUTE_NOT_FOUND');
  const post = await fetch(`${base}/hello`, { method: 'POST' });
  assert.equal(post.status, 400);
  assert.equal((await post.json()).errors[0].code, 'METHOD_NOT_ALLOWED');
  console.log(`README quick start ok (${moduleName})`);
} finally {
  server.close();
}
