/**
 * HMAC request signatures, the part both sides share: the options, their
 * checks, and the exact text that is signed. The verifier
 * (`kompliant-envelope/auth`) and the signer (`kompliant-envelope/client`)
 * both build on this, so they cannot disagree.
 */
import { isHeaderName } from './headers.js';
import { checkOptionKeys, optionNames } from './options.js';

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
  /**
   * The header carrying the request's nonce: 16-128 characters of
   * `A-Z a-z 0-9 _ -` (`signRequest()` sends 32: the hex of 16 random
   * bytes), signed with the rest and accepted once within the window.
   * @default 'X-Nonce'
   */
  readonly nonceHeader?: string;
  /** How far the timestamp may be from the server's clock, either way. @default 300 */
  readonly toleranceSeconds?: number;
  /** @default 'sha256' */
  readonly algorithm?: 'sha256' | 'sha512';
}

/** `HmacOptions` checked once, with every default filled in. */
export interface HmacConfig {
  readonly secrets: ReadonlyMap<string, string>;
  readonly keyIdHeader: string;
  readonly timestampHeader: string;
  readonly signatureHeader: string;
  readonly nonceHeader: string;
  readonly toleranceSeconds: number;
  readonly algorithm: 'sha256' | 'sha512';
}

/** The option names of `HmacOptions`, for `checkOptionKeys`. */
export const HMAC_OPTIONS = optionNames<HmacOptions>({
  secrets: true,
  keyIdHeader: true,
  timestampHeader: true,
  signatureHeader: true,
  nonceHeader: true,
  toleranceSeconds: true,
  algorithm: true,
});

/**
 * Checks `HmacOptions` and fills in the defaults; throws a `TypeError`/`RangeError` naming the problem.
 * `where` names the caller in the message about an unknown option.
 */
export function parseHmacOptions(options: HmacOptions, where = 'hmacVerifier() or signRequest()', known: readonly string[] = HMAC_OPTIONS): HmacConfig {
  const needsSecrets = 'HMAC signatures need a `secrets` object of key id → secret.';
  if (options === null || typeof options !== 'object') throw new TypeError(needsSecrets);
  // Before `secrets` is looked for: a misspelt `secrets` is named as such.
  checkOptionKeys(options, known, where);
  if (options.secrets === null || typeof options.secrets !== 'object') throw new TypeError(needsSecrets);
  const ids = Object.keys(options.secrets);
  if (ids.length === 0 || ids.some((id) => typeof options.secrets[id] !== 'string' || (options.secrets[id] as string).length < 16)) {
    throw new TypeError('Each entry of `secrets` must be a string of at least 16 characters.');
  }
  const {
    keyIdHeader = 'X-Key-Id',
    timestampHeader = 'X-Timestamp',
    signatureHeader = 'X-Signature',
    nonceHeader = 'X-Nonce',
    toleranceSeconds = 300,
    algorithm = 'sha256',
  } = options;
  if (!Number.isSafeInteger(toleranceSeconds) || toleranceSeconds < 1) {
    throw new RangeError(`The \`toleranceSeconds\` option must be a whole number of seconds, at least 1, got ${String(toleranceSeconds)}.`);
  }
  if (algorithm !== 'sha256' && algorithm !== 'sha512') throw new TypeError('The `algorithm` option must be "sha256" or "sha512".');
  for (const [name, value] of [['keyIdHeader', keyIdHeader], ['timestampHeader', timestampHeader], ['signatureHeader', signatureHeader], ['nonceHeader', nonceHeader]] as const) {
    if (typeof value !== 'string' || !isHeaderName(value)) throw new TypeError(`The \`${name}\` option must be a header name such as "X-Nonce".`);
  }
  return { secrets: new Map(Object.entries(options.secrets)), keyIdHeader, timestampHeader, signatureHeader, nonceHeader, toleranceSeconds, algorithm };
}

/**
 * What a nonce may be: 16-128 characters of `A-Z a-z 0-9 _ -` (base64url).
 * At least 16 so that random ones do not collide; at most 128 so a store
 * key stays small. Anything else is refused like a bad signature.
 */
export const NONCE_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;

/**
 * The start of the signed text, each part followed by a newline: timestamp,
 * nonce, method and path with query. The raw body bytes follow it. Without a
 * nonce (`undefined`: a signer from before nonces, accepted only with
 * `hmacVerifier({ requireNonce: false })`) the nonce line is left out.
 */
export function signedTextPrefix(timestamp: string, nonce: string | undefined, method: string, pathWithQuery: string): string {
  return nonce === undefined
    ? `${timestamp}\n${method.toUpperCase()}\n${pathWithQuery}\n`
    : `${timestamp}\n${nonce}\n${method.toUpperCase()}\n${pathWithQuery}\n`;
}
