/**
 * Request signatures ("the signature does not match", in the spec's words):
 * a verifier for `authenticate()` that checks an HMAC of the request with a
 * timing-safe comparison and a replay window. The signer is `signRequest()`
 * in `kompliant-envelope/client`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Request } from 'express';
import { clientApiError } from '../core/api-error.js';
import { parseHmacOptions, signedTextPrefix, type HmacOptions } from '../core/signature.js';

const rawBodyKey: unique symbol = Symbol('kompliant-envelope.rawBody');
type WithRawBody = IncomingMessage & { [rawBodyKey]?: Buffer };

/**
 * A body parser `verify` hook that keeps the exact bytes received, which a
 * signature is computed over: `express.json({ verify: keepRawBody })`.
 */
export function keepRawBody(req: IncomingMessage, _res: unknown, buffer: Buffer): void {
  (req as WithRawBody)[rawBodyKey] = buffer;
}

/** The bytes `keepRawBody` kept, or an empty buffer. */
export function rawBodyOf(req: IncomingMessage): Buffer {
  return (req as WithRawBody)[rawBodyKey] ?? EMPTY;
}

const EMPTY = Buffer.alloc(0);

/** What a signed request proved: which key signed it. */
export interface HmacPrincipal {
  readonly keyId: string;
}

/** The signed bytes: the shared text prefix, then the raw body. */
function payload(timestamp: string, method: string, url: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(signedTextPrefix(timestamp, method, url)), body]);
}

/**
 * A `verify` for `authenticate()`: the request must carry its key id, a
 * Unix timestamp within `toleranceSeconds` of now, and the hex HMAC of
 * `timestamp \n METHOD \n path?query \n raw body` with that key's secret.
 * Compared in constant time. Needs `express.json({ verify: keepRawBody })`
 * (or another parser with the same hook) mounted before it.
 *
 * @example
 * ```ts
 * app.use(express.json({ verify: keepRawBody }));
 * app.use('/webhooks', authenticate({ headers: ['X-Key-Id', 'X-Timestamp', 'X-Signature'], verify: hmacVerifier({ secrets }) }));
 * ```
 */
export function hmacVerifier(options: HmacOptions): (req: Request) => HmacPrincipal {
  const config = parseHmacOptions(options, 'hmacVerifier()');
  const stale = `The request timestamp is more than ${config.toleranceSeconds} seconds from the server's clock.`;
  return (req) => {
    const keyId = req.get(config.keyIdHeader);
    const timestamp = req.get(config.timestampHeader) ?? '';
    const signature = req.get(config.signatureHeader) ?? '';
    const secret = keyId === undefined ? undefined : config.secrets.get(keyId);
    if (secret === undefined) throw clientApiError(401, 'AUTHENTICATION_FAILED', 'The signing key is not known.');
    const seconds = /^\d{1,12}$/.test(timestamp) ? Number(timestamp) : Number.NaN;
    if (!(Math.abs(Date.now() / 1000 - seconds) <= config.toleranceSeconds)) {
      throw clientApiError(401, 'AUTHENTICATION_FAILED', stale);
    }
    const expected = createHmac(config.algorithm, secret).update(payload(timestamp, req.method, req.originalUrl, rawBodyOf(req))).digest();
    const given = /^[0-9a-f]+$/.test(signature) ? Buffer.from(signature, 'hex') : EMPTY;
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw clientApiError(401, 'AUTHENTICATION_FAILED', 'The request signature does not match.');
    }
    return { keyId: keyId as string };
  };
}
