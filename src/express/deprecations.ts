/**
 * Deprecated API versions, compiled once from `envelope()`'s `deprecations`
 * option: the `API_VERSION_DEPRECATED` warning and the `Deprecation`,
 * `Sunset` and `Link` headers each of their requests gets.
 */
import { entry, type WarningObject } from '../core/envelope.js';
import { checkOptionKeys, optionNames } from '../core/options.js';
import type { VersionSet } from '../core/version.js';

const DEPRECATION_OPTIONS = optionNames<Deprecation>({ since: true, sunset: true, link: true });

/** How a version is deprecated. */
export interface Deprecation {
  /** When the version was deprecated (a date or ISO 8601 string): the `Deprecation` header. */
  readonly since: Date | string;
  /** When it stops working (a date or ISO 8601 string): the `Sunset` header. @default none */
  readonly sunset?: Date | string;
  /** A page about the deprecation and how to upgrade: a `Link` header with rel="deprecation". @default none */
  readonly link?: string;
}

/** What a deprecated version adds to each of its requests, built once. */
export interface CompiledDeprecation {
  readonly warning: WarningObject;
  readonly headers: readonly (readonly [string, string])[];
}

function toDate(value: Date | string, what: string): Date {
  const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) throw new TypeError(`The ${what} must be a Date or an ISO 8601 date string, got ${String(value)}.`);
  return date;
}

/**
 * Checks `envelope()`'s `deprecations` option against its versions: only
 * known versions, never the latest, valid dates, an absolute http(s) link.
 */
export function compileDeprecations(
  deprecations: Readonly<Record<string, Deprecation>> | undefined,
  versions: VersionSet,
): ReadonlyMap<string, CompiledDeprecation> | undefined {
  if (deprecations === undefined) return undefined;
  if (deprecations === null || typeof deprecations !== 'object') {
    throw new TypeError('The `deprecations` option must be an object of version → { since, sunset?, link? }.');
  }
  const compiled = new Map<string, CompiledDeprecation>();
  for (const version of Object.keys(deprecations)) {
    if (!versions.supported.has(version)) throw new TypeError(`The \`deprecations\` option names ${JSON.stringify(version)}, which is not in \`versions\`.`);
    if (version === versions.latest) throw new TypeError(`The latest version (${version}) cannot be deprecated.`);
    // A misspelt `sunset` would otherwise go unsent without a word.
    checkOptionKeys(deprecations[version], DEPRECATION_OPTIONS, `envelope()'s deprecation of version ${JSON.stringify(version)}`);
    const { since, sunset, link } = deprecations[version] as Deprecation;
    const sinceDate = toDate(since, `\`since\` of ${version}`);
    const sunsetDate = sunset === undefined ? undefined : toDate(sunset, `\`sunset\` of ${version}`);
    if (link !== undefined) {
      let url: URL;
      try {
        url = new URL(link);
      } catch {
        throw new TypeError(`The \`link\` of ${version} must be an absolute URL.`);
      }
      if ((url.protocol !== 'https:' && url.protocol !== 'http:') || /[\s<>"]/.test(link)) {
        throw new TypeError(`The \`link\` of ${version} must be an http(s) URL without spaces, quotes or angle brackets.`);
      }
    }
    const headers: [string, string][] = [['Deprecation', `@${Math.floor(sinceDate.getTime() / 1000)}`]];
    if (sunsetDate !== undefined) headers.push(['Sunset', sunsetDate.toUTCString()]);
    if (link !== undefined) headers.push(['Link', `<${link}>; rel="deprecation"`]);
    const until = sunsetDate === undefined ? '' : ` and stops working on ${sunsetDate.toISOString().slice(0, 10)}`;
    const warning = entry('API_VERSION_DEPRECATED', `API version ${version} is deprecated${until}. Upgrade to ${versions.latest}.`, {
      version,
      deprecated_since: sinceDate.toISOString(),
      ...(sunsetDate === undefined ? {} : { sunset: sunsetDate.toISOString() }),
      latest_version: versions.latest,
      ...(link === undefined ? {} : { link }),
    });
    compiled.set(version, Object.freeze({ warning: Object.freeze(warning), headers: Object.freeze(headers) }));
  }
  return compiled;
}
