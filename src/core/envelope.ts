/**
 * The shape of every answer, as `response-fields.txt` defines it, and the
 * plain functions that build it. No Express here: this file is the one place
 * to read "what does an envelope look like".
 */
import { boundExtra } from './bound.js';

/** An entry of `errors`: at least `code` and `message`, plus any fields the API adds. */
export interface ErrorObject<Code extends string = string> {
  /** An ENUM-like string from the standard catalog or the API's own catalog. */
  readonly code: Code;
  /** A plain-language description of the error. */
  readonly message: string;
  readonly [field: string]: unknown;
}

/** An entry of `meta.warnings`: the same contract as an error object. */
export interface WarningObject<Code extends string = string> {
  readonly code: Code;
  readonly message: string;
  readonly [field: string]: unknown;
}

/** Anything `typeof` calls a function, classes included: `JSON.stringify` leaves it out. */
type AnyFunction = ((...args: never[]) => unknown) | (abstract new (...args: never[]) => unknown);

/**
 * What in `T` JSON cannot carry — `'a function'`, `'a bigint'`, `'a symbol'`
 * — or `never`. Looks into arrays and object properties, 10 levels deep
 * (`Depth` counts them; recursive types stop there). `unknown`, `any` and
 * values with a `toJSON()` method (`Date`, `URL`, `Buffer`) pass as they are.
 */
type NonJson<T, Depth extends readonly unknown[] = []> = Depth['length'] extends 10
  ? never
  : unknown extends T
    ? never
    : T extends { toJSON(): unknown }
      ? never
      : T extends AnyFunction
        ? 'a function'
        : T extends bigint
          ? 'a bigint'
          : T extends symbol
            ? 'a symbol'
            : T extends readonly (infer Item)[]
              ? NonJson<Item, [...Depth, unknown]>
              : T extends object
                ? { [Key in keyof T]-?: NonJson<T[Key], [...Depth, unknown]> }[keyof T]
                : never;

/**
 * `never` when `T` is JSON, else `any`: a marker, never the type of a value.
 * While `T` is still a type parameter this stays unresolved, and TypeScript
 * takes an unresolved conditional type whose other branch is `any` to be its
 * `never` branch — which is what lets generic code pass its `T` to `ok()`.
 */
type JsonVerdict<T> = [NonJson<T>] extends [never] ? never : any;

/**
 * The type `ok()` asks of data that holds something JSON cannot carry: no
 * value has it, so the call does not compile, and the compiler's message
 * names what was found, e.g. `NotJson<"a function">`.
 */
export interface NotJson<Found extends string> {
  readonly 'JSON cannot carry this data': Found;
}

/**
 * `unknown` when a `T` can be sent as JSON, else `NotJson<…>`. `ok()` takes
 * `T & JsonCheck<T>`, so data holding a function, a `bigint` or a symbol —
 * at the top, or in a property or an array item — is refused at compile time.
 *
 * Passes: plain objects, interfaces and type aliases (no index signature
 * needed), arrays and tuples, strings, numbers, booleans, `null`,
 * `undefined`, optional properties, `Date` and anything else with a
 * `toJSON()` method, `unknown` and `any`, and a `T` that is still a type
 * parameter (generic code).
 *
 * Limits: an object with methods is refused even where `JSON.stringify`
 * would skip them (a class instance: add `toJSON()` or send `{ ...instance }`),
 * as are `Map`, `Set` and a `Promise` (a forgotten `await`). Nothing is
 * checked deeper than 10 levels, nor beside a part whose type is still a
 * type parameter; a symbol-keyed property and an `Error` (which serialises
 * as `{}`) are not refused.
 *
 * @example
 * ```ts
 * function send<T>(res: ServerResponse, data: T & JsonCheck<T>) { ok(res, data); }
 * ```
 */
export type JsonCheck<T> = [JsonVerdict<T>] extends [never] ? unknown : NotJson<NonJson<T>>;

/** `meta.status` of a regular success. */
export type SuccessStatus = 'SUCCESS';
/** `meta.status` of any answer whose HTTP status is not 200. */
export type ErrorStatus = 'ERROR';
/** `meta.status` of a batch in which every item was processed. */
export type BatchStatus = 'BATCH_PROCESSED';

/** The `meta` object. `trace_id` and `version` are present on every answer this library makes. */
export interface Meta<Status extends string = SuccessStatus | ErrorStatus | BatchStatus> {
  readonly status: Status;
  readonly trace_id: string;
  readonly version: string;
  /** Present only when there is at least one warning. */
  readonly warnings?: readonly WarningObject[];
}

/** `{ meta: { status: "SUCCESS" }, data }`, always with HTTP 200. */
export interface SuccessEnvelope<T = unknown> {
  readonly meta: Meta<SuccessStatus>;
  readonly data: T;
}

/** `{ meta: { status: "ERROR" }, errors }`, with any HTTP status but 200. */
export interface ErrorEnvelope {
  readonly meta: Meta<ErrorStatus>;
  readonly errors: readonly ErrorObject[];
}

/** One item's outcome inside a batch: `data` on success, `errors` on failure. */
export type BatchResult<T = unknown, R = unknown> =
  | { readonly status: SuccessStatus; readonly request: R; readonly data: T }
  | { readonly status: ErrorStatus; readonly request: R; readonly errors: readonly ErrorObject[] };

