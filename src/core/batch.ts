/**
 * Batch processing without Express: validate the list, run a handler per item
 * with bounded concurrency, and turn each outcome into a result object. A
 * thrown error maps through `normalizeError`, exactly as the error handler
 * would map it.
 */
import { STANDARD_ERRORS } from './catalog.js';
import { entry, type BatchResult } from './envelope.js';
import { normalizeError, type ErrorMapper, type MapperFailureHandler, type NormalizedError } from './normalize.js';
import { checkOptionKeys, optionNames } from './options.js';
import { isThenable } from './thenable.js';

/** What identifies an item in its result when no `echo` is given: `{ index }`, plus `id` when the item has a string or number `id`. */
export interface DefaultEcho {
  readonly index: number;
  readonly id?: string | number;
}

/** Options of `batch()`. */
export interface BatchOptions<Item, Request = DefaultEcho> {
  /**
   * What each result's `request` holds, to correlate it with its item: an
   * object (if it throws or returns anything else, `{ index }` is used).
   * Defaults to `{ index }`, plus the item's `id` when it is a string or number.
   */
  readonly echo?: (item: Item, index: number) => Request;
  /** How many items run at once. @default 8 */
  readonly concurrency?: number;
  /** The longest list accepted; a longer one is a whole-request 400. @default 1000 */
  readonly maxItems?: number;
  /**
   * Called for each item that failed with a 5xx, for logging. Defaults to a
   * line on stderr with the trace_id.
   */
  readonly onItemError?: (error: unknown, detail: { index: number; status: number; code: string }) => void;
}

export const DEFAULT_BATCH_CONCURRENCY = 8;
export const DEFAULT_BATCH_MAX_ITEMS = 1000;

/** The default `echo`. */
export function defaultEcho(item: unknown, index: number): DefaultEcho {
  if (item !== null && typeof item === 'object') {
    const id = (item as { id?: unknown }).id;
    if (typeof id === 'string' || typeof id === 'number') return { index, id };
  }
  return { index };
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`The \`${name}\` option of batch() must be a whole number of at least 1, got ${String(value)}.`);
  }
  return value;
}

const BATCH_OPTIONS = optionNames<BatchOptions<unknown, unknown>>({ echo: true, concurrency: true, maxItems: true, onItemError: true });

/**
 * Checked batch options. Throws a `TypeError` for an unknown option (naming
 * the nearest known one) and a `RangeError` for a bad `concurrency` or
 * `maxItems`. `batch()` runs it on each call, since its options come with
 * the call: tens of nanoseconds, against the serialisation of the answer.
 */
export function parseBatchOptions(options: BatchOptions<unknown, unknown>): { concurrency: number; maxItems: number } {
  checkOptionKeys(options, BATCH_OPTIONS, 'batch()');
  return {
    concurrency: positiveInteger(options.concurrency, DEFAULT_BATCH_CONCURRENCY, 'concurrency'),
    maxItems: positiveInteger(options.maxItems, DEFAULT_BATCH_MAX_ITEMS, 'maxItems'),
  };
}

function invalid(message: string, extra?: Record<string, unknown>): NormalizedError {
  return { status: STANDARD_ERRORS.VALIDATION_ERROR.status, errors: [entry('VALIDATION_ERROR', message, extra)], headers: undefined };
}

/** The whole-request 400 for a body that is not a non-empty list of at most `maxItems`, or `undefined` when it is one. */
export function checkBatchItems(items: unknown, maxItems: number): NormalizedError | undefined {
  if (!Array.isArray(items)) return invalid('The request body must be a JSON array of batch items.');
  if (items.length === 0) return invalid('The batch must contain at least one item.');
  if (items.length > maxItems) {
    return invalid(`The batch has ${items.length} items; at most ${maxItems} are accepted.`, { max_items: maxItems });
  }
  return undefined;
}

/**
 * Runs `handler` for every item, at most `concurrency` at a time, and
 * resolves with one result per item in item order. Never rejects. Once
 * `stopped()` is true no further item starts, and the results are incomplete.
 * A thrown error maps through `normalizeError(error, mappers, onMapperFailure)`.
 */
export async function runBatch<Item, Data, Request>(
  items: readonly Item[],
  handler: (item: Item, index: number) => Data | Promise<Data>,
  echo: (item: Item, index: number) => Request,
  concurrency: number,
  onItemError: ((error: unknown, detail: { index: number; status: number; code: string }) => void) | undefined,
  stopped: () => boolean = () => false,
  mappers?: readonly ErrorMapper[],
  onMapperFailure?: MapperFailureHandler,
): Promise<BatchResult<Data | Record<string, never>, Request | DefaultEcho>[]> {
  const results = new Array<BatchResult<Data | Record<string, never>, Request | DefaultEcho>>(items.length);
  let cursor = 0;

  const failed = (index: number, request: Request | DefaultEcho, error: unknown) => {
    const normalized = normalizeError(error, mappers, onMapperFailure);
    if (normalized.status >= 500 && onItemError !== undefined) {
      try {
        onItemError(error, { index, status: normalized.status, code: normalized.errors[0]?.code ?? 'INTERNAL_ERROR' });
      } catch {
        // A failing logger must not fail the batch.
      }
    }
    results[index] = { status: 'ERROR', request, errors: normalized.errors };
  };

  // Each worker takes the next item until none is left. A handler that
  // answers synchronously costs no await: a batch of 10,000 items is mostly
  // promise bookkeeping otherwise.
  const worker = async (): Promise<void> => {
    // `stopped`: nobody will read the answer (the client left), so no new item is started.
    while (cursor < items.length && !stopped()) {
      const index = cursor++;
      const item = items[index] as Item;
      // The spec's `request` is always an object: an echo that throws or gives anything else falls back to { index }.
      let request: Request | DefaultEcho;
      try {
        const echoed = echo(item, index);
        request = echoed !== null && typeof echoed === 'object' && !Array.isArray(echoed) ? echoed : { index };
      } catch {
        request = { index };
      }
      try {
        const answer = handler(item, index);
        const data: Data = isThenable<Data>(answer) ? await answer : (answer as Data);
        results[index] = { status: 'SUCCESS', request, data: data ?? {} };
      } catch (error) {
        failed(index, request, error);
      }
    }
  };
  const workers: Promise<void>[] = [];
  for (let i = Math.min(concurrency, items.length); i > 0; i--) workers.push(worker());
  await Promise.all(workers);
  return results;
}
