/**
 * Shared by the openapi tests: an Ajv 2020-12 instance holding every
 * standalone schema, Ajv validators for schemas that live inside an OpenAPI
 * document, and the OpenAPI document validator (run in a child process).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { ENVELOPE_JSON_SCHEMAS, SCHEMA_BASE_URI } from 'kompliant-envelope/openapi';

/** A strict Ajv 2020-12 with ajv-formats, no schema added. */
export function bareAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  return ajv;
}

/** `bareAjv()` with every schema of `ENVELOPE_JSON_SCHEMAS` added. */
export function envelopeAjv(): Ajv2020 {
  const ajv = bareAjv();
  // Ajv keeps the schemas it is given; hand it copies, the constants are frozen.
  for (const schema of ENVELOPE_JSON_SCHEMAS) ajv.addSchema(structuredClone(schema) as object);
  return ajv;
}

/** The compiled validator of the standalone schema `file` (`success-envelope.json`, …). */
export function validatorOf(ajv: Ajv2020, file: string): ValidateFunction {
  const validate = ajv.getSchema(`${SCHEMA_BASE_URI}${file}`);
  if (validate === undefined) throw new Error(`No schema ${file}`);
  return validate;
}

/** Escapes one JSON Pointer token. */
function token(part: string): string {
  return part.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Compiles, with Ajv, the schema found at `path` inside an OpenAPI document,
 * its `#/components/…` refs resolved against that document.
 */
export function schemaInDocument(doc: object, path: readonly string[]): ValidateFunction {
  // The document is no JSON Schema: its keywords (openapi, info, paths) are unknown to a strict Ajv.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(structuredClone(doc), 'https://example.test/openapi.json');
  return ajv.compile({ $ref: `https://example.test/openapi.json#/${path.map(token).join('/')}` });
}

/** What validate-openapi.mjs prints. */
export interface OpenApiValidation {
  valid: boolean;
  version: string;
  errors: unknown;
}

/** Validates an OpenAPI document with @seriousme/openapi-schema-validator (`new Validator().validate(doc)`). */
export function validateOpenApi(doc: unknown): Promise<OpenApiValidation> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [join(__dirname, 'validate-openapi.mjs')], (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`validate-openapi.mjs failed: ${stderr || error.message}`));
      else resolve(JSON.parse(stdout) as OpenApiValidation);
    });
    child.stdin?.end(JSON.stringify(doc));
  });
}

/** Ajv's errors, readable in a failed expectation. */
export function errorsOf(validate: ValidateFunction): string {
  return JSON.stringify(validate.errors, null, 2);
}
