/**
 * Writes docs/schemas/*.json from the exported schema constants:
 * `npx tsx test/openapi/write-schemas.ts`. schema-files.test.ts fails until
 * the files match the constants again.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCHEMA_DIR, expectedSchemaFiles } from './schema-files.js';

mkdirSync(SCHEMA_DIR, { recursive: true });
for (const { file, text } of expectedSchemaFiles()) {
  writeFileSync(join(SCHEMA_DIR, file), text);
  process.stdout.write(`wrote docs/schemas/${file}\n`);
}
