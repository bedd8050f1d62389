/**
 * API versions: the `versions` option is checked once, and each request's
 * `X-API-Version` header is resolved against it.
 */

/** Versions go into a response header and `meta.version`, so they are kept to a safe alphabet. */
const VERSION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The one version of an API that never declared any. */
export const IMPLICIT_VERSION = '1';

/** The checked `versions` option. */
export interface VersionSet {
  /** In the order given; the last is the latest. */
  readonly list: readonly string[];
  readonly latest: string;
  readonly supported: ReadonlySet<string>;
}

/**
 * Checks the `versions` option: a non-empty array of distinct strings of
 * letters, digits, `.`, `_` and `-` (at most 64), ordered oldest to latest.
 * Throws a `TypeError` or `RangeError` naming the problem.
 */
export function parseVersions(versions: readonly string[] | undefined): VersionSet {
  const list = versions ?? [IMPLICIT_VERSION];
  if (!Array.isArray(list) || list.length === 0) {
    throw new TypeError('The `versions` option must be a non-empty array of version strings, oldest first.');
  }
  for (const version of list) {
    if (typeof version !== 'string' || !VERSION_PATTERN.test(version)) {
      throw new TypeError(
        `Each entry of the \`versions\` option must be 1-64 letters, digits, ".", "_" or "-", got ${JSON.stringify(version)}.`,
      );
    }
  }
  const supported = new Set(list);
  if (supported.size !== list.length) {
    throw new RangeError('The `versions` option must not list a version twice.');
  }
  return Object.freeze({ list: Object.freeze([...list]), latest: list[list.length - 1] as string, supported });
}

/**
 * The version a request asked for: the header's value when supported, the
 * latest when the header is absent or empty, `undefined` when unsupported.
 * Duplicated headers arrive joined by Node (`"a, b"`) and are unsupported.
 */
export function resolveVersion(header: string | undefined, versions: VersionSet): string | undefined {
  if (header === undefined) return versions.latest;
  if (versions.supported.has(header)) return header;
  const trimmed = header.trim();
  if (trimmed === '') return versions.latest;
  return versions.supported.has(trimmed) ? trimmed : undefined;
}
