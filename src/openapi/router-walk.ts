/**
 * Walks an Express 4 or 5 app's router once and lists its operations: the
 * method, the OpenAPI path template, and the library's middleware met on the
 * way (app-level and router-level `use()`, then the route's own handlers),
 * in order. Paths that OpenAPI cannot state exactly (optional parts,
 * wildcards, regular expressions) are listed as skipped, never guessed.
 * Reads Express internals (`app._router` / `app.router`, `layer.route`,
 * `layer.regexp` and `keys` on 4, `layer.rawPath` on 5): run once per
 * document, never on a request. Internal.
 */
import { infoOf, type MiddlewareInfo } from '../core/options.js';

/** An operation found in the router. */
export interface FoundOperation {
  /** Lower case: `get`, `post`, … */
  readonly method: string;
  /** The OpenAPI path template: `/accounts/{id}`. */
  readonly path: string;
  /** The path parameters, in order. */
  readonly params: readonly string[];
  /** The library's middleware on the way to the route, outermost first, the route's own last. */
  readonly chain: readonly MiddlewareInfo[];
}

/** A route `openApiDocument()` could not describe, and why. */
export interface SkippedRoute {
  /** Upper case (`GET`), or `undefined` for a whole mounted router or app. */
  readonly method: string | undefined;
  /** The path as Express has it, as far as it can be read. */
  readonly path: string;
  readonly reason: string;
}

/** The methods an OpenAPI Path Item can hold. */
const OPENAPI_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** A parsed path: its template and parameters, or why it cannot be one. */
type Parsed = { readonly template: string; readonly params: readonly string[] } | { readonly reason: string };

interface Layer {
  readonly handle?: unknown;
  readonly route?: { readonly path: unknown; readonly methods?: Record<string, unknown>; readonly stack?: readonly Layer[] };
  readonly method?: string;
  /** Express 4 (path-to-regexp 0.1). */
  readonly regexp?: RegExp & { fast_slash?: boolean };
  readonly keys?: readonly { readonly name: string | number; readonly optional?: boolean }[];
  /** Express 5 (router ≥ 2.3). */
  readonly rawPath?: unknown;
  readonly slash?: boolean;
  readonly matchers?: unknown;
}

interface Scoped {
  readonly info: MiddlewareInfo;
  /** The path template prefix it is mounted on ('' for everything). */
  readonly scope: string;
}

const PARAM = /:([A-Za-z_$][\w$]*)/g;
/** What path-to-regexp treats as more than a literal in Express 4 or 5. */
const SPECIAL = /[*?+()[\]{}!\\|^$]/;

/** `/accounts/:id` → `/accounts/{id}`; optional parts, wildcards and patterns are refused with the reason. */
export function parsePath(path: unknown): Parsed {
  if (path instanceof RegExp) return { reason: 'a regular expression path' };
  if (typeof path !== 'string') return { reason: 'a path that is not a string' };
  if (SPECIAL.test(path)) return { reason: 'an optional, wildcard or pattern path' };
  const params: string[] = [];
  const template = path.replace(PARAM, (_match, name: string) => {
    params.push(name);
    return `{${name}}`;
  });
  if (template.includes(':')) return { reason: 'a path parameter name OpenAPI cannot carry' };
  if (new Set(params).size !== params.length) return { reason: 'a path that names a parameter twice' };
  return { template: template === '/' ? '' : template, params };
}

const END_4 = '\\/?(?=\\/|$)';
const PARAM_4 = /^\(\?:\\\/\(\[\^\\?\/\]\+\?\)\)/;

