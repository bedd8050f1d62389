/**
 * `versioned()`: one route, a handler per API version.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { STANDARD_ERRORS } from '../core/catalog.js';
import { entry } from '../core/envelope.js';
import { IMPLICIT_VERSION, parseVersions, type VersionSet } from '../core/version.js';
import { markMiddleware } from '../core/options.js';
import { runHandler } from '../express/async-handler.js';
import { contextOf } from '../express/context.js';
import { forward, sendError } from '../express/write.js';

/** Express's `next`; inlined in the API reference. @inline */
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

  return markMiddleware((req: IncomingMessage, res: ServerResponse, next: Next) => {
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
  }, { kind: 'versioned', versions: Object.freeze(Object.keys(handlers)) });
}
