// A TypeScript user of the packed types: this file only has to compile (as
// consumer.ts for CommonJS and as consumer.mts for ESM resolution).
import express from 'express';
import {
  envelope, errorHandler, ok, fail, ApiError, defineErrors, asyncHandler, type Envelope,
} from 'kompliant-envelope';
import { isSuccessEnvelope, isErrorEnvelope, normalizeError } from 'kompliant-envelope/core';
import { authenticate, hmacVerifier, keepRawBody, principalOf, type HmacPrincipal } from 'kompliant-envelope/auth';
import { rateLimit } from 'kompliant-envelope/rate-limit';
import { maintenance, maintenanceSwitch } from 'kompliant-envelope/maintenance';
import { timeout } from 'kompliant-envelope/timeout';
import { validate, type StandardSchemaV1 } from 'kompliant-envelope/validate';
import { traceHeaders } from 'kompliant-envelope/tracing';
import { versioned } from 'kompliant-envelope/versioning';
import { clientErrorHandler } from 'kompliant-envelope/node';
import { createClient, signRequest, type EnvelopeError } from 'kompliant-envelope/client';
import { envelopeComponents } from 'kompliant-envelope/openapi';
import { envelopeMatchers } from 'kompliant-envelope/testing';

export async function typedClient(): Promise<number> {
  const client = createClient({ baseUrl: 'http://127.0.0.1:1' });
  const data = (await client.get('/a')).unwrap<{ id: number }>();
  const failure: EnvelopeError | undefined = undefined;
  void failure;
  void envelopeComponents();
  void envelopeMatchers;
  return data.id;
}

// signRequest is async (Web Crypto).
export const signed: Promise<Record<string, string>> = signRequest({ secrets: { k1: 'a shared secret, 16 characters or more' } }, 'k1', 'POST', '/hook', '{}');

const AppErrors = defineErrors({ ORDER_LOCKED: { status: 400, message: 'The order is locked.' } });
const down = maintenanceSwitch();
declare const orderSchema: StandardSchemaV1<unknown, { sku: string }>;

const app = express();
app.use(envelope({ versions: ['1', '2'] }));
app.use(maintenance({ enabled: down.isOn }));
app.use(express.json({ verify: keepRawBody }));
app.get('/a', (_req, res) => ok(res, { id: 1 }));
app.get('/b', (_req, res) => fail(res, 400, { code: 'VALIDATION_ERROR', message: 'No.', field: 'x' }));
app.get('/c', () => {
  throw AppErrors.ORDER_LOCKED({ order_id: 1 });
});
app.get('/d', () => {
  throw new ApiError(503, 'SERVICE_UNAVAILABLE', 'Maintenance.');
});
app.get('/e', rateLimit({ windowMs: 1000, limit: 5 }), timeout(2000), asyncHandler(async (_req, res) => {
  const upstream = await fetch('http://127.0.0.1:1', { headers: traceHeaders() });
  ok(res, { status: upstream.status });
}));
app.post('/hook', authenticate({ verify: hmacVerifier({ secrets: { k1: 'a shared secret, 16 characters or more' } }) }), (req, res) => {
  const by: HmacPrincipal | undefined = principalOf<HmacPrincipal>(req);
  ok(res, { keyId: by?.keyId });
});
app.post('/orders', validate({ body: orderSchema }), (req, res) => ok(res, req.body));
app.get('/v', versioned({ '1': (_req, res) => ok(res, 1), '2': (_req, res) => ok(res, 2) }));
app.use(errorHandler());
export const server = app.listen(0);
server.on('clientError', clientErrorHandler());

export function dataOf(body: Envelope<{ id: number }>): number | undefined {
  if (isSuccessEnvelope(body)) return body.data.id;
  if (isErrorEnvelope(body)) return body.errors.length;
  return body.results.length;
}

export const status: number = normalizeError(new Error('x')).status;
