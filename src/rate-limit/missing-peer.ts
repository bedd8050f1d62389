/**
 * Loading an optional peer dependency with a message that says what to
 * install when it is missing. Shared by both builds of `peer.ts`, which
 * differ only in how they get a `require`.
 */

/** The message when express-rate-limit is not installed. */
export const MISSING_PEER_MESSAGE =
  'kompliant-envelope/rate-limit needs the express-rate-limit package (an optional peer dependency). Install it: npm install express-rate-limit';

/** True when `error` says that `name` itself could not be found (not a module that it imports). */
export function isMissingPackage(error: unknown, name: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === 'MODULE_NOT_FOUND' && typeof message === 'string' && message.includes(`'${name}'`);
}

/** `load()`'s module, or an `Error` with code `ERR_MISSING_PEER_DEPENDENCY` that names the package to install. */
export function loadPeer<T>(load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (!isMissingPackage(error, 'express-rate-limit')) throw error;
    throw Object.assign(new Error(MISSING_PEER_MESSAGE, { cause: error }), { code: 'ERR_MISSING_PEER_DEPENDENCY' });
  }
}
