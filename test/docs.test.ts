/**
 * The code shown in README.md and the guides (docs/*.md; not docs/api, which
 * TypeDoc generates) imports only what the package exports: every name
 * imported or required from `kompliant-envelope` or
 * `kompliant-envelope/<subpath>` must be exported at that path, so moving a
 * name breaks this test instead of a reader's copy of the example. Runtime
 * names are read from the real modules (through Jest's mapping of the
 * package names onto src/), type names from the TypeScript checker.
 *
 * A block preceded by `<!-- docs-test: typecheck -->` is a whole program and
 * is type-checked as it stands (TypeScript, or JavaScript with checkJs).
 *
 * The README's status table is also checked against the catalog, and every
 * relative link (file and heading) and every repository path named in
 * backticks must exist.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { STANDARD_ERRORS, ERROR_STATUSES } from 'kompliant-envelope/core';
import { ENVELOPE_JSON_SCHEMAS, SCHEMA_BASE_URI } from 'kompliant-envelope/openapi';

const ROOT = path.resolve(__dirname, '..');
const PACKAGE = 'kompliant-envelope';
const TYPECHECK_MARKER = '<!-- docs-test: typecheck -->';
const CODE_LANGUAGES = new Set(['ts', 'typescript', 'js', 'javascript', 'mjs', 'cjs']);

interface CodeBlock {
  readonly file: string;
  /** 1-based line of the block's first code line. */
  readonly line: number;
  readonly language: string;
  readonly code: string;
  readonly typecheck: boolean;
}

interface ImportUse {
  readonly specifier: string;
  /** Names taken from the module; empty for a namespace or side-effect import. */
  readonly names: readonly { readonly name: string; readonly typeOnly: boolean }[];
  readonly hasDefault: boolean;
  /** Offset of the statement in the block, for the line number. */
  readonly index: number;
}

function documentationFiles(): string[] {
  const guides = readdirSync(path.join(ROOT, 'docs'), { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
    .map((entry) => path.join('docs', entry.name))
    .sort();
  return ['README.md', ...guides];
}

function codeBlocks(file: string): CodeBlock[] {
  const lines = readFileSync(path.join(ROOT, file), 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/.exec(lines[i] ?? '');
    if (open === null) continue;
    const [, indent = '', fence = '```', info = ''] = open;
    let end = i + 1;
    while (end < lines.length && !(lines[end] ?? '').trimStart().startsWith(fence)) end++;
    const language = info.toLowerCase();
    if (CODE_LANGUAGES.has(language)) {
      let previous = i - 1;
      while (previous >= 0 && (lines[previous] ?? '').trim() === '') previous--;
      blocks.push({
        file,
        line: i + 2,
        language,
        code: lines
          .slice(i + 1, end)
          .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line))
          .join('\n'),
        typecheck: (lines[previous] ?? '').trim() === TYPECHECK_MARKER,
      });
    }
    i = end;
  }
  return blocks;
}

const isPackageSpecifier = (specifier: string): boolean =>
  specifier === PACKAGE || specifier.startsWith(`${PACKAGE}/`);

/** `a, type B, c as d` → names; `b: c` in a destructuring → `b`. */
function namedList(list: string, separator: 'as' | ':'): { name: string; typeOnly: boolean }[] {
  return list
    .split(',')
    .map((part) => part.replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '').trim())
    .filter((part) => part !== '' && !part.startsWith('...'))
    .map((part) => {
      const typeOnly = /^type\s+/.test(part);
      const bare = part.replace(/^type\s+/, '');
      const name = (separator === 'as' ? bare.split(/\s+as\s+/)[0] : bare.split(/[:=]/)[0]) ?? '';
      return { name: name.trim(), typeOnly };
    });
}

function importsOf(code: string): ImportUse[] {
  const uses: ImportUse[] = [];
  // import … from '…' / export … from '…' (possibly over several lines; a clause holds no quote or
  // semicolon, so `export const x = '…'` is not read as one), and import '…'.
  const staticForm = /^[ \t]*(import|export)\s+(type\s+)?([^;'"]*?)\s*from\s*['"]([^'"]+)['"]|^[ \t]*import\s+['"]([^'"]+)['"]/gm;
  for (const match of code.matchAll(staticForm)) {
    const specifier = match[4] ?? match[5] ?? '';
    if (!isPackageSpecifier(specifier)) continue;
    const typeOnlyStatement = match[2] !== undefined;
    const clause = (match[3] ?? '').trim();
    const braces = /\{([\s\S]*)\}/.exec(clause);
    const outside = clause.replace(/\{[\s\S]*\}/, '').replace(/,/g, ' ').trim();
    uses.push({
      specifier,
      names: braces ? namedList(braces[1] ?? '', 'as').map((n) => ({ ...n, typeOnly: n.typeOnly || typeOnlyStatement })) : [],
      hasDefault: outside !== '' && !outside.startsWith('*'),
      index: match.index ?? 0,
    });
  }
  // const { a, b: c } = require('…') / await import('…'); require('…').name; any other require/import('…').
  const dynamicForm = /(?:const|let|var)\s*\{([^}]*)\}\s*=\s*(?:await\s+)?(?:require|import)\(\s*['"]([^'"]+)['"]\s*\)|(?:require|import)\(\s*['"]([^'"]+)['"]\s*\)(?:\.(\w+))?/g;
  for (const match of code.matchAll(dynamicForm)) {
    const specifier = match[2] ?? match[3] ?? '';
    if (!isPackageSpecifier(specifier)) continue;
    const names = match[1] !== undefined ? namedList(match[1], ':') : match[4] !== undefined ? [{ name: match[4], typeOnly: false }] : [];
    uses.push({ specifier, names, hasDefault: false, index: match.index ?? 0 });
  }
  return uses;
}

