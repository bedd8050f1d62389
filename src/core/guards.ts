/**
 * The request checks the status-code spec assigns to infrastructure: 413 for
 * a declared body above the limit and 415 for a body of a media type the API
 * does not accept. Plain functions of header values; the options are
 * compiled once.
 */
import { STANDARD_ERRORS } from './catalog.js';
import { entry } from './envelope.js';
import type { NormalizedError } from './normalize.js';

/** 100 MB, the spec's maximum request size (as body-parser reads "100mb": 100 × 1024 × 1024 bytes). */
export const DEFAULT_MAX_BODY_SIZE = 100 * 1024 * 1024;

/**
 * JSON: what `express.json()` parses by default. Add `application/*+json`
 * (and the same `type` to `express.json()`) for merge-patch and friends.
 */
export const DEFAULT_CONTENT_TYPES: readonly string[] = Object.freeze(['application/json']);

const MEDIA_TYPE_PATTERN = /^(\*|[a-z0-9][a-z0-9!#$&^_.+-]*)\/(\*|\*\+[a-z0-9!#$&^_.+-]+|[a-z0-9][a-z0-9!#$&^_.+-]*)$/;

/** The compiled `contentTypes` option. */
export interface MediaTypeMatcher {
  readonly accepted: readonly string[];
  readonly exact: ReadonlySet<string>;
  /** `type/*` as `type/`, `type/*+suffix` as [`type/`, `+suffix`]; `*\/*` accepts all. */
  readonly wildcards: readonly (readonly [prefix: string, suffix: string])[];
  readonly any: boolean;
}

/** Checks and compiles `contentTypes`: media types such as `application/json`, `text/*` or `application/*+json`. */
export function compileMediaTypes(types: readonly string[]): MediaTypeMatcher {
  if (!Array.isArray(types) || types.length === 0) {
    throw new TypeError('The `contentTypes` option must be a non-empty array of media types such as "application/json".');
  }
  const exact = new Set<string>();
  const wildcards: [string, string][] = [];
  let any = false;
  for (const raw of types) {
    const type = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
    if (!MEDIA_TYPE_PATTERN.test(type)) {
      throw new TypeError(`Each entry of the \`contentTypes\` option must be a media type like "application/json", got ${JSON.stringify(raw)}.`);
    }
    const [main, sub] = type.split('/') as [string, string];
    if (main === '*') {
      if (sub !== '*') throw new TypeError(`The media type ${JSON.stringify(raw)} is not valid: only "*/*" may have a wildcard type.`);
      any = true;
    } else if (sub === '*') wildcards.push([`${main}/`, '']);
    else if (sub.startsWith('*+')) wildcards.push([`${main}/`, sub.slice(1)]);
    else exact.add(type);
  }
  return Object.freeze({ accepted: Object.freeze(types.map((t) => t.trim().toLowerCase())), exact, wildcards, any });
}

/** The media type of a Content-Type header value, lower-cased, without parameters. */
function essence(contentType: string): string {
  const semicolon = contentType.indexOf(';');
  return (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
}

function accepts(matcher: MediaTypeMatcher, contentType: string | undefined): boolean {
  if (matcher.any) return true;
  if (contentType === undefined) return false;
  const type = essence(contentType);
  if (matcher.exact.has(type)) return true;
  for (const [prefix, suffix] of matcher.wildcards) {
    if (type.length > prefix.length + suffix.length && type.startsWith(prefix) && type.endsWith(suffix)) return true;
  }
  return false;
}

/** The compiled guard options. */
export interface BodyGuard {
  readonly maxBodySize: number;
  readonly mediaTypes: MediaTypeMatcher;
  readonly tooLarge: NormalizedError;
  readonly unsupportedMediaType: NormalizedError;
}

/** Checks `maxBodySize` and `contentTypes` and prepares the two answers. */
export function compileBodyGuard(maxBodySize: number, contentTypes: readonly string[]): BodyGuard {
  if (typeof maxBodySize !== 'number' || !Number.isSafeInteger(maxBodySize) || maxBodySize < 0) {
    throw new RangeError(`The \`maxBodySize\` option must be a whole number of bytes, 0 or more, got ${String(maxBodySize)}.`);
  }
  const mediaTypes = compileMediaTypes(contentTypes);
  return Object.freeze({
    maxBodySize,
    mediaTypes,
    tooLarge: Object.freeze({
      status: STANDARD_ERRORS.REQUEST_TOO_LARGE.status,
      errors: [entry('REQUEST_TOO_LARGE', `The request body must not be larger than ${maxBodySize} bytes.`, { max_bytes: maxBodySize })],
      headers: undefined,
    }),
    unsupportedMediaType: Object.freeze({
      status: STANDARD_ERRORS.UNSUPPORTED_MEDIA_TYPE.status,
      errors: [
        entry('UNSUPPORTED_MEDIA_TYPE', `The request body must be sent with a Content-Type of ${mediaTypes.accepted.join(', ')}.`, {
          supported_media_types: mediaTypes.accepted,
        }),
      ],
      headers: undefined,
    }),
  });
}

/**
 * The answer a request's headers already decide, or `undefined` to go on.
 * A request has a body when it declares a non-zero Content-Length or any
 * Transfer-Encoding; a request without one is never a 415.
 */
export function checkBody(
  guard: BodyGuard,
  contentLength: string | undefined,
  transferEncoding: string | undefined,
  contentType: string | undefined,
): NormalizedError | undefined {
  if (contentLength !== undefined) {
    // Node's parser has already rejected a Content-Length that is not digits.
    const declared = Number(contentLength);
    if (declared > guard.maxBodySize) return guard.tooLarge;
    if (declared === 0 && transferEncoding === undefined) return undefined;
  } else if (transferEncoding === undefined) {
    return undefined;
  }
  return accepts(guard.mediaTypes, contentType) ? undefined : guard.unsupportedMediaType;
}
