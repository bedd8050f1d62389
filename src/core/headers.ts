/**
 * The envelope's two response headers, named once for the server, the
 * client and the OpenAPI description alike, and the list of headers a
 * browser on another origin needs exposed.
 */

/** The response header that carries the trace id (also `meta.trace_id`). */
export const TRACE_ID_HEADER = 'X-Trace-Id';

/** The request and response header that carries the API version (also `meta.version`). */
export const VERSION_HEADER = 'X-API-Version';

/**
 * The response headers a browser page on another origin must be allowed to
 * read, for the `cors` middleware's `exposedHeaders` (sent as
 * `Access-Control-Expose-Headers`): the trace id and version of every
 * answer; `Retry-After` and the `RateLimit` and `RateLimit-Policy` headers
 * of a 429 or 503 (those `rateLimit()` sends by default); and the
 * `Deprecation`, `Sunset` and `Link` headers of a deprecated version.
 * Without it, a cross-origin page reads each of them as `null`.
 *
 * `cors` types the option as a mutable array: spread the list, and add
 * your own headers after it.
 *
 * @example
 * ```ts
 * import cors from 'cors';
 * import { EXPOSED_HEADERS } from 'kompliant-envelope/core';
 *
 * app.use(cors({ origin: 'https://app.example.com', exposedHeaders: [...EXPOSED_HEADERS], optionsSuccessStatus: 200 }));
 * app.use(envelope());
 * ```
 */
export const EXPOSED_HEADERS: readonly string[] = Object.freeze([
  TRACE_ID_HEADER,
  VERSION_HEADER,
  'Retry-After',
  'RateLimit',
  'RateLimit-Policy',
  'Deprecation',
  'Sunset',
  'Link',
]);

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/;

/** True for an HTTP header name (an RFC 9110 token) of at most 64 characters. */
export function isHeaderName(name: string): boolean {
  return HEADER_NAME.test(name);
}
