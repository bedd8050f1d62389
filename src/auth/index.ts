/**
 * kompliant-envelope/auth: 401 and 403 as envelopes — `authenticate()`,
 * `authorize()`, `principalOf()`, and HMAC request signatures
 * (`hmacVerifier()`, `keepRawBody`, `rawBodyOf()`; the signer,
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
export { hmacVerifier, keepRawBody, rawBodyOf, type HmacPrincipal } from './hmac.js';
export type { HmacOptions } from '../core/signature.js';
