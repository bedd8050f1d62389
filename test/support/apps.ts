import express5 from 'express';
import express4 from 'express4';
import type { Express } from 'express';
import { envelope, errorHandler, type EnvelopeOptions, type ErrorReport } from 'kompliant-envelope';

/** The Express majors every HTTP test runs on: `describe.each(EXPRESS_VERSIONS)`. */
export const EXPRESS_VERSIONS = [
  ['Express 4', express4],
  ['Express 5', express5],
] as const;

export type ExpressFactory = typeof express5;

/** A UUID as `newTraceId()` makes them (v4). */
export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** What `onError` received, in order. */
export interface Reported {
  error: unknown;
  report: ErrorReport;
}

/**
 * An app as the README builds it: `envelope()` first, `express.json()`, the
 * routes `setup` adds, `errorHandler()` last, with every `onError` call kept.
 */
export function buildApp(
  express: ExpressFactory,
  setup: (app: Express) => void,
  options: { envelope?: EnvelopeOptions; json?: boolean } = {},
): { app: Express; reported: Reported[] } {
  const reported: Reported[] = [];
  const app = express();
  app.use(envelope(options.envelope));
  if (options.json !== false) app.use(express.json());
  setup(app);
  app.use(errorHandler({ onError: (error, report) => reported.push({ error, report }) }));
  return { app, reported };
}

/** The meta every answer of a default `envelope()` carries, with the trace id taken from the header. */
export function metaFor(
  res: { headers: Record<string, string> },
  status: 'SUCCESS' | 'ERROR' | 'BATCH_PROCESSED',
  version = '1',
): { status: string; trace_id: string; version: string } {
  return { status, trace_id: res.headers['x-trace-id'] as string, version };
}
