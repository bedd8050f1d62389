/**
 * Request signatures ("the signature does not match", in the spec's words):
 * a verifier for `authenticate()` that checks an HMAC of the request with a
 * timing-safe comparison, a time window and a nonce accepted once. The signer
 * is `signRequest()` in `kompliant-envelope/client`.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Request } from 'express';
import { ApiError } from '../core/api-error.js';
import { STANDARD_ERRORS } from '../core/catalog.js';
import { MAX_TIMER_MS, checkNumberOption, optionNames } from '../core/options.js';
import { HMAC_OPTIONS, NONCE_PATTERN, parseHmacOptions, signedTextPrefix, type HmacOptions } from '../core/signature.js';
import { isThenable } from '../core/thenable.js';
import { memoryNonceStore, type NonceStore } from './nonce-store.js';
import { storeFailureLog, withDeadline } from '../express/store-calls.js';

const rawBodyKey: unique symbol = Symbol('kompliant-envelope.rawBody');
type WithRawBody = IncomingMessage & { [rawBodyKey]?: Buffer };

/**
 * A body parser `verify` hook that keeps the exact bytes received, which a
 * signature is computed over: `express.json({ verify: keepRawBody })`.
 */
export function keepRawBody(req: IncomingMessage, _res: unknown, buffer: Buffer): void {
  (req as WithRawBody)[rawBodyKey] = buffer;
}

const EMPTY = Buffer.alloc(0);

// Made once: the fix is the same for every request, and the answer is a plain 500.
const RAW_BODY_NOT_KEPT = new ApiError(500, 'INTERNAL_ERROR', STANDARD_ERRORS.INTERNAL_ERROR.message, undefined, {
  cause: Object.assign(
    new Error(
      'rawBodyOf(req): this request has a body, but no body parser kept its bytes. Mount a parser with the keepRawBody hook ' +
        'before the signature check, for every Content-Type the signers send: app.use(express.json({ verify: keepRawBody })).',
    ),
    { name: 'RawBodyNotKeptError' },
  ),
});

/** True when the request announces a body (type-is's `hasBody`). */
function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * The bytes `keepRawBody` kept; an empty buffer for a request without a body.
 * A request with a body that no parser with `keepRawBody` read is a
 * configuration error, never an empty body: this throws a 500 `ApiError`
 * whose `cause` (a `RawBodyNotKeptError`, which the default reporter prints)
 * names the fix.
 *
 * @example
 * ```ts
 * app.post('/uploads', express.raw({ type: 'application/octet-stream', verify: keepRawBody }), (req, res) => ok(res, { bytes: rawBodyOf(req).length }));
 * ```
 */
export function rawBodyOf(req: IncomingMessage): Buffer {
  const kept = (req as WithRawBody)[rawBodyKey];
  if (kept !== undefined) return kept;
  if (!hasBody(req)) return EMPTY;
  throw RAW_BODY_NOT_KEPT;
}

/** What a signed request proved: which key signed it. */
export interface HmacPrincipal {
  readonly keyId: string;
}

/** Options of `hmacVerifier()`: the shared `HmacOptions`, and the nonce store's. */
export interface HmacVerifierOptions extends HmacOptions {
  /**
   * Where accepted nonces are kept until their request could no longer be
   * accepted. For several instances, one shared store: `redisNonceStore()`.
   * @default memoryNonceStore(), one per verifier
   */
  readonly nonceStore?: NonceStore;
  /**
   * Milliseconds a nonce store call may take before it counts as a store
   * error (see `passOnStoreError`); `0` waits forever. A Redis that stops
   * answering would otherwise hang every signed request.
   * @default 1000
   */
  readonly storeTimeout?: number;
  /**
   * When the nonce store fails (Redis down, timed out, the memory store
   * full): `false` refuses the request with 500 `INTERNAL_ERROR` (fail
   * closed); `true` accepts a request whose signature checks out without
   * recording its nonce, so it could be replayed (fail open). Either way the
   * failure is logged, at most once every 30 s. Closed by default: a signed
   * request usually changes something (a payment, an order), and a replay
   * is worse than a retry.
   * @default false
   */
  readonly passOnStoreError?: boolean;
  /**
   * Whether a request must carry a nonce. `false` also accepts a signer from
   * before nonces, whose signature covers `timestamp \n METHOD \n path \n body`
   * without one: such requests can be replayed within the window. A request
   * that does send a nonce is always checked and recorded.
   * @default true
   */
  readonly requireNonce?: boolean;
}

