/**
 * Loads express-rate-limit, an optional peer dependency that only this
 * subpath needs, with a message that says what to install when it is
 * missing. (The ES module build ships its own copy of this file, which makes
 * `require` with `createRequire(import.meta.url)`; see package.json's build.)
 */
import type * as ExpressRateLimit from 'express-rate-limit';

/** The message when express-rate-limit is not installed. */
export const MISSING_PEER_MESSAGE =
  'kompliant-envelope/rate-limit needs the express-rate-limit package (an optional peer dependency). Install it: npm install express-rate-limit';

/** True when `error` says that `name` itself could not be found (not a module that it imports). */
export function isMissingPackage(error: unknown, name: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === 'MODULE_NOT_FOUND' && typeof message === 'string' && message.includes(`'${name}'`);
}

/** express-rate-limit's module, or an `Error` with code `ERR_MISSING_PEER_DEPENDENCY` that names the package to install. */
export function loadExpressRateLimit(): typeof ExpressRateLimit {
  try {
    return require('express-rate-limit') as typeof ExpressRateLimit;
  } catch (error) {
    if (!isMissingPackage(error, 'express-rate-limit')) throw error;
    throw Object.assign(new Error(MISSING_PEER_MESSAGE, { cause: error }), { code: 'ERR_MISSING_PEER_DEPENDENCY' });
  }
}