/** `{ meta: { status: "BATCH_PROCESSED" }, results }`, always with HTTP 200. */
export interface BatchEnvelope<T = unknown, R = unknown> {
  readonly meta: Meta<BatchStatus>;
  readonly results: readonly BatchResult<T, R>[];
}

/**
 * Any envelope, discriminated on `meta.status`.
 *
 * @example
 * ```ts
 * const body = (await res.json()) as Envelope<Order>;
 * if (body.meta.status === 'SUCCESS') body.data.id; // narrowed
 * ```
 */
export type Envelope<T = unknown, R = unknown> = SuccessEnvelope<T> | ErrorEnvelope | BatchEnvelope<T, R>;

/** What every builder needs to know about the request it answers. */
export interface MetaSource {
  readonly traceId: string;
  readonly version: string;
}

function buildMeta<S extends string>(
  status: S,
  source: MetaSource,
  warnings: readonly WarningObject[] | undefined,
): Meta<S> {
  // Key order is part of what a reader sees: status, trace_id, version, warnings.
  return warnings !== undefined && warnings.length > 0
    ? { status, trace_id: source.traceId, version: source.version, warnings }
    : { status, trace_id: source.traceId, version: source.version };
}

/** Builds a SUCCESS envelope; `undefined` or `null` data becomes `{}` as the spec requires. */
export function successEnvelope<T>(
  source: MetaSource,
  data: T,
  warnings?: readonly WarningObject[],
): SuccessEnvelope<T | Record<string, never>> {
  return { meta: buildMeta('SUCCESS', source, warnings), data: data ?? {} };
}

/** Builds an ERROR envelope. The caller makes sure `errors` is not empty. */
export function errorEnvelope(
  source: MetaSource,
  errors: readonly ErrorObject[],
  warnings?: readonly WarningObject[],
): ErrorEnvelope {
  return { meta: buildMeta('ERROR', source, warnings), errors };
}

/** Builds a BATCH_PROCESSED envelope from results already in item order. */
export function batchEnvelope<T, R>(
  source: MetaSource,
  results: readonly BatchResult<T, R>[],
  warnings?: readonly WarningObject[],
): BatchEnvelope<T, R> {
  return { meta: buildMeta('BATCH_PROCESSED', source, warnings), results };
}

/**
 * Makes one error or warning object: `code` and `message` first, then every
 * other field given, bounded in size and depth (see `bound.ts`). Spreading
 * (not assigning) keeps a `__proto__` key in `extra` an ordinary property
 * instead of a new prototype.
 */
export function entry(code: string, message: string, extra?: Readonly<Record<string, unknown>>): ErrorObject {
  if (extra === undefined) return { code, message };
  const out: Record<string, unknown> = { code, message, ...boundExtra(extra) };
  out['code'] = code;
  out['message'] = message;
  return out as ErrorObject;
}

/**
 * Checks error (or warning) objects given by a caller and copies them:
 * a non-empty array of objects with a non-empty string `code` and a string
 * `message`. Throws a `TypeError` naming the first bad entry.
 */
export function errorObjects(errors: readonly ErrorObject[], what = 'errors'): ErrorObject[] {
  if (!Array.isArray(errors) || errors.length === 0) {
    throw new TypeError(`The \`${what}\` must be a non-empty array of { code, message } objects.`);
  }
  return errors.map((error: unknown, index) => {
    if (error === null || typeof error !== 'object') {
      throw new TypeError(`The ${what} entry at index ${index} must be an object with \`code\` and \`message\`.`);
    }
    const { code, message, ...extra } = error as Record<string, unknown>;
    if (typeof code !== 'string' || code === '') {
      throw new TypeError(`The ${what} entry at index ${index} must have a non-empty string \`code\`.`);
    }
    if (typeof message !== 'string') {
      throw new TypeError(`The ${what} entry at index ${index} must have a string \`message\`.`);
    }
    return entry(code, message, extra);
  });
}

function statusOf(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return undefined;
  const meta = (value as { meta?: unknown }).meta;
  return meta !== null && typeof meta === 'object' ? (meta as { status?: unknown }).status : undefined;
}

/**
 * Narrows a parsed body to a SUCCESS envelope. TypeScript cannot narrow a
 * union on a nested field (`body.meta.status`), so use these guards.
 *
 * @example
 * ```ts
 * if (isSuccessEnvelope(body)) render(body.data);
 * ```
 */
export function isSuccessEnvelope<T>(value: Envelope<T> | unknown): value is SuccessEnvelope<T> {
  return statusOf(value) === 'SUCCESS' && 'data' in (value as object);
}

/** Narrows a parsed body to an ERROR envelope. */
export function isErrorEnvelope(value: unknown): value is ErrorEnvelope {
  return statusOf(value) === 'ERROR' && Array.isArray((value as { errors?: unknown }).errors);
}

/** Narrows a parsed body to a BATCH_PROCESSED envelope. */
export function isBatchEnvelope<T, R>(value: Envelope<T, R> | unknown): value is BatchEnvelope<T, R> {
  return statusOf(value) === 'BATCH_PROCESSED' && Array.isArray((value as { results?: unknown }).results);
}
