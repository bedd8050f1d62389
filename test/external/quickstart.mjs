// Runs the README's quick-start app, exactly as printed there, from the packed
// tarball on the Express major in EXPRESS_MODULE, and checks what the README
// says it answers. Every js code block of the "Quick start" section is run:
// an ESM one (import) and, when the README has one, a CommonJS one (require).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const readme = readFileSync(process.argv[2], 'utf8');
const start = readme.indexOf('## Quick start');
assert.ok(start >= 0, 'the README has a "## Quick start" section');
const end = readme.indexOf('\n## ', start + 1);
const section = readme.slice(start, end < 0 ? undefined : end);
const blocks = [...section.matchAll(/```(?:js|javascript|mjs|cjs)\n([\s\S]*?)```/g)].map((match) => match[1]);
const moduleName = process.env.EXPRESS_MODULE || 'express';

const kinds = [];
for (const block of blocks) {
  const esm = /^import /m.test(block);
  assert.ok(esm || /\brequire\(/.test(block), `a quick-start block neither imports nor requires:\n${block}`);
  assert.ok(block.includes('app.listen(3000);'), 'the quick start listens on 3000');
  kinds.push(esm ? 'esm' : 'cjs');
  const file = `quickstart-${moduleName}.${esm ? 'mjs' : 'cjs'}`;
  const source = block
    .replace("from 'express';", `from '${moduleName}';`)
    .replace("require('express')", `require('${moduleName}')`)
    .replace('app.listen(3000);', `${esm ? 'export const server =' : 'exports.server ='} app.listen(0, '127.0.0.1');`);
  writeFileSync(file, source);
  const { server } = esm ? await import(`./${file}`) : createRequire(import.meta.url)(`./${file}`);
  await check(server, esm ? 'esm' : 'cjs');
}
assert.ok(kinds.includes('esm'), 'the README quick start has an ESM block (import)');
console.log(`README quick start ok (${moduleName}: ${kinds.join(', ')})`);

async function check(server, kind) {
  if (!server.listening) await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  try {
    const hello = await fetch(`${base}/hello`);
    const body = await hello.json();
    assert.equal(hello.status, 200, kind);
    assert.equal(hello.headers.get('x-api-version'), '1', kind);
    assert.deepEqual(body, {
      meta: { status: 'SUCCESS', trace_id: hello.headers.get('x-trace-id'), version: '1' },
      data: { hello: 'world' },
    }, kind);
    const nope = await fetch(`${base}/nope`);
    assert.equal(nope.status, 400, kind);
    assert.equal((await nope.json()).errors[0].code, 'ROUTE_NOT_FOUND', kind);
    const post = await fetch(`${base}/hello`, { method: 'POST' });
    assert.equal(post.status, 400, kind);
    assert.equal((await post.json()).errors[0].code, 'METHOD_NOT_ALLOWED', kind);
  } finally {
    server.close();
  }
}
