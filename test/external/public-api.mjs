// The public API, one list per entry point of package.json "exports": the
// run-time names (values) and the type-only names (types) that
// src/index.ts and src/<subpath>/index.ts export. public-api.json is the
// committed list the pack smoke test checks the tarball against, so renaming,
// adding or dropping an export is a visible change of that file.
//
//   node test/external/public-api.mjs          fails when public-api.json and src/ differ
//   node test/external/public-api.mjs --write  rewrites public-api.json from src/
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const listFile = fileURLToPath(new URL('public-api.json', import.meta.url));
const ts = createRequire(import.meta.url)('typescript');

/** The exports of one index file, read from its syntax; `export *` is refused (every export is listed by name). */
function exportsOf(file) {
  const source = ts.createSourceFile(file, readFileSync(`${root}/${file}`, 'utf8'), ts.ScriptTarget.Latest);
  const values = [];
  const types = [];
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement)) {
      if (!statement.exportClause || !ts.isNamedExports(statement.exportClause)) {
        throw new Error(`${file}: \`export *\` — list every export by name`);
      }
      for (const element of statement.exportClause.elements) {
        (statement.isTypeOnly || element.isTypeOnly ? types : values).push(element.name.text);
      }
    } else if (ts.getCombinedModifierFlags(statement) & ts.ModifierFlags.Export) {
      const isType = ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement);
      const names = ts.isVariableStatement(statement)
        ? statement.declarationList.declarations.map((declaration) => declaration.name.getText(source))
        : [statement.name.text];
      (isType ? types : values).push(...names);
    }
  }
  return { values: values.sort(), types: types.sort() };
}

const { exports } = JSON.parse(readFileSync(`${root}/package.json`, 'utf8'));
const fromSource = {};
for (const key of Object.keys(exports)) {
  if (key === './package.json' || key.includes('*')) continue;
  const specifier = key === '.' ? 'kompliant-envelope' : `kompliant-envelope/${key.slice(2)}`;
  fromSource[specifier] = exportsOf(key === '.' ? 'src/index.ts' : `src/${key.slice(2)}/index.ts`);
}

if (process.argv.includes('--write')) {
  writeFileSync(listFile, `${JSON.stringify(fromSource, null, 2)}\n`);
  console.log(`public-api: wrote ${Object.keys(fromSource).length} entry points to test/external/public-api.json`);
  process.exit(0);
}

const listed = JSON.parse(readFileSync(listFile, 'utf8'));
const problems = [];
for (const specifier of new Set([...Object.keys(listed), ...Object.keys(fromSource)])) {
  for (const kind of ['values', 'types']) {
    const want = new Set(listed[specifier]?.[kind] ?? []);
    const have = new Set(fromSource[specifier]?.[kind] ?? []);
    for (const name of have) if (!want.has(name)) problems.push(`${specifier} exports ${kind.slice(0, -1)} ${name}, which public-api.json does not list`);
    for (const name of want) if (!have.has(name)) problems.push(`public-api.json lists ${kind.slice(0, -1)} ${name} of ${specifier}, which src/ no longer exports`);
  }
}
if (problems.length > 0) {
  console.error(`public-api: src/ and test/external/public-api.json differ:\n  ${problems.join('\n  ')}`);
  console.error('If the change is meant, run `node test/external/public-api.mjs --write` and note the change in CHANGELOG.md.');
  process.exit(1);
}
const counts = Object.values(listed).reduce((sum, { values, types }) => [sum[0] + values.length, sum[1] + types.length], [0, 0]);
console.log(`public-api: ${Object.keys(listed).length} entry points, ${counts[0]} run-time and ${counts[1]} type exports, as listed`);
