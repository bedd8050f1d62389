/**
 * What docs/schemas/ must hold: one file per standalone schema, named after
 * its `$id`, written as 2-space JSON with a final newline. Shared by the
 * drift test and the script that writes the files.
 */
import { join } from 'node:path';
import { ENVELOPE_JSON_SCHEMAS, SCHEMA_BASE_URI } from 'kompliant-envelope/openapi';

/** docs/schemas/ of this repository. */
export const SCHEMA_DIR = join(__dirname, '..', '..', 'docs', 'schemas');

/** The command that rewrites the files. */
export const REGENERATE_COMMAND = 'npx tsx test/openapi/write-schemas.ts';

/** Each schema's file name and exact text. */
export function expectedSchemaFiles(): { file: string; text: string }[] {
  return ENVELOPE_JSON_SCHEMAS.map((schema) => {
    const id = schema['$id'];
    if (typeof id !== 'string' || !id.startsWith(SCHEMA_BASE_URI)) throw new Error(`Unexpected $id ${String(id)}`);
    return { file: id.slice(SCHEMA_BASE_URI.length), text: `${JSON.stringify(schema, null, 2)}\n` };
  });
}