/** An Express 4 mount path, read back from the regexp path-to-regexp 0.1 made of it. */
function mountPath4(layer: Layer): Parsed {
  const regexp = layer.regexp;
  if (regexp === undefined) return { reason: 'a mount path that cannot be read' };
  if (regexp.fast_slash === true) return { template: '', params: [] };
  const source = regexp.source;
  if (!source.startsWith('^') || !source.endsWith(END_4)) return { reason: 'a regular expression or list mount path' };
  const keys = layer.keys ?? [];
  const params: string[] = [];
  let template = '';
  let rest = source.slice(1, -END_4.length);
  while (rest !== '') {
    const param = PARAM_4.exec(rest);
    if (param !== null) {
      const key = keys[params.length];
      if (key === undefined || key.optional === true || typeof key.name !== 'string') return { reason: 'an optional or unnamed mount path parameter' };
      params.push(key.name);
      template += `/{${key.name}}`;
      rest = rest.slice(param[0].length);
    } else if (rest.startsWith('\\') && rest.length > 1) {
      template += rest[1];
      rest = rest.slice(2);
    } else if (/^[\w\-~%@,;=&']/.test(rest)) {
      template += rest[0];
      rest = rest.slice(1);
    } else {
      return { reason: 'an optional, wildcard or pattern mount path' };
    }
  }
  return params.length === keys.length ? { template, params } : { reason: 'a mount path that cannot be read' };
}

/** The paths a `use()` layer is mounted on: one for a string, several for an array (Express 5). */
function mountPaths(layer: Layer): Parsed[] {
  if (layer.regexp !== undefined) return [mountPath4(layer)];
  const raw = layer.rawPath;
  // router < 2.3 (Express 5.0 / 5.1) keeps no mount path; only '/' can be told (`slash`).
  if (raw === undefined) return [layer.slash === true ? { template: '', params: [] } : { reason: 'a mount path this version of router does not keep (router 2.3+ does)' }];
  return (Array.isArray(raw) ? raw : [raw]).map(parsePath);
}

function routePaths(path: unknown): unknown[] {
  return Array.isArray(path) ? path.flat(Infinity) : [path];
}

function join(prefix: string, template: string): string {
  const joined = `${prefix}/${template}`.replace(/\/{2,}/g, '/').replace(/\/$/, '');
  return joined === '' ? '/' : joined;
}

function segmentsMatch(scope: string, path: string): boolean {
  if (scope === '' || scope === '/') return true;
  const outer = scope.split('/');
  const inner = path.split('/');
  if (outer.length > inner.length) return false;
  return outer.every((segment, i) => segment === inner[i] || segment.startsWith('{') || (inner[i] as string).startsWith('{'));
}

function printable(path: unknown): string {
  if (typeof path === 'string') return path;
  if (path instanceof RegExp) return String(path);
  return JSON.stringify(path) ?? String(path);
}

/** The stack of an app or a router: Express 4's `_router` (made on demand), Express 5's `router`. */
export function stackOf(app: unknown): readonly Layer[] {
  if (typeof app !== 'function' && (app === null || typeof app !== 'object')) {
    throw new TypeError('openApiDocument() needs an Express app or router, got ' + (app === null ? 'null' : typeof app) + '.');
  }
  const candidate = app as { stack?: unknown; lazyrouter?: () => void; _router?: { stack?: unknown }; router?: { stack?: unknown } };
  if (Array.isArray(candidate.stack)) return candidate.stack as Layer[];
  // Express 4 makes its router on first use, and its `app.router` getter throws.
  if (typeof candidate.lazyrouter === 'function') {
    candidate.lazyrouter();
    if (Array.isArray(candidate._router?.stack)) return candidate._router.stack as Layer[];
  } else if (Array.isArray(candidate.router?.stack)) {
    return candidate.router.stack as Layer[];
  }
  throw new TypeError('openApiDocument() needs an Express 4 or 5 app (express()) or router (express.Router()).');
}

/** Every operation of `app`, in the order Express would try them, and what was skipped. */
export function walkRouter(app: unknown): { operations: FoundOperation[]; skipped: SkippedRoute[] } {
  const operations: FoundOperation[] = [];
  const skipped: SkippedRoute[] = [];

  const walk = (stack: readonly Layer[], prefix: string, prefixParams: readonly string[], inherited: readonly Scoped[], printedPrefix: string): void => {
    const chain = [...inherited];
    for (const layer of stack) {
      const handle = layer.handle;
      if (layer.route !== undefined) {
        addRoute(layer.route, prefix, prefixParams, chain, printedPrefix);
        continue;
      }
      if (typeof handle !== 'function') continue;
      // Error handlers (four arguments) answer only what others threw.
      if (handle.length === 4) continue;
      const nested = (handle as { stack?: unknown }).stack;
      if (Array.isArray(nested)) {
        for (const mount of mountPaths(layer)) {
          if ('reason' in mount) {
            skipped.push({ method: undefined, path: `${printedPrefix}${printable(layer.rawPath ?? layer.regexp)}`, reason: mount.reason });
          } else {
            walk(nested as Layer[], join(prefix, mount.template), [...prefixParams, ...mount.params], chain, `${printedPrefix}${mount.template}`);
          }
        }
        continue;
      }
      if ((handle as { name?: string }).name === 'mounted_app') {
        skipped.push({
          method: undefined,
          path: `${printedPrefix}${printable(layer.rawPath ?? layer.regexp)}`,
          reason: 'a mounted sub-app (app.use(path, otherApp)): describe it with its own openApiDocument()',
        });
        continue;
      }
      const info = infoOf(handle);
      if (info === undefined) continue;
      // A middleware mounted on a path that cannot be read is kept for everything below: it may answer there.
      const scopes = mountPaths(layer).map((mount) => ('reason' in mount ? prefix : join(prefix, mount.template)));
      for (const scope of new Set(scopes)) chain.push({ info, scope });
    }
  };

  const addRoute = (route: NonNullable<Layer['route']>, prefix: string, prefixParams: readonly string[], chain: readonly Scoped[], printedPrefix: string): void => {
    let methods = Object.keys(route.methods ?? {}).filter((method) => route.methods?.[method]);
    // app.all() registers the route once per method Node knows (route.all() as `_all`): one skip, not thirty.
    // Every method OpenAPI has plus others (PROPFIND, M-SEARCH, …) can only be that.
    if ([...OPENAPI_METHODS].every((method) => methods.includes(method)) && methods.some((method) => !OPENAPI_METHODS.has(method))) {
      methods = ['_all'];
    }
    // route.all(middleware).get(handler): the methods named are the operations; `all` runs before each.
    if (methods.length > 1) methods = methods.filter((method) => method !== '_all');
    for (const rawPath of routePaths(route.path)) {
      const parsed = parsePath(rawPath);
      const printed = `${printedPrefix}${printable(rawPath)}`;
      if ('reason' in parsed) {
        for (const method of methods) skipped.push({ method: method === '_all' ? 'ALL' : method.toUpperCase(), path: printed, reason: parsed.reason });
        continue;
      }
      const path = join(prefix, parsed.template);
      const params = [...prefixParams, ...parsed.params];
      if (new Set(params).size !== params.length) {
        for (const method of methods) skipped.push({ method: method.toUpperCase(), path: printed, reason: 'a path that names a parameter twice' });
        continue;
      }
      const outer = chain.filter((scoped) => segmentsMatch(scoped.scope, path)).map((scoped) => scoped.info);
      for (const method of methods) {
        if (method === '_all') {
          skipped.push({ method: 'ALL', path: printed, reason: 'app.all() / route.all() answers every method; OpenAPI lists methods one by one' });
          continue;
        }
        if (!OPENAPI_METHODS.has(method)) {
          skipped.push({ method: method.toUpperCase(), path: printed, reason: `${method.toUpperCase()} is not a method OpenAPI 3.1 can describe` });
          continue;
        }
        const own: MiddlewareInfo[] = [];
        for (const layer of route.stack ?? []) {
          if (layer.method !== undefined && layer.method !== method) continue;
          const info = infoOf(layer.handle);
          if (info !== undefined) own.push(info);
        }
        operations.push({ method, path, params, chain: [...outer, ...own] });
      }
    }
  };

  walk(stackOf(app), '', [], [], '');
  return { operations, skipped };
}