const VERIFIER_OPTIONS = optionNames<HmacVerifierOptions>({
  ...Object.fromEntries(HMAC_OPTIONS.map((name) => [name, true])),
  nonceStore: true,
  storeTimeout: true,
  passOnStoreError: true,
  requireNonce: true,
} as { [Name in keyof HmacVerifierOptions]-?: true });

/** Why a signed request was refused, in the `code` of the refusal's `cause` (for `onError` and logs; the client never sees it). */
type RefusalReason = 'UNKNOWN_KEY' | 'BAD_SIGNATURE' | 'MISSING_NONCE' | 'MALFORMED_NONCE' | 'REPLAYED_NONCE' | 'STALE_TIMESTAMP';

const CAUSES: Readonly<Record<RefusalReason, string>> = {
  UNKNOWN_KEY: 'The key id names no key of `secrets`.',
  BAD_SIGNATURE: 'The signature is not the HMAC of the request with the key named.',
  MISSING_NONCE: 'The request carries no nonce, and `requireNonce` is true.',
  MALFORMED_NONCE: 'The nonce is not 16-128 characters of A-Z a-z 0-9 _ -.',
  REPLAYED_NONCE: 'The nonce was already accepted within the window: a replayed request.',
  STALE_TIMESTAMP: 'The timestamp is absent, malformed, or outside the window.',
};

/** One refusal per reason, made once per verifier: the client sees the same 401 for all but a stale timestamp. */
function refusals(toleranceSeconds: number): Readonly<Record<RefusalReason, ApiError>> {
  const uniform = 'The request signature does not match.';
  const stale = `The request timestamp is more than ${toleranceSeconds} seconds from the server's clock.`;
  const made = {} as Record<RefusalReason, ApiError>;
  for (const reason of Object.keys(CAUSES) as RefusalReason[]) {
    const cause = Object.assign(new Error(CAUSES[reason]), { name: 'HmacRefusal', code: reason });
    made[reason] = new ApiError(401, 'AUTHENTICATION_FAILED', reason === 'STALE_TIMESTAMP' ? stale : uniform, undefined, { cause });
  }
  return made;
}

/** The error `storeTimeout` raises. */
class NonceStoreTimeoutError extends Error {
  override readonly name = 'NonceStoreTimeoutError';
}

function limitTime(work: Promise<boolean>, ms: number): Promise<boolean> {
  return withDeadline(work, ms, () => new NonceStoreTimeoutError(`The nonce store did not answer within ${ms} ms.`));
}

const TIMESTAMP = /^\d{1,12}$/;
const HEX = /^[0-9a-f]+$/;

/**
 * A `verify` for `authenticate()`: the request must carry its key id, a
 * Unix timestamp within `toleranceSeconds` of now, a nonce, and the hex HMAC
 * of `timestamp \n nonce \n METHOD \n path?query \n raw body` with that key's
 * secret, compared in constant time; the nonce is then recorded in
 * `nonceStore`, and a nonce seen before is refused. An unknown key id, a bad
 * signature, a missing or malformed nonce and a replayed one all get the same
 * 401 (the `cause`, for `onError`, tells them apart); an unknown key id is
 * checked against a random key so that it takes as long as a known one. Needs
 * `express.json({ verify: keepRawBody })` (or another parser with the same
 * hook) mounted before it.
 *
 * @example
 * ```ts
 * app.use(express.json({ verify: keepRawBody }));
 * app.use('/webhooks', authenticate({ headers: ['X-Key-Id', 'X-Timestamp', 'X-Nonce', 'X-Signature'], verify: hmacVerifier({ secrets }) }));
 * ```
 */
