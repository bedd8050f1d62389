// Writes exports.ts (CommonJS resolution) and exports.mts (ESM resolution):
// an `import type` of every export, value or type, that public-api.json lists,
// so tsc fails on any name the published .d.ts files lack.
import { readFileSync, writeFileSync } from 'node:fs';

const publicApi = JSON.parse(readFileSync(new URL('public-api.json', import.meta.url), 'utf8'));
const lines = ['// Written by type-imports.mjs from public-api.json.'];
Object.entries(publicApi).forEach(([specifier, { values, types }], i) => {
  const names = [...values, ...types].map((name) => `${name} as _${i}_${name}`);
  lines.push(`import type { ${names.join(', ')} } from '${specifier}';`);
});
lines.push('export {};', '');
writeFileSync('exports.ts', lines.join('\n'));
writeFileSync('exports.mts', lines.join('\n'));
