/**
 * Requests no route answers: which methods a path supports, read from the
 * app's own router, and the answer — "unknown path" (400 ROUTE_NOT_FOUND),
 * "known path, other method" (400 METHOD_NOT_ALLOWED with `Allow`) or OPTIONS
 * (200 with `Allow`). Runs only for such requests and for OPTIONS.
 *
 * Express 4 (`app._router`, `Layer#match` returning a boolean and setting
 * `layer.path`) and Express 5 (`app.router`, router 2's `Layer#match`, which
 * may return `{ path }`) are both read. Routers mounted with `use()` are
 * followed; sub-apps are opaque (Express wraps them in a closure), so their
 * routes count as unknown unless they mount their own `errorHandler()`.
 */

import type { IncomingMessage } from 'node:http';
import { STANDARD_ERRORS } from '../core/catalog.js';
import { entry, errorEnvelope, successEnvelope, type Envelope, type ErrorObject } from '../core/envelope.js';
import type { MutableContext } from './context.js';

interface LayerLike {
  match?: (path: string) => unknown;
  path?: string;
  route?: { methods?: Record<string, boolean | undefined> };
  handle?: { stack?: unknown };
}

interface AppLike {
  _router?: { stack?: unknown };
  router?: { stack?: unknown };
  path?: () => string;
}

/** The Express request fields read here; typed loosely so Express 4 and 5 both fit. */
export interface RoutedRequest extends IncomingMessage {
  app?: unknown;
  baseUrl?: string;
  path?: string;
  originalUrl?: string;
}

/** Every method a route of the app answers for `path`; `'*'` for `app.all()`. */
export type AllowedMethods = Set<string>;

const MAX_DEPTH = 16;

function collect(stack: unknown, path: string, into: AllowedMethods, depth: number): void {
  if (!Array.isArray(stack) || depth > MAX_DEPTH) return;
  for (const layer of stack as LayerLike[]) {
    if (typeof layer?.match !== 'function') continue;
    let matched: unknown;
    try {
      matched = layer.match(path);
    } catch {
      continue; // a malformed %-escape in a parameter: not this layer
    }
    if (!matched) continue;
    const methods = layer.route?.methods;
    if (methods !== undefined) {
      for (const method of Object.keys(methods)) {
        if (methods[method]) into.add(method === '_all' ? '*' : method.toUpperCase());
      }
      continue;
    }
    const nested = layer.handle?.stack;
    if (Array.isArray(nested)) {
      const consumed = typeof matched === 'object' && matched !== null ? (matched as { path?: unknown }).path : layer.path;
      const rest = path.slice(typeof consumed === 'string' ? consumed.length : 0);
      collect(nested, rest.startsWith('/') ? rest : `/${rest}`, into, depth + 1);
    }
  }
}

/**
 * The methods routes of `app` answer at `path` (the request path relative
 * to the app), upper-cased; HEAD is added where GET is, as Express does.
 */
export function allowedMethods(app: unknown, path: string): AllowedMethods {
  const found: AllowedMethods = new Set();
  const router = (app as AppLike | undefined)?._router ?? (app as AppLike | undefined)?.router;
  collect(router?.stack, path, found, 0);
  if (found.has('GET')) found.add('HEAD');
  return found;
}

/** The request path relative to `req.app`, as the app's router matched it. */
export function appRelativePath(app: unknown, baseUrl: string, path: string): string {
  const full = baseUrl + path;
  let mount = '';
  try {
    mount = typeof (app as AppLike)?.path === 'function' ? ((app as AppLike).path as () => string)() : '';
  } catch {
    mount = '';
  }
  return mount !== '' && full.startsWith(mount) ? full.slice(mount.length) || '/' : full;
}

/** The methods the routes of `req.app` answer at the request's path. */
export function routeMethods(req: RoutedRequest): AllowedMethods {
  return allowedMethods(req.app, appRelativePath(req.app, req.baseUrl ?? '', req.path ?? '/'));
}

const ROUTE_NOT_FOUND: readonly ErrorObject[] = Object.freeze([
  entry('ROUTE_NOT_FOUND', STANDARD_ERRORS.ROUTE_NOT_FOUND.message),
]);

/**
 * The answer for a request no route answered: 400 `ROUTE_NOT_FOUND`, 400
 * `METHOD_NOT_ALLOWED` with `Allow`, or for OPTIONS on a known path 200 with
 * `Allow` and `data.methods`.
 */
export function unmatchedAnswer(
  req: RoutedRequest,
  context: MutableContext,
  methods: AllowedMethods = routeMethods(req),
): { status: number; body: Envelope; headers?: Record<string, string> } {
  const method = req.method ?? 'GET';
  if (methods.size === 0 || methods.has('*') || (methods.has(method) && method !== 'OPTIONS')) {
    // Unknown path, or routes that all fell through with next().
    return { status: 400, body: errorEnvelope(context, ROUTE_NOT_FOUND, context.warnings) };
  }
  methods.add('OPTIONS');
  const allowed = [...methods].sort();
  const headers = { Allow: allowed.join(', ') };
  if (method === 'OPTIONS') {
    return { status: 200, body: successEnvelope(context, { methods: allowed }, context.warnings), headers };
  }
  const errors = [
    entry('METHOD_NOT_ALLOWED', `This path does not support ${method}. Allowed methods: ${headers.Allow}.`, {
      allowed_methods: allowed,
    }),
  ];
  return { status: 400, body: errorEnvelope(context, errors, context.warnings), headers };
}
