/**
 * HMAC request signatures, the part both sides share: the options, their
 * checks, and the exact text that is signed. The verifier
 * (`kompliant-envelope/auth`) and the signer (`kompliant-envelope/client`)
 * both build on this, so they cannot disagree.
 */
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
  readonly toleranceSeconds: number;
  readonly algorithm: 'sha256' | 'sha512';
}

const HMAC_OPTIONS = optionNames<HmacOptions>({
  secrets: true,
  keyIdHeader: true,
  timestampHeader: true,
  signatureHeader: true,
  toleranceSeconds: true,
  algorithm: true,
});

/**
 * Checks `HmacOptions` and fills in the defaults; throws a `TypeError`/`RangeError` naming the problem.
 * `where` names the caller in the message about an unknown option.
 */
export function parseHmacOptions(options: HmacOptions, where = 'hmacVerifier() or signRequest()'): HmacConfig {
  const needsSecrets = 'HMAC signatures need a `secrets` object of key id → secret.';
  if (options === null || typeof options !== 'object') throw new TypeError(needsSecrets);
  // Before `secrets` is looked for: a misspelt `secrets` is named as such.
  checkOptionKeys(options, HMAC_OPTIONS, where);
  if (options.secrets === null || typeof options.secrets !== 'object') throw new TypeError(needsSecrets);
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
 * The start of the signed text: timestamp, method and path with query, each
 * followed by a newline. The raw body bytes follow it.
 */
export function signedTextPrefix(timestamp: string, method: string, pathWithQuery: string): string {
  return `${timestamp}\n${method.toUpperCase()}\n${pathWithQuery}\n`;
}
