/**
 * `kompliant-envelope/client` runs in browsers: nothing it imports, directly
 * or through `src/core`, may reach Express or a Node built-in.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const SRC = resolve(__dirname, '../../src');
const IMPORT = /^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gm;

/** Every module the client entry point reaches, with its imports. */
function reachable(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    const specifiers = [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((match) => match[1] as string);
    seen.set(file, specifiers);
    for (const specifier of specifiers) {
      if (specifier.startsWith('.')) visit(join(dirname(file), specifier.replace(/\.js$/, '.ts')));
    }
  };
  visit(entry);
  return seen;
}

describe('client portability', () => {
  it('reaches only its own files and the framework-free core, with no package or Node import', () => {
    const modules = reachable(join(SRC, 'client/index.ts'));
    const external = [...modules.values()].flat().filter((specifier) => !specifier.startsWith('.'));
    expect(external).toEqual([]);
    const files = [...modules.keys()].map((file) => file.slice(SRC.length + 1)).sort();
    expect(files.filter((file) => !file.startsWith('client/'))).toEqual([
      'core/bound.ts',
      'core/envelope.ts',
      'core/headers.ts',
      'core/options.ts',
      'core/signature.ts',
    ]);
  });

  it('kompliant-envelope/core reaches only core files, with no package or Node import', () => {
    const modules = reachable(join(SRC, 'core/index.ts'));
    expect([...modules.values()].flat().filter((specifier) => !specifier.startsWith('.'))).toEqual([]);
    const files = [...modules.keys()].map((file) => file.slice(SRC.length + 1));
    expect(files.filter((file) => !file.startsWith('core/'))).toEqual([]);
  });
});