const packageJson = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  exports: Record<string, unknown>;
};
/** `kompliant-envelope`, `kompliant-envelope/core`, … as the exports map lists them. */
const ENTRY_POINTS = Object.keys(packageJson.exports)
  .filter((key) => key === '.' || (!key.includes('*') && key !== './package.json'))
  .map((key) => (key === '.' ? PACKAGE : `${PACKAGE}/${key.slice(2)}`));
const sourceOf = (specifier: string): string =>
  specifier === PACKAGE ? 'src/index.ts' : `src/${specifier.slice(PACKAGE.length + 1)}/index.ts`;

function compilerOptions(): ts.CompilerOptions {
  const configPath = path.join(ROOT, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, (file) => ts.sys.readFile(file));
  return ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT).options;
}

interface ModuleExports {
  readonly values: ReadonlySet<string>;
  readonly all: ReadonlySet<string>;
}

/** Every entry point's run-time names (the real module) and all names (values and types). */
function readExports(): Map<string, ModuleExports> {
  const program = ts.createProgram(
    ENTRY_POINTS.map((specifier) => path.join(ROOT, sourceOf(specifier))),
    { ...compilerOptions(), noEmit: true },
  );
  const checker = program.getTypeChecker();
  const result = new Map<string, ModuleExports>();
  for (const specifier of ENTRY_POINTS) {
    const sourceFile = program.getSourceFile(path.join(ROOT, sourceOf(specifier)));
    const moduleSymbol = sourceFile && checker.getSymbolAtLocation(sourceFile);
    if (moduleSymbol === undefined) throw new Error(`${sourceOf(specifier)} is not a module`);
    const all = new Set(checker.getExportsOfModule(moduleSymbol).map((symbol) => symbol.getName()));
    const values = new Set(Object.keys(require(specifier) as object));
    result.set(specifier, { values, all });
  }
  return result;
}

const BLOCKS = documentationFiles().flatMap(codeBlocks);
const SCHEMA_FILES = new Set(
  ENVELOPE_JSON_SCHEMAS.map((schema) => String(schema.$id).slice(SCHEMA_BASE_URI.length)),
);

