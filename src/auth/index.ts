/**
 * kompliant-envelope/auth: 401 and 403 as envelopes — `authenticate()`,
 * `authorize()`, `principalOf()`, and HMAC request signatures
 * (`hmacVerifier()`, `keepRawBody`, `rawBodyOf()`, and the nonce stores
 * `memoryNonceStore()` and `redisNonceStore()`; the signer,
 * `signRequest()`, is in `kompliant-envelope/client`). Every export is
 * listed here by name.
 *
 * @module kompliant-envelope/auth
 */
export {
  authenticate,
  authorize,
  principalOf,
  type AuthenticateOptions,
  type AuthorizeOptions,
} from './authenticate.js';
export { hmacVerifier, keepRawBody, rawBodyOf, type HmacPrincipal, type HmacVerifierOptions } from './hmac.js';
export {
  memoryNonceStore,
  redisNonceStore,
  type MemoryNonceStoreOptions,
  type NonceStore,
  type RedisNonceStoreOptions,
} from './nonce-store.js';
export type { HmacOptions } from '../core/signature.js';
