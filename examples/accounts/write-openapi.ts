/**
 * `npm run openapi [-- <file>]`: writes the demo's OpenAPI 3.1 document,
 * generated from its router, to `<file>` (default `openapi.json` in the
 * current directory). The same few lines serve any app: build it without
 * listening, then `openApiDocument(app, { info })`.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import express from 'express';
import { openApiDocument } from 'kompliant-envelope/openapi';
import { createApp } from './app.js';
import { OPENAPI_INFO, OPENAPI_SERVERS, OPENAPI_TAGS } from './openapi.js';

async function main(file: string): Promise<void> {
  const document = openApiDocument(createApp(express), { info: OPENAPI_INFO, servers: OPENAPI_SERVERS, tags: OPENAPI_TAGS });
  await writeFile(file, `${JSON.stringify(document, null, 2)}\n`);
  const operations = Object.values(document.paths).reduce((count, item) => count + Object.keys(item).length, 0);
  process.stdout.write(`wrote ${file}: OpenAPI ${document.openapi}, ${operations} operations\n`);
}

// A CommonJS package: no top-level await.
main(resolve(process.argv[2] ?? 'openapi.json')).catch((error: unknown) => {
  process.stderr.write(`openapi: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
