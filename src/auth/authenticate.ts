/**
 * `authenticate()` and `authorize()`: the spec's 401 and 403.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request } from 'express';
import { STANDARD_ERRORS } from '../core/catalog.js';
import { entry, type ErrorObject } from '../core/envelope.js';
import { clientApiError, isApiError } from '../core/api-error.js';
import type { NormalizedError } from '../core/normalize.js';
import { isHeaderName } from '../core/headers.js';
import { errorForNext } from '../express/async-handler.js';
import { checkOptionKeys, markMiddleware, optionNames } from '../core/options.js';
import { isThenable } from '../core/thenable.js';
import { peekContext, type MutableContext } from '../express/context.js';
import { normalizeForRequest } from '../express/map-errors.js';
import { sendError } from '../express/write.js';

/** Express's `next`; inlined in the API reference. @inline */
type Next = (error?: unknown) => void;
/** The middleware signature, on Node's request and response; inlined in the API reference. @inline */
type Middleware = (req: IncomingMessage, res: ServerResponse, next: Next) => void;

/** Options of `authenticate()`. */
export interface AuthenticateOptions<Principal> {
  /**
   * Headers every request must carry, e.g. `['X-API-Key']` or
   * `['Authorization']`; each missing one is a 401 `MISSING_CREDENTIALS`
   * naming it. @default [] (only `verify` decides)
   */
  readonly headers?: readonly string[];
  /**
   * Checks the credentials and returns who the caller is (any truthy value);
   * a falsy value is a 401 `AUTHENTICATION_FAILED`. May be async. A thrown
   * `ApiError`, http-errors error or upstream timeout is answered as
   * `normalizeError` maps it; anything else thrown is a 401
   * `AUTHENTICATION_FAILED` whose cause reaches `onError`.
   */
  readonly verify: (req: Request) => Principal | false | null | undefined | Promise<Principal | false | null | undefined>;
  /**
   * The `WWW-Authenticate` challenge sent with every 401.
   * @default 'Bearer' when `headers` lists Authorization, else `ApiKey header="<first header>"`, else none
   */
  readonly challenge?: string;
  /** The 401 message when `verify` refuses. @default 'The credentials are not valid.' */
  readonly message?: string;
}

// Kept in the request's context (see ../express/context.ts for why not on `req`);
// a WeakMap only for requests without one (no envelope(), or no Express).
const principals = new WeakMap<IncomingMessage, unknown>();

/** The context of `req`'s response under Express (which links `req.res`), if envelope() made one. */
function contextOfRequest(req: IncomingMessage): MutableContext | undefined {
  const res = (req as { res?: ServerResponse }).res;
  return res === undefined ? undefined : peekContext(res);
}

/**
 * Who `authenticate()` found the caller to be (what `verify` returned), or
 * `undefined` before or without it.
 *
 * @example
 * ```ts
 * const user = principalOf<User>(req);
 * ```
 */
export function principalOf<Principal = unknown>(req: IncomingMessage): Principal | undefined {
  const context = contextOfRequest(req);
  return (context !== undefined && context.principal !== undefined ? context.principal : principals.get(req)) as Principal | undefined;
}

const AUTHENTICATE_OPTIONS = optionNames<AuthenticateOptions<unknown>>({ headers: true, verify: true, challenge: true, message: true });
const AUTHORIZE_OPTIONS = optionNames<AuthorizeOptions>({ message: true, extra: true });

const SAFE_CHALLENGE = /^[\t\x20-\x7e]{1,512}$/;

/**
 * Requires credentials: missing headers → 401 `MISSING_CREDENTIALS` (one
 * error per header, with `header`); `verify` refusing → 401
 * `AUTHENTICATION_FAILED`; both with `WWW-Authenticate`. What `verify`
 * returns is the principal, read with `principalOf(req)`.
 *
 * @example
 * ```ts
 * app.use('/api', authenticate({ headers: ['X-API-Key'], verify: (req) => keys.find(req.headers['x-api-key']) }));
 * ```
 */
