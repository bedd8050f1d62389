/**
 * The envelope's two response headers, named once for the server, the
 * client and the OpenAPI description alike.
 */

/** The response header that carries the trace id (also `meta.trace_id`). */
export const TRACE_ID_HEADER = 'X-Trace-Id';

/** The request and response header that carries the API version (also `meta.version`). */
export const VERSION_HEADER = 'X-API-Version';

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/;

/** True for an HTTP header name (an RFC 9110 token) of at most 64 characters. */
export function isHeaderName(name: string): boolean {
  return HEADER_NAME.test(name);
}
