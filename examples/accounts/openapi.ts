/**
 * The demo's OpenAPI `info` and tags, shared by `GET /openapi.json` and
 * `npm run openapi` (write-openapi.ts).
 */
import type { OpenApiDocumentOptions } from 'kompliant-envelope/openapi';

/** `version` is left to openApiDocument(): the latest API version. */
export const OPENAPI_INFO: OpenApiDocumentOptions['info'] = {
  title: 'Accounts (kompliant-envelope demo)',
  description: 'Every answer is an envelope with a trace_id; errors follow the Kompliant status codes (400 for unknown routes and methods).',
  license: { name: 'MIT', identifier: 'MIT' },
};

/** Where `npm start` listens by default (HOST and PORT change it). */
export const OPENAPI_SERVERS: NonNullable<OpenApiDocumentOptions['servers']> = [
  { url: 'http://127.0.0.1:3000', description: 'npm start, with the default HOST and PORT' },
];

export const OPENAPI_TAGS: NonNullable<OpenApiDocumentOptions['tags']> = [
  { name: 'accounts', description: 'Accounts: list, search, read and create, one by one or in a batch.' },
  { name: 'admin', description: 'Needs an API key with the admin role.' },
  { name: 'reports', description: 'Slow reports, bounded by a timeout.' },
  { name: 'operations', description: 'Health, diagnostics and failure demonstrations.' },
];
