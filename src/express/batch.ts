/**
 * `batch()`: answers a batch request with a BATCH_PROCESSED envelope.
 */
import type { ServerResponse } from 'node:http';
import { batchEnvelope, errorEnvelope } from '../core/envelope.js';
import {
  checkBatchItems,
  defaultEcho,
  parseBatchOptions,
  runBatch,
  type BatchOptions,
  type DefaultEcho,
} from '../core/batch.js';
import { ResponseError } from '../core/response-errors.js';
import { contextOf } from './context.js';
import { reportMapperFailure } from './map-errors.js';
import { errorReport, reportToStderr } from './report.js';
import { dropLate, forward, writeEnvelope } from './write.js';

/**
 * Runs `handler(item, index)` for every item, at most `concurrency` at once,
 * and answers 200 `{ meta: { status: "BATCH_PROCESSED" }, results }` in item
 * order. An item's thrown error becomes `{ status: "ERROR", request, errors }`
 * mapped exactly as the error handler maps it; its return value becomes
 * `{ status: "SUCCESS", request, data }`. The mappers of
 * `envelope({ mapErrors })` apply to items' errors too. A body that is not an array, an
 * empty array or one longer than `maxItems` is a whole-request 400
 * `VALIDATION_ERROR`. Resolves once the answer is sent; never rejects.
 *
 * @example
 * ```ts
 * app.post('/orders/batch', (req, res) =>
 *   batch(res, req.body, (order) => orders.create(order), { echo: (o) => ({ ref: o.ref }) }));
 * ```
 */
export async function batch<Item, Data, Request = DefaultEcho>(
  res: ServerResponse,
  items: unknown,
  handler: (item: Item, index: number) => Data | Promise<Data>,
  options: BatchOptions<Item, Request> = {},
): Promise<void> {
  let limits: { concurrency: number; maxItems: number };
  try {
    if (typeof handler !== 'function') throw new TypeError('batch() needs a handler function.');
    limits = parseBatchOptions(options as BatchOptions<unknown, unknown>);
  } catch (error) {
    // A programming error: the error handler answers 500 and reports it, as for ok().
    forward(res, error);
    return;
  }
  const context = contextOf(res);
  const refusal = checkBatchItems(items, limits.maxItems);
  if (refusal !== undefined) {
    const failure = writeEnvelope(res, refusal.status, errorEnvelope(context, refusal.errors, context.warnings));
    if (failure !== undefined) forward(res, new ResponseError('The batch refusal cannot be serialised to JSON.', { cause: failure }));
    return;
  }
  const onItemError =
    options.onItemError ??
    ((error: unknown, detail: { index: number; status: number; code: string }) =>
      reportToStderr(error, errorReport(res, context, detail.status, `${detail.code} (batch item ${detail.index})`, false)));
  const echo = (options.echo ?? defaultEcho) as (item: Item, index: number) => Request | DefaultEcho;
  // Once the client has gone, or another answer (a 504 from timeout()) went out, nobody reads
  // this one: no new item starts (work in flight finishes).
  const results = await runBatch(
    items as Item[],
    handler,
    echo,
    limits.concurrency,
    onItemError,
    () => res.headersSent || res.destroyed,
    context.mapErrors,
    reportMapperFailure,
  );
  if (res.headersSent) return dropLate(res);
  if (res.destroyed) return;
  const failure = writeEnvelope(res, 200, batchEnvelope(context, results, context.warnings));
  if (failure !== undefined) {
    forward(res, new ResponseError('The batch results cannot be serialised to JSON.', { cause: failure }));
  }
}
