/**
 * The shape of src/ (STYLE.md, "For this project" 1, 2 and 11), read from the
 * import graph that madge builds (type-only imports included): no cycles
 * between files or between folders; core/ imports only itself and nothing of
 * Node or npm, as does client/ besides core/ (both run in browsers); express/
 * builds on core/ only; every subpath folder on core/ and express/ only; the
 * root index on express/ and core/; nothing imports the root index.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import ts from 'typescript';

/** The part of madge's API used here (madge is CommonJS and has no types). */
interface MadgeGraph {
  obj(): Record<string, string[]>;
  circular(): string[][];
  warnings(): { skipped: string[] };
}
const madge = require('madge') as (path: string, config: object) => Promise<MadgeGraph>;

const SRC = join(__dirname, '..', 'src');
const TSCONFIG = join(__dirname, '..', 'tsconfig.json');
/** madge reads .ts files, resolves './x.js' to x.ts through the tsconfig, and keeps `import type`. */
const MADGE_CONFIG = {
  fileExtensions: ['ts'],
  tsConfig: TSCONFIG,
  detectiveOptions: { ts: { skipTypeImports: false, mixedImports: true } },
};

/** The root index is its own node, `.`; every other file belongs to its top folder. */
const ROOT = '.';
function folderOf(file: string): string {
  const slash = file.indexOf('/');
  return slash < 0 ? ROOT : file.slice(0, slash);
}

/** What each folder may import besides itself; a folder not listed is a subpath's, on `SUBPATH_MAY_IMPORT`. */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  [ROOT]: ['core', 'express'],
  core: [],
  express: ['core'],
  client: ['core'],
};
const SUBPATH_MAY_IMPORT: readonly string[] = ['core', 'express'];
/** Folders whose code runs in browsers: no Node built-in, no package, no Node global. */
const BROWSER_FOLDERS: readonly string[] = ['core', 'client'];

/** Every cycle that a depth-first walk meets (each closing edge once), as `a → b → a`. */
function findCycles(graph: Readonly<Record<string, Iterable<string>>>): string[][] {
  const cycles: string[][] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (node: string): void => {
    path.push(node);
    for (const next of graph[node] ?? []) {
      const at = path.indexOf(next);
      if (at >= 0) cycles.push([...path.slice(at), next]);
      else if (!done.has(next)) visit(next);
    }
    path.pop();
    done.add(node);
  };
  for (const node of Object.keys(graph)) if (!done.has(node)) visit(node);
  return cycles;
}

/** The folder graph: an edge for each folder that a file of another folder imports. */
function folderGraph(files: Readonly<Record<string, readonly string[]>>): Record<string, Set<string>> {
  const graph: Record<string, Set<string>> = {};
  for (const [file, imports] of Object.entries(files)) {
    const from = folderOf(file);
    graph[from] ??= new Set();
    for (const imported of imports) if (folderOf(imported) !== from) graph[from].add(folderOf(imported));
  }
  return graph;
}

