/**
 * The demo's API keys and the `verify` that `authenticate()` calls with each
 * request that carries an `X-API-Key`.
 */
import type { Request } from 'express';

/** What an API key may do: an admin key may also do what a reader key may. */
export type ApiKeyRole = 'admin' | 'reader';

/** Who the caller is, as `principalOf(req)` gives it to the routes. The key itself is not kept. */
export interface ApiKeyPrincipal {
  readonly role: ApiKeyRole;
}

/** The demo's API keys and their roles. Demo only: real keys never live in code. */
export const DEMO_API_KEYS: Readonly<Record<string, ApiKeyRole>> = Object.freeze({
  'demo-admin-key': 'admin',
  'demo-reader-key': 'reader',
});

/** The principal of a known key, else `false` (401 AUTHENTICATION_FAILED). A missing header never gets here. */
export function verifyApiKey(req: Request): ApiKeyPrincipal | false {
  const key = req.get('X-API-Key');
  // Object.hasOwn: a key named "constructor" or "__proto__" is unknown, not inherited.
  const role = key !== undefined && Object.hasOwn(DEMO_API_KEYS, key) ? DEMO_API_KEYS[key] : undefined;
  return role === undefined ? false : { role };
}