export function hmacVerifier(options: HmacVerifierOptions): (req: Request) => HmacPrincipal | Promise<HmacPrincipal> {
  const where = 'hmacVerifier()';
  const config = parseHmacOptions(options, where, VERIFIER_OPTIONS);
  const { nonceStore = memoryNonceStore(), storeTimeout = 1000, passOnStoreError = false, requireNonce = true } = options;
  if (nonceStore === null || typeof nonceStore !== 'object' || typeof nonceStore.add !== 'function') {
    throw new TypeError('The `nonceStore` option of hmacVerifier() must be a NonceStore, an object with an `add` function.');
  }
  checkNumberOption(storeTimeout, 'storeTimeout', where, { max: MAX_TIMER_MS, unit: 'milliseconds' });
  if (typeof passOnStoreError !== 'boolean') throw new TypeError('The `passOnStoreError` option of hmacVerifier() must be a boolean.');
  if (typeof requireNonce !== 'boolean') throw new TypeError('The `requireNonce` option of hmacVerifier() must be a boolean.');

  const { secrets, keyIdHeader, timestampHeader, nonceHeader, signatureHeader, toleranceSeconds, algorithm } = config;
  const refused = refusals(toleranceSeconds);
  // Signs for an unknown key id, so that answering it takes as long as a wrong signature.
  const decoy = randomBytes(32);
  const logStoreError = storeFailureLog(
    `the nonce store of hmacVerifier() failed; ${
      passOnStoreError ? 'requests are served without replay protection (passOnStoreError: true)' : 'requests are refused with 500 (passOnStoreError: false)'
    }`,
  );
  const storeFailed = (error: unknown, keyId: string): HmacPrincipal => {
    logStoreError(error);
    if (passOnStoreError) return { keyId };
    throw new ApiError(500, 'INTERNAL_ERROR', STANDARD_ERRORS.INTERNAL_ERROR.message, undefined, { cause: error });
  };
  const recorded = (added: unknown, keyId: string): HmacPrincipal => {
    if (added === true) return { keyId };
    if (added === false) throw refused.REPLAYED_NONCE;
    return storeFailed(new TypeError('The nonce store answered neither true nor false.'), keyId);
  };

  return (req) => {
    const keyId = req.get(keyIdHeader);
    const timestamp = req.get(timestampHeader) ?? '';
    const nonce = req.get(nonceHeader);
    const signature = req.get(signatureHeader) ?? '';
    const now = Date.now();
    const seconds = TIMESTAMP.test(timestamp) ? Number(timestamp) : Number.NaN;
    if (!(Math.abs(now / 1000 - seconds) <= toleranceSeconds)) throw refused.STALE_TIMESTAMP;
    if (nonce === undefined) {
      if (requireNonce) throw refused.MISSING_NONCE;
    } else if (!NONCE_PATTERN.test(nonce)) {
      throw refused.MALFORMED_NONCE;
    }
    const body = rawBodyOf(req);
    const secret = keyId === undefined ? undefined : secrets.get(keyId);
    const expected = createHmac(algorithm, secret ?? decoy)
      .update(signedTextPrefix(timestamp, nonce, req.method, req.originalUrl))
      .update(body)
      .digest();
    const given = HEX.test(signature) ? Buffer.from(signature, 'hex') : EMPTY;
    const matches = given.length === expected.length && timingSafeEqual(given, expected);
    if (secret === undefined) throw refused.UNKNOWN_KEY;
    if (!matches) throw refused.BAD_SIGNATURE;
    const id = keyId as string;
    // A signer from before nonces (only with requireNonce: false): nothing to record.
    if (nonce === undefined) return { keyId: id };
    // Kept until the timestamp leaves the window, plus a second for its whole-second precision.
    const ttlMs = (seconds + toleranceSeconds + 1) * 1000 - now;
    let added: boolean | Promise<boolean>;
    try {
      added = nonceStore.add(`${nonce}:${id}`, ttlMs);
    } catch (error) {
      return storeFailed(error, id);
    }
    if (!isThenable(added)) return recorded(added, id);
    return limitTime(Promise.resolve(added), storeTimeout).then(
      (value) => recorded(value, id),
      (error: unknown) => storeFailed(error, id),
    );
  };
}