describe('the architecture of src/', () => {
  let files: Record<string, string[]>;
  let fileCycles: string[][];

  beforeAll(async () => {
    const graph = await madge(SRC, MADGE_CONFIG);
    expect(graph.warnings().skipped).toEqual([]);
    files = graph.obj();
    fileCycles = graph.circular();
  });

  it('is the graph of every source file (so the checks below are not vacuous)', () => {
    const onDisk = readdirSync(SRC, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .map((file) => file.split('\\').join('/'));
    expect(Object.keys(files).sort()).toEqual(onDisk.sort());
    expect(files['index.ts']).toContain('express/envelope.ts');
    expect(files['express/envelope.ts']).toEqual(expect.arrayContaining([expect.stringMatching(/^core\//)]));
  });

  it('has no import cycle between files', () => {
    expect(fileCycles.map((cycle) => [...cycle, cycle[0]].join(' → '))).toEqual([]);
  });

  it('has no import cycle between folders', () => {
    expect(findCycles(folderGraph(files)).map((cycle) => cycle.join(' → '))).toEqual([]);
  });

  it('keeps each folder to the folders it may import', () => {
    const stray: string[] = [];
    for (const [file, imports] of Object.entries(files)) {
      const from = folderOf(file);
      const allowed = [from, ...(MAY_IMPORT[from] ?? SUBPATH_MAY_IMPORT)];
      for (const imported of imports) {
        if (!allowed.includes(folderOf(imported))) stray.push(`${file} imports ${imported} (${from} may import only ${allowed.join(', ')})`);
      }
    }
    expect(stray).toEqual([]);
  });

  it('never imports the root index (the package entry) from inside', () => {
    const importers = Object.entries(files).filter(([, imports]) => imports.includes('index.ts')).map(([file]) => file);
    expect(importers).toEqual([]);
  });

  it.each(BROWSER_FOLDERS)('%s/ imports no Node built-in and no package, only relative paths', (folder) => {
    const stray: string[] = [];
    for (const file of Object.keys(files).filter((name) => folderOf(name) === folder)) {
      const info = ts.preProcessFile(readFileSync(join(SRC, file), 'utf8'), true, true);
      for (const { fileName } of info.importedFiles) {
        const target = posix.normalize(posix.join(posix.dirname(file), fileName));
        const allowed = [folder, ...(MAY_IMPORT[folder] ?? [])];
        if (!fileName.startsWith('.') || !allowed.includes(folderOf(target))) stray.push(`${file} imports '${fileName}'`);
      }
      for (const reference of [...info.referencedFiles, ...info.typeReferenceDirectives]) {
        stray.push(`${file} references '${reference.fileName}'`);
      }
    }
    expect(stray).toEqual([]);
  });

  it(`compiles ${BROWSER_FOLDERS.join('/ and ')}/ against a browser's globals (ES2022 and the DOM, no Node types)`, () => {
    const roots = Object.keys(files).filter((file) => BROWSER_FOLDERS.includes(folderOf(file))).map((file) => join(SRC, file));
    const { config } = ts.readConfigFile(TSCONFIG, (path) => ts.sys.readFile(path));
    const { options } = ts.parseJsonConfigFileContent(config, ts.sys, dirname(TSCONFIG));
    const browser: ts.CompilerOptions = { ...options, lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], types: [], noEmit: true };
    // V8's Error.stackTraceLimit, which other engines ignore: core/ sets it to skip stack capture.
    const v8Extras = join(SRC, '__v8-extras.d.ts');
    const host = ts.createCompilerHost(browser);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (name, version, ...rest) =>
      name === v8Extras
        ? ts.createSourceFile(name, 'interface ErrorConstructor { stackTraceLimit: number }', version)
        : getSourceFile(name, version, ...rest);
    const program = ts.createProgram([...roots, v8Extras], browser, host);
    const outside = program.getSourceFiles().filter((source) => !source.fileName.startsWith(ts.sys.resolvePath(SRC)) && !program.isSourceFileDefaultLibrary(source));
    expect(outside.map((source) => source.fileName)).toEqual([]);
    const diagnostics = ts.getPreEmitDiagnostics(program);
    expect(ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (name) => name, getCurrentDirectory: () => SRC, getNewLine: () => '\n' })).toBe('');
  });
});

describe('the cycle checks themselves', () => {
  it('findCycles finds a cycle between folders, and none in a tree', () => {
    expect(findCycles({ core: [], express: ['core'], auth: ['express', 'core'] })).toEqual([]);
    expect(findCycles({ core: ['auth'], express: ['core'], auth: ['express'] })).toEqual([['core', 'auth', 'express', 'core']]);
  });

  it('madge, configured as above, sees a cycle through `./x.js` imports of .ts files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kompliant-cycle-'));
    try {
      writeFileSync(join(dir, 'a.ts'), "import { b } from './b.js';\nexport const a = (): number => b() + 1;\n");
      writeFileSync(join(dir, 'b.ts'), "import type { a } from './a.js';\nexport const b = (): number => 0;\nexport type A = typeof a;\n");
      const graph = await madge(dir, MADGE_CONFIG);
      expect(graph.circular()).toEqual([['a.ts', 'b.ts']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
