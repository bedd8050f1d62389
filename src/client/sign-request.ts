/**
 * `signRequest()`: the headers of an HMAC-signed request, for an API that
 * checks them with `hmacVerifier()` (`kompliant-envelope/auth`). Web Crypto
 * only, so it runs in browsers, workers and Node alike.
 */
import { parseHmacOptions, signedTextPrefix, type HmacOptions } from '../core/signature.js';

const ALGORITHMS = { sha256: 'SHA-256', sha512: 'SHA-512' } as const;

/** Lower-case hex of `bytes`. */
function hexOf(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/**
 * The headers a client sends for `hmacVerifier()`: the key id, the Unix
 * timestamp, a fresh nonce and the hex HMAC of
 * `timestamp \n nonce \n METHOD \n path?query \n body`. Sign exactly the bytes
 * you send, once per request: the server accepts each nonce once.
 *
 * @example
 * ```ts
 * const body = JSON.stringify({ order: 42 });
 * const headers = await signRequest({ secrets: { k1: secret } }, 'k1', 'POST', '/webhooks/orders', body);
 * await fetch(url, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body });
 * ```
 */
export async function signRequest(
  options: HmacOptions,
  keyId: string,
  method: string,
  pathWithQuery: string,
  body: string | Uint8Array = '',
  now: number = Date.now(),
): Promise<Record<string, string>> {
  const config = parseHmacOptions(options);
  const secret = config.secrets.get(keyId);
  if (secret === undefined) throw new TypeError(`No secret for the key id ${JSON.stringify(keyId)}.`);
  const timestamp = String(Math.floor(now / 1000));
  // 128 random bits: two signers never pick the same nonce within a window.
  const nonce = hexOf(globalThis.crypto.getRandomValues(new Uint8Array(16)));
  const encoder = new TextEncoder();
  const prefix = encoder.encode(signedTextPrefix(timestamp, nonce, method, pathWithQuery));
  const bytes = typeof body === 'string' ? encoder.encode(body) : body;
  const message = new Uint8Array(prefix.length + bytes.length);
  message.set(prefix, 0);
  message.set(bytes, prefix.length);
  const subtle = globalThis.crypto.subtle;
  const key = await subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: ALGORITHMS[config.algorithm] }, false, ['sign']);
  const signature = new Uint8Array(await subtle.sign('HMAC', key, message));
  const hex = hexOf(signature);
  return { [config.keyIdHeader]: keyId, [config.timestampHeader]: timestamp, [config.nonceHeader]: nonce, [config.signatureHeader]: hex };
}