describe('documentation code', () => {
  let exportsByModule: Map<string, ModuleExports>;
  beforeAll(() => {
    exportsByModule = readExports();
  }, 60_000);

  it('finds the code blocks of the README and the guides', () => {
    expect(BLOCKS.filter((block) => block.file === 'README.md').length).toBeGreaterThanOrEqual(2);
    expect(BLOCKS.filter((block) => importsOf(block.code).length > 0).length).toBeGreaterThan(20);
  });

  it('imports only names the package exports at that path', () => {
    const problems: string[] = [];
    let checked = 0;
    for (const block of BLOCKS) {
      const javascript = !['ts', 'typescript'].includes(block.language);
      for (const use of importsOf(block.code)) {
        const where = `${block.file}:${block.line + block.code.slice(0, use.index).split('\n').length - 1}`;
        if (use.specifier.startsWith(`${PACKAGE}/schemas/`)) {
          const file = use.specifier.slice(`${PACKAGE}/schemas/`.length);
          if (!SCHEMA_FILES.has(file)) problems.push(`${where}: ${use.specifier} is not one of the schemas (${[...SCHEMA_FILES].join(', ')})`);
          continue;
        }
        const exported = exportsByModule.get(use.specifier);
        if (exported === undefined) {
          problems.push(`${where}: ${use.specifier} is not an entry point (${ENTRY_POINTS.join(', ')})`);
          continue;
        }
        if (use.hasDefault) problems.push(`${where}: ${use.specifier} has no default export; import names in braces`);
        for (const { name, typeOnly } of use.names) {
          checked++;
          const found = javascript || !typeOnly ? exported.values.has(name) || (!javascript && exported.all.has(name)) : exported.all.has(name);
          if (found) continue;
          const elsewhere = [...exportsByModule].filter(([, e]) => e.all.has(name)).map(([specifier]) => specifier);
          problems.push(
            `${where}: \`${name}\` is not exported by ${use.specifier}` +
              (elsewhere.length > 0 ? `; it is exported by ${elsewhere.join(', ')}` : '') +
              (javascript && exported.all.has(name) ? ' (as a type only, which JavaScript cannot import)' : ''),
          );
        }
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(50);
  });

  it('type-checks the blocks marked as whole programs', () => {
    const marked = BLOCKS.filter((block) => block.typecheck);
    expect(marked.length).toBeGreaterThanOrEqual(3);
    const virtual = new Map<string, string>();
    for (const [n, block] of marked.entries()) {
      const commonjs = block.language === 'cjs' || (block.language !== 'mjs' && /\brequire\(/.test(block.code) && !/^\s*import\s/m.test(block.code));
      const extension = ['ts', 'typescript'].includes(block.language) ? (commonjs ? '.cts' : '.mts') : commonjs ? '.cjs' : '.mjs';
      const name = `${block.file.replace(/[/.]/g, '-')}-${block.line}`;
      virtual.set(path.join(ROOT, 'test', '.docs-blocks', `${String(n).padStart(2, '0')}-${name}${extension}`), block.code);
    }
    const options: ts.CompilerOptions = {
      ...compilerOptions(),
      noEmit: true,
      allowJs: true,
      checkJs: true,
      noUnusedLocals: false,
      noUnusedParameters: false,
      types: ['node'],
    };
    const host = ts.createCompilerHost(options);
    const { getSourceFile, fileExists, readFile } = host;
    host.fileExists = (file) => virtual.has(file) || fileExists.call(host, file);
    host.readFile = (file) => virtual.get(file) ?? readFile.call(host, file);
    host.getSourceFile = (file, languageVersion, ...rest) => {
      const text = virtual.get(file);
      return text === undefined ? getSourceFile.call(host, file, languageVersion, ...rest) : ts.createSourceFile(file, text, languageVersion, true);
    };
    const program = ts.createProgram([...virtual.keys()], options, host);
    const diagnostics = [...virtual.keys()].flatMap((file) => {
      const sourceFile = program.getSourceFile(file);
      return sourceFile ? [...program.getSyntacticDiagnostics(sourceFile), ...program.getSemanticDiagnostics(sourceFile)] : [];
    });
    const messages = diagnostics.map((diagnostic) => {
      const file = diagnostic.file;
      const block = marked[Number(path.basename(file?.fileName ?? '').slice(0, 2))];
      const { line } = file && diagnostic.start !== undefined ? file.getLineAndCharacterOfPosition(diagnostic.start) : { line: 0 };
      return `${block?.file}:${(block?.line ?? 0) + line}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
    });
    expect(messages).toEqual([]);
  }, 60_000);
});

describe('the README status table', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const rows = new Map(
    [...readme.matchAll(/^\| (\d{3}) \|(.*)\|$/gm)].map((match) => [Number(match[1]), match[2] ?? '']),
  );

  it.each(ERROR_STATUSES.map((status) => [status]))('lists %i with every standard code of that status', (status) => {
    const row = rows.get(status);
    expect(row).toBeDefined();
    const codes = Object.entries(STANDARD_ERRORS)
      .filter(([, definition]) => definition.status === status)
      .map(([code]) => code);
    for (const code of codes) expect(row).toContain(`\`${code}\``);
    for (const [code, definition] of Object.entries(STANDARD_ERRORS)) {
      if (definition.status !== status) expect(row).not.toContain(`\`${code}\``);
    }
  });

  it('lists 200 and no status the spec does not use', () => {
    expect(rows.has(200)).toBe(true);
    expect([...rows.keys()].sort()).toEqual([200, ...ERROR_STATUSES].sort());
  });
});

/** GitHub's anchor for a heading: lower case, punctuation dropped, each space a hyphen. */
function slug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*\\]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/^(`{3,}|~{3,})[\s\S]*?^\1/gm, '');
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const match of text.matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const base = slug(match[1] ?? '');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  for (const match of text.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(match[1] ?? '');
  return anchors;
}

describe('documentation links', () => {
  const files = documentationFiles();
  const withoutCode = (file: string): string =>
    readFileSync(path.join(ROOT, file), 'utf8').replace(/^\s*(`{3,}|~{3,})[\s\S]*?^\s*\1/gm, '');

  it.each(files.map((file) => [file]))('%s links only to files and headings that exist', (file) => {
    const problems: string[] = [];
    for (const match of withoutCode(file).matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = match[1] ?? '';
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
      const [pathPart = '', anchor] = target.split('#');
      const resolved = pathPart === '' ? path.join(ROOT, file) : path.resolve(path.dirname(path.join(ROOT, file)), pathPart);
      if (!existsSync(resolved)) {
        problems.push(`${target}: no such file`);
        continue;
      }
      if (anchor !== undefined && resolved.endsWith('.md') && !anchorsOf(resolved).has(anchor)) {
        problems.push(`${target}: no such heading in ${path.relative(ROOT, resolved)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it.each(files.map((file) => [file]))('%s names only repository paths that exist', (file) => {
    const named = [...withoutCode(file).matchAll(/`((?:src|test|examples|bench)\/[\w./-]+\.(?:ts|mjs|cjs|json|sh))`/g)]
      .map((match) => match[1] ?? '')
      .filter((named) => !named.startsWith('bench/results/'));
    expect(named.filter((named) => !existsSync(path.join(ROOT, named)))).toEqual([]);
  });
});
