// `npm run build`: dist/esm and dist/cjs from src/, then dist/schemas from the
// schema constants of src/openapi/json-schema.ts (their one source of truth).
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
process.chdir(fileURLToPath(new URL('..', import.meta.url)));

rmSync('dist', { recursive: true, force: true });
// The .d.ts files keep the TSDoc (editors show it); the .js files drop every
// comment, which keeps the tarball small. tsc cannot do both in one pass.
// The declarations are written once, in dist/cjs: the ESM entry points'
// declarations re-export them (below), so both builds share one set of types.
const tsc = require.resolve('typescript/bin/tsc');
const passes = [
  [tsc, '-p', 'tsconfig.cjs.json', '--emitDeclarationOnly'],
  [tsc, '-p', 'tsconfig.cjs.json', '--declaration', 'false', '--removeComments'],
  [tsc, '-p', 'tsconfig.esm.json', '--declaration', 'false', '--removeComments'],
];
const failed = await Promise.all(passes.map((args) => new Promise((resolve, reject) => {
  spawn(process.execPath, args, { stdio: 'inherit' }).on('error', reject).on('exit', (code) => resolve(code !== 0));
})));
if (failed.some(Boolean)) {
  console.error('build: tsc failed');
  process.exit(1);
}
// Each build says its module kind, so Node reads dist/esm as ESM whatever the root's "type".
writeFileSync('dist/esm/package.json', JSON.stringify({ type: 'module' }));
writeFileSync('dist/cjs/package.json', JSON.stringify({ type: 'commonjs' }));
// Each ESM entry point's types: an ES module that re-exports the CommonJS
// declarations of the same entry point (the same source, so the same types).
const { exports: entries } = JSON.parse(readFileSync('package.json', 'utf8'));
for (const entry of Object.values(entries)) {
  const esmTypes = entry?.import?.types;
  const cjsTypes = entry?.require?.types;
  if (esmTypes === undefined) continue;
  const target = relative(dirname(esmTypes), cjsTypes).replace(/\.d\.ts$/, '.js');
  writeFileSync(esmTypes, `export * from '${target.startsWith('.') ? target : `./${target}`}';\n`);
}
// tsc cannot emit `require` for an ES module: the ESM build gets its hand-written twin of peer.ts.
copyFileSync('src/rate-limit/peer.esm.js', 'dist/esm/rate-limit/peer.js');

// kompliant-envelope/schemas/<file>: one file per standalone schema, named after its $id.
const { ENVELOPE_JSON_SCHEMAS, SCHEMA_BASE_URI } = require('../dist/cjs/openapi/json-schema.js');
mkdirSync('dist/schemas');
const written = new Set();
for (const schema of ENVELOPE_JSON_SCHEMAS) {
  const id = schema.$id;
  const file = typeof id === 'string' && id.startsWith(SCHEMA_BASE_URI) ? id.slice(SCHEMA_BASE_URI.length) : '';
  if (!/^[a-z][a-z-]*\.json$/.test(file) || written.has(file)) {
    throw new Error(`build: the schema $id ${String(id)} does not name a new file under ${SCHEMA_BASE_URI}`);
  }
  written.add(file);
  writeFileSync(`dist/schemas/${file}`, `${JSON.stringify(schema, null, 2)}\n`);
}
console.error(`build: dist/esm, dist/cjs, dist/schemas (${[...written].join(', ')})`);
