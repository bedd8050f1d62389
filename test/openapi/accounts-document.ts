/**
 * The OpenAPI 3.1 document of the demo API (examples/accounts/app.ts), built with
 * kompliant-envelope/openapi: validated as a document in openapi.test.ts,
 * and its schemas applied to the demo's real answers in demo-responses.test.ts.
 */
import {
  envelopeComponents,
  errorResponses,
  openApiBatchResponses,
  openApiResponses,
  successEnvelopeFor,
} from 'kompliant-envelope/openapi';

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

function jsonBody(schema: object) {
  return { required: true, content: { 'application/json': { schema } } };
}

/** A whole OpenAPI 3.1 document of the demo API, built with this entry point. */
export function accountsDocument() {
  const components = envelopeComponents();
  return {
    openapi: '3.1.0',
    info: { title: 'Accounts', version: '2025-06-01' },
    paths: {
      '/accounts': {
        get: {
          operationId: 'listAccounts',
          responses: openApiResponses({ type: 'array', items: ACCOUNT_REF }, { statuses: [400, 500, 503] }),
        },
        post: {
          operationId: 'createAccount',
          requestBody: jsonBody({ $ref: '#/components/schemas/NewAccount' }),
          responses: openApiResponses(ACCOUNT_REF),
        },
      },
      '/accounts/batch': {
        post: {
          operationId: 'createAccounts',
          requestBody: jsonBody({ type: 'array', items: { $ref: '#/components/schemas/NewAccount' } }),
          responses: openApiBatchResponses(ACCOUNT_REF, BatchEcho, { statuses: [400, 413, 415, 500] }),
        },
      },
      '/accounts/{id}': {
        get: {
          operationId: 'getAccount',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': {
              description: 'The account.',
              content: { 'application/json': { schema: successEnvelopeFor(ACCOUNT_REF) } },
            },
            '400': { $ref: '#/components/responses/BadRequest' },
            '500': { $ref: '#/components/responses/InternalError' },
          },
        },
      },
      '/admin/stats': {
        get: {
          operationId: 'stats',
          responses: openApiResponses({ type: 'object' }, { statuses: [401, 403, 500] }),
        },
      },
    },
    components: {
      schemas: { ...components.schemas, Account, NewAccount },
      headers: components.headers,
      responses: errorResponses({ version: '2025-06-01' }),
    },
  };
}

/** Where an operation's 200 schema sits, below the operation. */
export const OK_SCHEMA = ['responses', '200', 'content', 'application/json', 'schema'] as const;
