/**
 * Turns the schemas an app already has — the Standard Schemas of
 * `validate()` and `describe()`, or plain JSON Schema — into JSON Schema
 * 2020-12 for an OpenAPI 3.1 document, through Standard JSON Schema
 * (`~standard.jsonSchema`: zod 4.2+, arktype 2.1.28+, valibot through
 * `toStandardJsonSchema()` of `@valibot/to-json-schema`). Their local
 * `$defs` move to `components.schemas`. Internal.
 */
import { isStandardSchema } from '../core/standard-schema.js';
import type { JsonSchema, JsonSchemaObject } from './types.js';

/** Standard JSON Schema's converter, as zod, arktype and valibot's wrapper carry it. */
interface StandardJsonSchemaConverter {
  readonly input?: (options: { readonly target: string }) => unknown;
  readonly output?: (options: { readonly target: string }) => unknown;
}

function isJsonSchema(value: unknown): value is JsonSchema {
  return typeof value === 'boolean' || (value !== null && typeof value === 'object' && !Array.isArray(value));
}

function rewriteRefs(value: unknown, renames: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(value)) return value.map((item) => rewriteRefs(item, renames));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (key === '$ref' && typeof child === 'string' && child.startsWith('#/$defs/')) {
      const name = decodeURIComponent(child.slice('#/$defs/'.length));
      out[key] = `#/components/schemas/${encodeURIComponent(renames.get(name) ?? name)}`;
    } else {
      out[key] = rewriteRefs(child, renames);
    }
  }
  return out;
}

/** Collects the named schemas the converted schemas bring (their `$defs`), for `components.schemas`. */
export class SchemaCollector {
  /** Named schemas, by component name. */
  readonly named = new Map<string, JsonSchemaObject>();
  /** The serialised form of each named schema, to tell a repeat from a clash. */
  private readonly seen = new Map<string, string>();

  /**
   * The JSON Schema of `source` as it reads (`input`, for requests) or as it
   * is produced (`output`, for answers). `where` names the schema in errors:
   * "the body schema of POST /accounts".
   */
  convert(source: unknown, io: 'input' | 'output', where: string): JsonSchema {
    let schema: unknown;
    if (isStandardSchema(source)) {
      const props = source['~standard'] as { readonly vendor?: unknown; readonly jsonSchema?: StandardJsonSchemaConverter };
      const convert = props.jsonSchema?.[io];
      if (typeof convert !== 'function') {
        throw new Error(
          `openApiDocument(): ${where} is a ${String(props.vendor ?? 'Standard Schema')} schema without Standard JSON Schema ` +
            '(`~standard.jsonSchema`). zod 4.2+ and arktype 2.1.28+ have it; wrap a valibot schema with toStandardJsonSchema() ' +
            'from @valibot/to-json-schema.',
        );
      }
      try {
        schema = convert.call(props.jsonSchema, { target: 'draft-2020-12' });
      } catch (error) {
        throw new Error(`openApiDocument(): ${where} cannot be converted to JSON Schema: ${error instanceof Error ? error.message : String(error)}`, {
          cause: error,
        });
      }
      if (!isJsonSchema(schema)) throw new Error(`openApiDocument(): ${where} converted to ${typeof schema}, not a JSON Schema.`);
    } else if (isJsonSchema(source)) {
      schema = source;
    } else {
      throw new TypeError(`openApiDocument(): ${where} must be a Standard Schema (zod, valibot, arktype) or a JSON Schema object.`);
    }
    return this.hoist(structuredClone(schema) as JsonSchema);
  }

  /** Drops `$schema` (the document's dialect applies) and moves `$defs` to the components, renaming on a clash. */
  private hoist(schema: JsonSchema): JsonSchema {
    if (typeof schema === 'boolean') return schema;
    const { $schema: _dialect, $defs, ...rest } = schema as JsonSchemaObject & { $defs?: Record<string, unknown> };
    if ($defs === undefined || $defs === null || typeof $defs !== 'object') return rest;
    // A root $id would make the refs below resolve against it instead of the document.
    delete (rest as Record<string, unknown>)['$id'];
    const renames = new Map<string, string>();
    for (const [name, def] of Object.entries($defs)) {
      const text = JSON.stringify(def);
      // Component names allow letters, digits and "._-" only.
      const base = name.replace(/[^\w.-]/g, '_');
      let target = base;
      for (let n = 2; this.seen.has(target) && this.seen.get(target) !== text; n++) target = `${base}${n}`;
      renames.set(name, target);
      this.seen.set(target, text);
    }
    for (const [name, def] of Object.entries($defs)) {
      this.named.set(renames.get(name) as string, rewriteRefs(def, renames) as JsonSchemaObject);
    }
    return rewriteRefs(rest, renames) as JsonSchemaObject;
  }
}
