/**
 * Holds a real HTTP answer against an OpenAPI 3.1 document: the operation
 * must exist, list the answer's status, and the body and headers must match
 * that response's schema and headers (Ajv, every $ref resolved in the
 * document). Returns the mismatches, so a test can show them all.
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

type Json = Record<string, unknown>;

/** Headers of the library (and of the middleware it wraps) that an answer may only carry if its response lists them. */
export const LIBRARY_HEADERS = [
  'x-trace-id',
  'x-api-version',
  'retry-after',
  'www-authenticate',
  'allow',
  'ratelimit',
  'ratelimit-policy',
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  'deprecation',
  'sunset',
  'link',
] as const;

const DOC_ID = 'https://contract.test/openapi.json';

function token(part: string): string {
  return part.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The path template of `doc` that `path` matches; literal segments win over parameters (`/accounts/search` over `/accounts/{id}`). */
export function templateFor(doc: { paths: Json }, path: string): string | undefined {
  const segments = path.split('?')[0]!.split('/');
  let best: { template: string; literals: number } | undefined;
  for (const template of Object.keys(doc.paths)) {
    const parts = template.split('/');
    if (parts.length !== segments.length) continue;
    let literals = 0;
    const matches = parts.every((part, i) => {
      if (part.startsWith('{') && part.endsWith('}')) return segments[i] !== '';
      literals += 1;
      return part === segments[i];
    });
    if (matches && (best === undefined || literals > best.literals)) best = { template, literals };
  }
  return best?.template;
}

/** Checks answers against one document. */
export class ContractChecker {
  private readonly ajv: Ajv2020;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly doc: { paths: Json; components: Json }) {
    // The document is no JSON Schema: its own keywords are unknown to a strict Ajv.
    this.ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addSchema(structuredClone(doc), DOC_ID);
  }

  private at(pointer: readonly string[]): unknown {
    let node: unknown = this.doc;
    for (const part of pointer) node = (node as Json | undefined)?.[part];
    return node;
  }

  /** Follows a `$ref` into the document, returning the target and its pointer. */
  private resolve(node: unknown, pointer: readonly string[]): { node: Json; pointer: readonly string[] } {
    const ref = (node as { $ref?: unknown } | undefined)?.$ref;
    if (typeof ref !== 'string') return { node: node as Json, pointer };
    const target = ref.slice(2).split('/').map((part) => decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~'));
    return this.resolve(this.at(target), target);
  }

  private validator(pointer: readonly string[]): ValidateFunction {
    const key = pointer.join('\u0000');
    let validate = this.compiled.get(key);
    if (validate === undefined) {
      validate = this.ajv.compile({ $ref: `${DOC_ID}#/${pointer.map(token).join('/')}` });
      this.compiled.set(key, validate);
    }
    return validate;
  }

  /** The mismatches between the answer and the document; empty when it conforms. Also returns the operation and status it was matched to. */
  check(
    method: string,
    url: string,
    answer: { status: number; headers: Record<string, string | string[] | undefined>; body: unknown },
  ): { operation: string | undefined; problems: string[] } {
    const problems: string[] = [];
    const template = templateFor(this.doc, url);
    const lower = method.toLowerCase();
    const where = `${method.toUpperCase()} ${url} → ${answer.status}`;
    if (template === undefined || (this.doc.paths[template] as Json)[lower] === undefined) {
      return { operation: undefined, problems: [`${where}: no operation of the document matches`] };
    }
    const operation = `${method.toUpperCase()} ${template}`;
    const responsesPointer = ['paths', template, lower, 'responses'];
    const listed = this.at(responsesPointer) as Json;
    if (listed[String(answer.status)] === undefined) {
      problems.push(`${where}: ${operation} does not list ${answer.status} (it lists ${Object.keys(listed).join(', ')})`);
      return { operation, problems };
    }
    const { node: response, pointer } = this.resolve(listed[String(answer.status)], [...responsesPointer, String(answer.status)]);

    const type = answer.headers['content-type'];
    if (typeof type !== 'string' || !type.startsWith('application/json')) problems.push(`${where}: Content-Type ${String(type)}, not JSON`);
    if ((response['content'] as Json | undefined)?.['application/json'] === undefined) {
      problems.push(`${where}: the response has no application/json content`);
    } else {
      const validate = this.validator([...pointer, 'content', 'application/json', 'schema']);
      if (!validate(answer.body)) problems.push(`${where}: body does not match: ${JSON.stringify(validate.errors)} in ${JSON.stringify(answer.body)}`);
    }

    const documented = new Map<string, { node: Json; pointer: readonly string[] }>();
    for (const [name, header] of Object.entries((response['headers'] as Json | undefined) ?? {})) {
      documented.set(name.toLowerCase(), this.resolve(header, [...pointer, 'headers', name]));
    }
    for (const [name, { node, pointer: headerPointer }] of documented) {
      const value = answer.headers[name];
      if (value === undefined) {
        if (node['required'] === true) problems.push(`${where}: the required ${name} header is missing`);
        continue;
      }
      const text = Array.isArray(value) ? value.join(', ') : value;
      const schema = node['schema'] as Json | undefined;
      const typed = schema?.['type'] === 'integer' && /^-?\d+$/.test(text) ? Number(text) : text;
      const validate = this.validator([...headerPointer, 'schema']);
      if (!validate(typed)) problems.push(`${where}: the ${name} header ${JSON.stringify(text)} does not match ${JSON.stringify(schema)}`);
    }
    for (const name of LIBRARY_HEADERS) {
      if (answer.headers[name] !== undefined && !documented.has(name)) problems.push(`${where}: the ${name} header is sent but not documented`);
    }
    return { operation, problems };
  }
}
