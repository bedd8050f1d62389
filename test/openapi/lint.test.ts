/**
 * The demo's generated OpenAPI document passes two independent checkers:
 * Redocly CLI's recommended ruleset (test/openapi/redocly.yaml; warnings
 * fail too) and @seriousme/openapi-schema-validator. Express 4 and 5
 * generate the same document. Both checkers run in child processes:
 * Redocly is a CLI, the validator ESM only.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApp } from '../../examples/accounts/app.js';
import { EXPRESS_VERSIONS, type ExpressFactory } from '../support/apps.js';
import { accountsDocument } from './accounts-document.js';
import { validateOpenApi } from './support.js';

const ROOT = join(__dirname, '..', '..');
const REDOCLY = join(ROOT, 'node_modules', '.bin', 'redocly');
const CONFIG = join(__dirname, 'redocly.yaml');

interface LintResult {
  totals: { errors: number; warnings: number; ignored: number };
  problems: { ruleId: string; message: string; location?: unknown }[];
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'openapi-lint-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `redocly lint --format json` on the document; its exit code says only "problems or not", the JSON says which. */
async function lint(doc: unknown, name: string): Promise<LintResult> {
  const file = join(dir, `${name}.json`);
  await writeFile(file, JSON.stringify(doc));
  return new Promise((resolve, reject) => {
    execFile(REDOCLY, ['lint', file, '--config', CONFIG, '--format', 'json'], { cwd: ROOT, timeout: 60_000, env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } }, (error, stdout, stderr) => {
      try {
        resolve(JSON.parse(stdout) as LintResult);
      } catch {
        reject(new Error(`redocly lint gave no JSON (${error?.message ?? 'no error'}): ${stderr}`));
      }
    });
  });
}

describe.each(EXPRESS_VERSIONS)('the demo’s generated OpenAPI document on %s', (name, express) => {
  const doc = accountsDocument(express as ExpressFactory);

  it('lints clean with Redocly’s recommended ruleset: no error, no warning', async () => {
    const result = await lint(doc, name.replace(' ', ''));
    expect(result.problems.map(({ ruleId, message }) => `${ruleId}: ${message}`)).toEqual([]);
    expect(result.totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
  }, 60_000);

  it('is a valid OpenAPI 3.1 document for @seriousme/openapi-schema-validator', async () => {
    expect(await validateOpenApi(doc)).toEqual({ valid: true, version: '3.1', errors: null });
  }, 30_000);

  it('is the same document on both majors, with all eleven operations', () => {
    expect(doc).toEqual(accountsDocument(EXPRESS_VERSIONS[1][1]));
    const operations = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
    expect(operations).toEqual([
      'GET /health',
      'GET /accounts',
      'POST /accounts',
      'GET /accounts/search',
      'POST /accounts/batch',
      'GET /accounts/{id}',
      'GET /accounts/{id}/summary',
      'GET /admin/stats',
      'GET /reports/monthly',
      'GET /debug/crash',
      'GET /whoami',
    ]);
  });
});

describe('the demo’s document as users get it', () => {
  it.each(EXPRESS_VERSIONS)('is what GET /openapi.json answers on %s', async (_name, express) => {
    const res = await request(createApp(express as ExpressFactory)).get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.body).toEqual(JSON.parse(JSON.stringify(accountsDocument(express as ExpressFactory))));
  });

  it('is what npm run openapi writes', async () => {
    // The same command as the npm script, without npm's own start-up.
    const { scripts } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(scripts['openapi']).toBe('tsx examples/accounts/write-openapi.ts');
    const file = join(dir, 'written.json');
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'examples/accounts/write-openapi.ts', file], { cwd: ROOT, timeout: 60_000 }, (error, out, stderr) =>
        error === null ? resolve(out) : reject(new Error(`write-openapi.ts failed: ${stderr || error.message}`)),
      );
    });
    expect(stdout).toBe(`wrote ${file}: OpenAPI 3.1.0, 11 operations\n`);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(JSON.parse(JSON.stringify(accountsDocument())));
  }, 60_000);
});

describe('the lint step itself', () => {
  it('fails a document with an unused component or an operation without a summary', async () => {
    const doc = structuredClone(accountsDocument()) as unknown as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
      components: { schemas: Record<string, unknown> };
    };
    // What the hand-written document had: the always-emitted, unused Envelope schema.
    doc.components.schemas['Envelope'] = { description: 'Any answer of the API.', type: 'object' };
    delete doc.paths['/health']!['get']!['summary'];
    const result = await lint(doc, 'broken');
    expect(result.problems.map(({ ruleId }) => ruleId).sort()).toEqual(['no-unused-components', 'operation-summary']);
  }, 60_000);
});
