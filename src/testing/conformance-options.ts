/**
 * The options of `checkConformance()`: their types, defaults and the one
 * place they are checked.
 */
import { DEFAULT_MAX_BODY_SIZE } from '../core/guards.js';
import { MAX_TIMER_MS, checkOptionKeys, optionNames } from '../core/options.js';

/** Options of `checkConformance()`. */
export interface ConformanceOptions {
  /**
   * A path a GET route of the app answers, e.g. `/orders`: the "unknown
   * method" probe sends another method there, and the body and version
   * probes are sent to it.
   * @default the first GET route of the app with a static path, read from the
   * app's router; without one (a plain listener, or only parameterised
   * routes) the "unknown method" probe is skipped and the others use `/`
   */
  readonly knownPath?: string;
  /**
   * The body size limit the app enforces (`envelope({ maxBodySize })`):
   * the oversize probe declares one byte more.
   * @default 104857600 (100 MB, the spec's limit)
   */
  readonly maxBodySize?: number;
  /** A path whose GET throws, to check the 500 answer. @default none (the crash probe is skipped) */
  readonly crashPath?: string;
  /** The message that route throws: it must not reach the client. Needs `crashPath`. @default none */
  readonly crashMessage?: string;
  /** How long each probe may take, in milliseconds. @default 5000 */
  readonly timeoutMs?: number;
}

/** The checked options, with their defaults. */
export interface ResolvedConformanceOptions {
  readonly knownPath: string | undefined;
  readonly maxBodySize: number;
  readonly crashPath: string | undefined;
  readonly crashMessage: string | undefined;
  readonly timeoutMs: number;
}

/** 5 s per probe. */
export const DEFAULT_PROBE_TIMEOUT_MS = 5000;

const KNOWN_OPTIONS = optionNames<ConformanceOptions>({ knownPath: true, maxBodySize: true, crashPath: true, crashMessage: true, timeoutMs: true });
/** A path that goes as it is into a request line: visible ASCII, starting with `/`. */
const PATH_PATTERN = /^\/[\x21-\x7e]*$/;

function checkPath(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !PATH_PATTERN.test(value)) {
    throw new TypeError(`The \`${name}\` option of checkConformance() must be a path starting with "/" (visible ASCII only), got ${JSON.stringify(value)}.`);
  }
  return value;
}

/**
 * Checks the options once: an unknown one throws a `TypeError` naming the
 * nearest known one, a number out of range a `RangeError`, any other bad
 * value a `TypeError`.
 */
export function parseConformanceOptions(options: unknown): ResolvedConformanceOptions {
  if (options === undefined) options = {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError('The options of checkConformance() must be an object.');
  }
  checkOptionKeys(options, KNOWN_OPTIONS, 'checkConformance()');
  const given = options as Record<string, unknown>;
  const { maxBodySize = DEFAULT_MAX_BODY_SIZE, crashMessage, timeoutMs = DEFAULT_PROBE_TIMEOUT_MS } = given;
  const knownPath = checkPath(given['knownPath'], 'knownPath');
  const crashPath = checkPath(given['crashPath'], 'crashPath');
  // One byte more than the limit is declared, so the limit itself must leave room for it.
  if (typeof maxBodySize !== 'number' || !Number.isSafeInteger(maxBodySize + 1) || maxBodySize < 0) {
    throw new RangeError(`The \`maxBodySize\` option of checkConformance() must be a whole number of bytes, 0 or more, got ${String(maxBodySize)}.`);
  }
  if (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw new RangeError(`The \`timeoutMs\` option of checkConformance() must be a whole number of milliseconds above 0, got ${String(timeoutMs)}.`);
  }
  if (timeoutMs > MAX_TIMER_MS) {
    throw new RangeError(`The \`timeoutMs\` option of checkConformance() takes at most ${MAX_TIMER_MS} milliseconds (the longest timer Node keeps), got ${timeoutMs}.`);
  }
  if (crashMessage !== undefined) {
    if (typeof crashMessage !== 'string' || crashMessage === '') {
      throw new TypeError(`The \`crashMessage\` option of checkConformance() must be a non-empty string, got ${String(crashMessage)}.`);
    }
    if (crashPath === undefined) throw new TypeError('The `crashMessage` option of checkConformance() needs the `crashPath` option.');
  }
  return Object.freeze({ knownPath, maxBodySize, crashPath, crashMessage, timeoutMs });
}
