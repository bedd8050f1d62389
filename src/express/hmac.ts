/**
 * Request signatures ("the signature does not match", in the spec's words):
 * a verifier for `authenticate()` that checks an HMAC of the request with a
 * timing-safe comparison and a replay window, and the signer for clients.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Request } from 'express';
import { clientApiError } from '../errors/api-error.js';

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

/** Options of `hmacVerifier()` and `signRequest()`. */
export interface HmacOptions {
  /** Secrets by key id; the client names its key in `keyIdHeader`. Rotate by listing old and new ids. */
  readonly secrets: Readonly<Record<string, string>>;
  /** @default 'X-Key-Id' */
  readonly keyIdHeader?: string;
  /** @default 'X-Timestamp' (Unix seconds) */
  readonly timestampHeader?: string;
  /** @default 'X-Signature' (lower-case hex) */
  readonly signatureHeader?: string;
  /** How far the timestamp may be from the server's clock, either way. @default 300 */
  readonly toleranceSeconds?: number;
  /** @default 'sha256' */
  readonly algorithm?: 'sha256' | 'sha512';
}

/** What a signed request proved: which key signed it. */
export interface HmacPrincipal {
  readonly keyId: string;
}

/** The signed text: timestamp, method, path with query, and the raw body, joined by newlines. */
function payload(timestamp: string, method: string, url: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${timestamp}\n${method.toUpperCase()}\n${url}\n`), body]);
}

function parse(options: HmacOptions) {
  if (options === null || typeof options !== 'object' || options.secrets === null || typeof options.secrets !== 'object') {
    throw new TypeError('HMAC signatures need a `secrets` object of key id → secret.');
  }
  const ids = Object.keys(options.secrets);
  if (ids.length === 0 || ids.some((id) => typeof options.secrets[id] !== 'string' || (options.secrets[id] as string).length < 16)) {
    throw new TypeError('Each entry of `secrets` must be a string of at least 16 characters.');
  }
  const {
    keyIdHeader = 'X-Key-Id',
    timestampHeader = 'X-Timestamp',
    signatureHeader = 'X-Signature',
    toleranceSeconds = 300,
    algorithm = 'sha256',
  } = options;
  if (!Number.isSafeInteger(toleranceSeconds) || toleranceSeconds < 1) {
    throw new RangeError(`The \`toleranceSeconds\` option must be a whole number of seconds, at least 1, got ${String(toleranceSeconds)}.`);
  }
  if (algorithm !== 'sha256' && algorithm !== 'sha512') throw new TypeError('The `algorithm` option must be "sha256" or "sha512".');
  return { secrets: new Map(Object.entries(options.secrets)), keyIdHeader, timestampHeader, signatureHeader, toleranceSeconds, algorithm };
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
  const config = parse(options);
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

/**
 * The headers a client sends for `hmacVerifier()`.
 *
 * @example
 * ```ts
 * const headers = signRequest({ secrets: { k1: secret } }, 'k1', 'POST', '/webhooks/orders', body);
 * await fetch(url, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body });
 * ```
 */
export function signRequest(
  options: HmacOptions,
  keyId: string,
  method: string,
  pathWithQuery: string,
  body: string | Buffer = EMPTY,
  now: number = Date.now(),
): Record<string, string> {
  const config = parse(options);
  const secret = config.secrets.get(keyId);
  if (secret === undefined) throw new TypeError(`No secret for the key id ${JSON.stringify(keyId)}.`);
  const timestamp = String(Math.floor(now / 1000));
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const signature = createHmac(config.algorithm, secret).update(payload(timestamp, method, pathWithQuery, bytes)).digest('hex');
  return { [config.keyIdHeader]: keyId, [config.timestampHeader]: timestamp, [config.signatureHeader]: signature };
}
