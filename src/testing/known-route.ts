/**
 * What `checkConformance()` learns from an Express app's own router: a path
 * a GET route answers, and a method no route answers there. Express 4
 * (`app._router`) and 5 (`app.router`) are both read; only routes declared
 * on the app itself with a plain string path count.
 */
import { allowedMethods } from '../express/not-found.js';

interface RouteLayerLike {
  route?: { path?: unknown; methods?: Record<string, boolean | undefined> };
}

/** A path made only of literal segments: no parameters, wildcards or pattern characters. */
const STATIC_PATH = /^\/[A-Za-z0-9._~\-/]*$/;

/**
 * The first GET route of `app` whose path is static, such as `/orders`;
 * `undefined` for a listener that is not an Express app or an app without one.
 */
export function discoverGetPath(app: unknown): string | undefined {
  const holder = app as { _router?: { stack?: unknown }; router?: { stack?: unknown } } | null | undefined;
  let stack: unknown;
  try {
    // Express 5 makes `app.router` on first read; that is harmless before the server starts.
    stack = holder?._router?.stack ?? holder?.router?.stack;
  } catch {
    return undefined;
  }
  if (!Array.isArray(stack)) return undefined;
  for (const layer of stack as RouteLayerLike[]) {
    const path = layer?.route?.path;
    if (layer?.route?.methods?.['get'] === true && typeof path === 'string' && STATIC_PATH.test(path)) return path;
  }
  return undefined;
}

/** Methods tried, in order, for the "unknown method" probe: common ones first. */
const CANDIDATES = ['PATCH', 'DELETE', 'PUT', 'POST', 'PROPFIND'] as const;

/**
 * A method no route of `app` answers at `path`, as the app's router says
 * (any listener that is not an Express app answers none); `undefined` when
 * every candidate is taken or a route answers all methods.
 */
export function unusedMethod(app: unknown, path: string): string | undefined {
  let taken: ReadonlySet<string>;
  try {
    taken = allowedMethods(app, path);
  } catch {
    taken = new Set();
  }
  if (taken.has('*')) return undefined;
  return CANDIDATES.find((method) => !taken.has(method));
}
