/**
 * Evolving an API behind `X-API-Version`: handlers per version, and
 * deprecated versions announced with a warning and the standard headers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { STANDARD_ERRORS } from '../core/catalog.js';
import { entry, type WarningObject } from '../core/envelope.js';
import { IMPLICIT_VERSION, parseVersions, type VersionSet } from '../core/version.js';
import { runHandler } from './async-handler.js';
import { contextOf } from './context.js';
import { forward, sendError } from './respond.js';

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

type Next = (error?: unknown) => void;
/** A route handler, sync or async. */
export type VersionedHandler = (req: Request, res: Response, next: NextFunction) => unknown;

/** For each version of a `VersionSet`, the handler that serves it, or the 400 when none does. */
type Plan = ReadonlyMap<string, VersionedHandler | undefined>;

const IMPLICIT_VERSIONS = parseVersions(undefined);

/**
 * One route, several implementations: the handler of the newest version
 * not newer than the request's (by the order of `envelope()`'s `versions`).
 * A request older than every listed version gets 400
 * `UNSUPPORTED_API_VERSION`. A version `envelope()` does not know is a
 * programming error: 500, reported. Async handlers' rejections reach the
 * error handler, on Express 4 too.
 *
 * @example
 * ```ts
 * app.get('/orders/:id', versioned({ '2024-01-01': getOrderV1, '2025-06-01': getOrderV2 }));
 * ```
 */
export function versioned(handlers: Readonly<Record<string, VersionedHandler>>): (req: IncomingMessage, res: ServerResponse, next: Next) => void {
  if (handlers === null || typeof handlers !== 'object' || Object.keys(handlers).length === 0) {
    throw new TypeError('versioned() needs an object of version → handler.');
  }
  for (const [version, handler] of Object.entries(handlers)) {
    if (typeof handler !== 'function') throw new TypeError(`The handler of version ${JSON.stringify(version)} must be a function.`);
  }
  const plans = new WeakMap<VersionSet, Plan>();

  const planFor = (versions: VersionSet): Plan => {
    let plan = plans.get(versions);
    if (plan !== undefined) return plan;
    const unknown = Object.keys(handlers).filter((v) => !versions.supported.has(v));
    if (unknown.length > 0) {
      throw new TypeError(`versioned() names ${unknown.join(', ')}, which envelope() does not list in \`versions\`.`);
    }
    const table = new Map<string, VersionedHandler | undefined>();
    let current: VersionedHandler | undefined;
    for (const version of versions.list) {
      // Own keys only: a version named "toString" must not find Object.prototype's.
      if (Object.hasOwn(handlers, version)) current = handlers[version];
      table.set(version, current);
    }
    plan = table;
    plans.set(versions, plan);
    return plan;
  };

  return (req, res, next) => {
    const context = contextOf(res);
    const versions = context.versions ?? IMPLICIT_VERSIONS;
    let handler: VersionedHandler | undefined;
    try {
      handler = planFor(versions).get(context.version ?? IMPLICIT_VERSION);
    } catch (error) {
      return forward(res, error);
    }
    if (handler === undefined) {
      const first = versions.list.find((v) => Object.hasOwn(handlers, v)) as string;
      const available = versions.list.slice(versions.list.indexOf(first));
      return sendError(res, {
        status: STANDARD_ERRORS.UNSUPPORTED_API_VERSION.status,
        errors: [
          entry('UNSUPPORTED_API_VERSION', `This endpoint is available from API version ${first}.`, { supported_versions: available }),
        ],
        headers: undefined,
      });
    }
    runHandler(handler, req as Request, res as Response, next as NextFunction);
  };
}
