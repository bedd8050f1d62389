/**
 * docs/schemas/*.json are the exported schema constants, byte for byte. The
 * test only compares; `npx tsx test/openapi/write-schemas.ts` rewrites them.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ENVELOPE_JSON_SCHEMAS } from 'kompliant-envelope/openapi';
import { REGENERATE_COMMAND, SCHEMA_DIR, expectedSchemaFiles } from './schema-files.js';

describe('docs/schemas', () => {
  const expected = expectedSchemaFiles();

  it('has the four envelope files the docs link to, among one file per exported schema', () => {
    const files = expected.map(({ file }) => file);
    expect(files).toEqual(expect.arrayContaining(['success-envelope.json', 'error-envelope.json', 'batch-envelope.json', 'envelope.json']));
    expect(files).toHaveLength(ENVELOPE_JSON_SCHEMAS.length);
    expect(new Set(files).size).toBe(files.length);
  });

  it.each(expected.map(({ file, text }) => [file, text]))('%s equals the exported constant', (file, text) => {
    const path = join(SCHEMA_DIR, file);
    if (!existsSync(path)) throw new Error(`docs/schemas/${file} is missing: run \`${REGENERATE_COMMAND}\` to regenerate.`);
    const actual = readFileSync(path, 'utf8');
    if (actual !== text) {
      throw new Error(`docs/schemas/${file} differs from the exported schema: run \`${REGENERATE_COMMAND}\` to regenerate.`);
    }
    expect(JSON.parse(actual)).toEqual(JSON.parse(text));
  });

  it('holds no stale schema file', () => {
    const stale = readdirSync(SCHEMA_DIR).filter((file) => !expected.some((entry) => entry.file === file));
    if (stale.length > 0) {
      throw new Error(`docs/schemas has files no schema makes (${stale.join(', ')}): delete them, then run \`${REGENERATE_COMMAND}\`.`);
    }
  });
});
