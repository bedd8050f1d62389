// A TypeScript user of the packed types: this file only has to compile.
import express from 'express';
import {
  envelope, errorHandler, ok, fail, ApiError, defineErrors, isSuccessEnvelope, isErrorEnvelope, type Envelope,
} from 'kompliant-envelope';
import { createClient, type EnvelopeError } from 'kompliant-envelope/client';
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

const AppErrors = defineErrors({ ORDER_LOCKED: { status: 400, message: 'The order is locked.' } });

const app = express();
app.use(envelope({ versions: ['1', '2'] }));
app.get('/a', (_req, res) => ok(res, { id: 1 }));
app.get('/b', (_req, res) => fail(res, 400, { code: 'VALIDATION_ERROR', message: 'No.', field: 'x' }));
app.get('/c', () => {
  throw AppErrors.ORDER_LOCKED({ order_id: 1 });
});
app.get('/d', () => {
  throw new ApiError(503, 'SERVICE_UNAVAILABLE', 'Maintenance.');
});
app.use(errorHandler());

export function dataOf(body: Envelope<{ id: number }>): number | undefined {
  if (isSuccessEnvelope(body)) return body.data.id;
  if (isErrorEnvelope(body)) return body.errors.length;
  return body.results.length;
}