export function authenticate<Principal>(options: AuthenticateOptions<Principal>): Middleware {
  const needsVerify = 'authenticate() needs an options object with a `verify` function.';
  if (options === null || typeof options !== 'object') throw new TypeError(needsVerify);
  // Before `verify` is looked for: a misspelt `verify` is named as such.
  checkOptionKeys(options, AUTHENTICATE_OPTIONS, 'authenticate()');
  if (typeof options.verify !== 'function') throw new TypeError(needsVerify);
  const { headers = [], verify, message = 'The credentials are not valid.' } = options;
  if (!Array.isArray(headers) || !headers.every((h) => typeof h === 'string' && isHeaderName(h))) {
    throw new TypeError('The `headers` option of authenticate() must be an array of header names such as "X-API-Key".');
  }
  const challenge =
    options.challenge ??
    (headers.some((h) => h.toLowerCase() === 'authorization') ? 'Bearer' : headers[0] === undefined ? undefined : `ApiKey header="${headers[0]}"`);
  if (challenge !== undefined && (typeof challenge !== 'string' || !SAFE_CHALLENGE.test(challenge))) {
    throw new TypeError('The `challenge` option of authenticate() must be printable ASCII, 1-512 characters.');
  }
  if (typeof message !== 'string' || message === '') throw new TypeError('The `message` option of authenticate() must be a non-empty string.');

  const challengeHeaders = challenge === undefined ? undefined : Object.freeze({ 'WWW-Authenticate': challenge });
  const lowerNames = headers.map((h) => h.toLowerCase());
  const missingAnswers = headers.map((name) => entry('MISSING_CREDENTIALS', `The ${name} header is required.`, { header: name }));
  const refused: NormalizedError = Object.freeze({
    status: STANDARD_ERRORS.AUTHENTICATION_FAILED.status,
    errors: Object.freeze([entry('AUTHENTICATION_FAILED', message)]),
    headers: challengeHeaders,
  });

  const accept = (req: IncomingMessage, res: ServerResponse, next: Next, principal: unknown) => {
    if (!principal) return sendError(res, refused);
    // Where principalOf(req) looks: the context req.res leads to, else the WeakMap.
    const context = contextOfRequest(req);
    if (context === undefined) principals.set(req, principal);
    else context.principal = principal;
    next();
  };
  // An error that already says what it is (an ApiError, a 500 one included —
  // hmacVerifier()'s configuration and store errors —, an http-error, an
  // upstream timeout → 504) is answered as such; any other failure of
  // `verify` is a failed authentication, its cause kept for onError.
  // `envelope({ mapErrors })` is asked too: a team's mapping of its auth library's errors is kept.
  const reject = (res: ServerResponse, next: Next, error: unknown) => {
    if (error && (isApiError(error) || normalizeForRequest(error, peekContext(res)).status !== 500)) return next(error);
    next(clientApiError(401, 'AUTHENTICATION_FAILED', message, undefined, { cause: error, ...(challengeHeaders ? { headers: challengeHeaders } : {}) }));
  };

  const middleware: Middleware = (req, res, next) => {
    let missing: ErrorObject[] | undefined;
    for (let i = 0; i < lowerNames.length; i++) {
      const value = req.headers[lowerNames[i] as string];
      if (value === undefined || value === '') (missing ??= []).push(missingAnswers[i] as ErrorObject);
    }
    if (missing !== undefined) {
      return sendError(res, { status: 401, errors: missing, headers: challengeHeaders });
    }
    let result: ReturnType<typeof verify>;
    try {
      result = verify(req as Request);
    } catch (error) {
      return reject(res, next, error);
    }
    if (isThenable(result)) {
      result.then((principal) => accept(req, res, next, principal), (error: unknown) => reject(res, next, error));
    } else {
      accept(req, res, next, result);
    }
  };
  return markMiddleware(middleware, { kind: 'authenticate', headers: Object.freeze([...headers]), challenge });
}

/** Options of `authorize()`. */
export interface AuthorizeOptions {
  /** The 403 message. @default STANDARD_ERRORS.NOT_AUTHORIZED.message */
  readonly message?: string;
  /** Extra fields of the 403 error, e.g. `{ required_role: 'admin' }`. @default none */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/**
 * Requires permission: `check(req, principal)` returning false (or a
 * promise of false) → 403 `NOT_AUTHORIZED`. Errors it throws go to the error
 * handler. Mount it after `authenticate()`.
 *
 * @example
 * ```ts
 * app.delete('/orders/:id', authorize((req, user: User) => user.roles.includes('admin')), deleteOrder);
 * ```
 */
export function authorize<Principal = unknown>(
  check: (req: Request, principal: Principal | undefined) => boolean | Promise<boolean>,
  options: AuthorizeOptions = {},
): Middleware {
  if (typeof check !== 'function') throw new TypeError('authorize() needs a check function.');
  checkOptionKeys(options, AUTHORIZE_OPTIONS, 'authorize()');
  const { message = STANDARD_ERRORS.NOT_AUTHORIZED.message, extra } = options;
  if (typeof message !== 'string' || message === '') throw new TypeError('The `message` option of authorize() must be a non-empty string.');
  const forbidden: NormalizedError = Object.freeze({
    status: STANDARD_ERRORS.NOT_AUTHORIZED.status,
    errors: Object.freeze([entry('NOT_AUTHORIZED', message, extra)]),
    headers: undefined,
  });
  const decide = (res: ServerResponse, next: Next, allowed: unknown) => (allowed === true ? next() : sendError(res, forbidden));

  return markMiddleware<Middleware>((req, res, next) => {
    let allowed: boolean | Promise<boolean>;
    try {
      allowed = check(req as Request, principalOf<Principal>(req));
    } catch (error) {
      return next(errorForNext(error));
    }
    if (isThenable(allowed)) {
      // A rejection without a reason must not read as next() — "allowed".
      allowed.then((value) => decide(res, next, value), (error: unknown) => next(errorForNext(error)));
    } else {
      decide(res, next, allowed);
    }
  }, { kind: 'authorize' });
}
