/**
 * Checks shared by every function that takes options: checked once, when
 * the middleware or client is made, never per request.
 */

function distance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0] as number;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j] as number;
      const cost = a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1;
      previous[j] = Math.min(above + 1, (previous[j - 1] as number) + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return previous[b.length] as number;
}

/** The known name closest to `name`, when it is close enough to be a typo. */
export function nearestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const d = distance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/**
 * Throws a `TypeError` when `options` is not a plain object, or has a key
 * that is not in `known`: ``The `versionz` option of envelope() is not
 * known; did you mean `versions`?`` A misspelt option would otherwise be
 * ignored without a word and its default used.
 */
export function checkOptionKeys(options: unknown, known: readonly string[], where: string): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`The options of ${where} must be an object, got ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}.`);
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const nearest = nearestName(key, known);
    throw new TypeError(
      `The \`${key}\` option of ${where} is not known${nearest === undefined ? '.' : `; did you mean \`${nearest}\`?`} Known options: ${known.join(', ')}.`,
    );
  }
}

/**
 * Throws a `RangeError` unless `value` is a finite number in [`min`, `max`]
 * (and a whole number when `integer`): ``The `limit` option of rateLimit()
 * must be a whole number from 0 to 9007199254740991, got -1.`` With `unit`,
 * the number is named: ``… must be a whole number of milliseconds from 0 to
 * 2147483647, got -1.``
 */
export function checkNumberOption(
  value: unknown,
  name: string,
  where: string,
  {
    min = 0,
    max = Number.MAX_SAFE_INTEGER,
    integer = true,
    unit,
  }: { min?: number; max?: number; integer?: boolean; unit?: string } = {},
): void {
  const ok = typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max && (!integer || Number.isInteger(value));
  if (!ok) {
    const kind = `${integer ? 'a whole number' : 'a number'}${unit === undefined ? '' : ` of ${unit}`}`;
    throw new RangeError(
      `The \`${name}\` option of ${where} must be ${kind} from ${min} to ${max}, got ${typeof value === 'string' ? JSON.stringify(value) : String(value)}.`,
    );
  }
}

/**
 * The longest delay Node's timers honour, in milliseconds (about 24.8 days):
 * `setTimeout` runs a longer one after 1 ms instead, with only a warning.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The names of an options type, written once as `{ name: true, … }`: the
 * compiler refuses a list that misses a name of `Options` or adds one, so
 * the list cannot drift from the type.
 *
 * @example
 * ```ts
 * const KNOWN = optionNames<TimeoutOptions>({ message: true });
 * ```
 */
export function optionNames<Options extends object>(names: { readonly [Name in keyof Options]-?: true }): readonly (keyof Options & string)[] {
  return Object.freeze(Object.keys(names)) as readonly (keyof Options & string)[];
}

/**
 * The key under which the library's middleware carry a description of their
 * configuration, for `openApiDocument()` to read when it walks an app's
 * router. `Symbol.for`, so two copies of the package (a CommonJS and an ESM
 * one) still recognise each other's middleware. Read at most once per
 * document; never on a request.
 */
export const MIDDLEWARE_INFO: unique symbol = Symbol.for('kompliant-envelope.middleware-info');

/** A validated schema of `validate()`: whatever Standard Schema it was given. */
type SchemaParts = Readonly<Partial<Record<'body' | 'query' | 'params' | 'headers', unknown>>>;

/** What a middleware of the library says about itself: its kind and the options that shape its answers. */
export type MiddlewareInfo =
  | {
      readonly kind: 'envelope';
      readonly versions: readonly string[];
      /** Deprecated versions, with what each one's answers carry. */
      readonly deprecated: readonly { readonly version: string; readonly since: string; readonly sunset?: string }[];
      readonly contentTypes: readonly string[];
    }
  | { readonly kind: 'authenticate'; readonly headers: readonly string[]; readonly challenge: string | undefined }
  | { readonly kind: 'authorize' }
  | { readonly kind: 'rateLimit'; readonly standardHeaders: unknown; readonly legacyHeaders: boolean }
  | {
      readonly kind: 'maintenance';
      /** `true` or `false` when fixed, `undefined` when a function decides per request. */
      readonly enabled: boolean | undefined;
      readonly skip: ((req: never) => boolean) | undefined;
    }
  | { readonly kind: 'timeout'; readonly ms: number }
  | { readonly kind: 'validate'; readonly schemas: SchemaParts }
  | { readonly kind: 'validated'; readonly schema: unknown }
  | { readonly kind: 'versioned'; readonly versions: readonly string[] }
  | { readonly kind: 'describe'; readonly options: unknown }
  | { readonly kind: 'openapi' };

/**
 * Attaches `info` to `fn` under `MIDDLEWARE_INFO`: a non-enumerable,
 * read-only property, set once when the middleware is made. Returns `fn`.
 */
export function markMiddleware<Fn extends object>(fn: Fn, info: MiddlewareInfo): Fn {
  Object.defineProperty(fn, MIDDLEWARE_INFO, { value: Object.freeze(info), enumerable: false, writable: false, configurable: false });
  return fn;
}

/** What `markMiddleware()` attached to `fn`, if it is a function that has it. */
export function infoOf(fn: unknown): MiddlewareInfo | undefined {
  if (typeof fn !== 'function') return undefined;
  const info = (fn as { [MIDDLEWARE_INFO]?: MiddlewareInfo })[MIDDLEWARE_INFO];
  return info !== null && typeof info === 'object' && typeof info.kind === 'string' ? info : undefined;
}
