// `npm run prepare`, which npm runs after `npm install` and `npm ci` in this
// repository, and when it installs the package from a git URL (with the
// devDependencies, so TypeScript is there): builds dist/ unless it is already
// newer than every file it is built from. A git-URL install starts without
// dist/ and builds; a second `npm ci` in a working copy costs a few stats.
// `npm pack` always builds first (prepack), whatever this decides.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

process.chdir(fileURLToPath(new URL('..', import.meta.url)));

/** The newest modification time under `path` (a file or a folder), 0 when it is missing. */
function newest(path) {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    return 0;
  }
  if (!stats.isDirectory()) return stats.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

/** The oldest of the build's outputs, 0 when one is missing. */
const outputs = ['dist/cjs/index.js', 'dist/esm/index.js', 'dist/schemas/envelope.json'].map((file) => newest(file));
const built = Math.min(...outputs);
const sources = ['src', 'scripts/build.mjs', 'tsconfig.build.json', 'tsconfig.cjs.json', 'tsconfig.esm.json', 'package.json'];
const changed = sources.filter((source) => newest(source) > built);

if (built > 0 && changed.length === 0) {
  console.error('prepare: dist/ is newer than src/, nothing to build (npm run build rebuilds it)');
} else {
  try {
    createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    // `npm install ../kompliant-envelope` links the folder and runs this without installing its dependencies.
    console.error(
      `prepare: cannot build dist/ in ${process.cwd()}: its devDependencies are not installed. ` +
        'Run npm ci there first (it builds dist/), or install from a git URL or an npm pack tarball.',
    );
    process.exit(1);
  }
  console.error(built === 0 ? 'prepare: no dist/ yet, building it' : `prepare: ${changed.join(', ')} changed since the last build, building dist/`);
  const { status, error } = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  if (error !== undefined) throw error;
  process.exitCode = status ?? 1;
}
