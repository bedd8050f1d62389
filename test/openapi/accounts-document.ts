/**
 * The OpenAPI 3.1 document of the demo API (examples/accounts/app.ts),
 * generated from the app by openApiDocument(): validated as a document in
 * openapi.test.ts and lint.test.ts, and held against the demo's real answers
 * in demo-responses.test.ts and contract.test.ts. Also a few hand-written
 * schemas for the tests of the hand-built pieces (openApiResponses() & co.).
 */
import express5 from 'express';
import { openApiDocument, type SkippedRoute } from 'kompliant-envelope/openapi';
import { createApp } from '../../examples/accounts/app.js';
import { OPENAPI_INFO, OPENAPI_SERVERS, OPENAPI_TAGS } from '../../examples/accounts/openapi.js';
import type { ExpressFactory } from '../support/apps.js';

export const Account = {
  type: 'object',
  required: ['id', 'name', 'email'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    email: { type: 'string', format: 'email' },
    fax: { type: ['string', 'null'] },
  },
  additionalProperties: false,
} as const;
export const NewAccount = {
  type: 'object',
  required: ['name', 'email'],
  properties: { name: { type: 'string' }, email: { type: 'string' } },
} as const;
export const BatchEcho = {
  type: 'object',
  required: ['email'],
  properties: { email: { type: ['string', 'null'] } },
  additionalProperties: false,
} as const;
export const ACCOUNT_REF = { $ref: '#/components/schemas/Account' };

/**
 * The demo API's OpenAPI 3.1 document, generated from its router on Express 5
 * exactly as `GET /openapi.json` and `npm run openapi` make it (Express 4
 * makes the same document: document.test.ts checks it).
 */
export function accountsDocument(express: ExpressFactory = express5) {
  const skipped: SkippedRoute[] = [];
  const doc = openApiDocument(createApp(express), {
    info: OPENAPI_INFO,
    servers: OPENAPI_SERVERS,
    tags: OPENAPI_TAGS,
    onSkip: (route) => skipped.push(route),
  });
  if (skipped.length > 0) throw new Error(`The demo's document left out ${JSON.stringify(skipped)}`);
  return doc as typeof doc & {
    readonly paths: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
    readonly components: { readonly schemas: Record<string, unknown>; readonly responses: Record<string, unknown> };
  };
}

/** Where an operation's 200 schema sits, below the operation. */
export const OK_SCHEMA = ['responses', '200', 'content', 'application/json', 'schema'] as const;
