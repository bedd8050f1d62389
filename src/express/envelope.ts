/**
 * `envelope()`: the first middleware. Gives each request its trace id and
 * version, runs the rest of the request inside that context, and answers
 * the checks the spec leaves to infrastructure (413, 415, unsupported
 * version) before any body is read.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STANDARD_ERRORS } from '../core/catalog.js';
import { entry } from '../core/envelope.js';
import { DEFAULT_CONTENT_TYPES, DEFAULT_MAX_BODY_SIZE, checkBody, compileBodyGuard } from '../core/guards.js';
import { parseVersions, resolveVersion } from '../core/version.js';
import type { NormalizedError } from '../errors/normalize.js';
import { TRACE_ID_HEADER, VERSION_HEADER, enterContext, newTraceId, type MutableContext } from './context.js';
import { routeMethods, unmatchedAnswer, type RoutedRequest } from './not-found.js';
import { sendError, writeEnvelope } from './respond.js';

/** Options of `envelope()`. */
export interface EnvelopeOptions {
  /**
   * The API versions, oldest first; the last is the latest. The
   * `X-API-Version` request header picks one; without it the latest is used;
   * any other value is a 400 `UNSUPPORTED_API_VERSION`.
   * @default ['1'] (one implicit version)
   */
  readonly versions?: readonly string[];
  /**
   * Media types accepted for a request body; a body of any other type (or
   * without a Content-Type) is a 415 `UNSUPPORTED_MEDIA_TYPE`. Supports
   * `type/*`, `type/*+suffix` and `*\/*`.
   * @default ['application/json'] (what `express.json()` parses by default)
   */
  readonly contentTypes?: readonly string[];
  /**
   * The largest declared `Content-Length` accepted, in bytes; above it the
   * answer is a 413 `REQUEST_TOO_LARGE` at once, without reading the body.
   * @default 104857600 (100 MB, the spec's limit)
   */
  readonly maxBodySize?: number;
}

type Next = (error?: unknown) => void;

/**
 * The middleware to mount first: `app.use(envelope())`.
 * Options are checked here, once; a bad option throws a `TypeError` or `RangeError`.
 *
 * @example
 * ```ts
 * app.use(envelope({ versions: ['2024-01-01', '2025-06-01'] }));
 * ```
 */
export function envelope(options: EnvelopeOptions = {}): (req: IncomingMessage, res: ServerResponse, next: Next) => void {
  if (options === null || typeof options !== 'object') {
    throw new TypeError('The options of envelope() must be an object.');
  }
  const {
    versions: versionList,
    contentTypes = DEFAULT_CONTENT_TYPES,
    maxBodySize = DEFAULT_MAX_BODY_SIZE,
  } = options;
  const versions = parseVersions(versionList);
  const guard = compileBodyGuard(maxBodySize, contentTypes);
  const unsupportedVersion: NormalizedError = Object.freeze({
    status: STANDARD_ERRORS.UNSUPPORTED_API_VERSION.status,
    errors: [
      entry('UNSUPPORTED_API_VERSION', `The requested API version is not supported. Supported versions: ${versions.list.join(', ')}.`, {
        supported_versions: versions.list,
      }),
    ],
    headers: undefined,
  });

  return function envelopeMiddleware(req: RoutedRequest, res, next) {
    const headers = req.headers;
    const header = headers['x-api-version'];
    const version = resolveVersion(typeof header === 'string' ? header : undefined, versions);
    const context: MutableContext = {
      traceId: newTraceId(),
      version: version ?? versions.latest,
      warnings: undefined,
    };
    res.setHeader(TRACE_ID_HEADER, context.traceId);
    res.setHeader(VERSION_HEADER, context.version);

    const refusal =
      checkBody(guard, headers['content-length'], headers['transfer-encoding'], headers['content-type']) ??
      (version === undefined ? unsupportedVersion : undefined);
    if (refusal !== undefined) {
      // The body is left unread; closing the connection stops the client sending the rest.
      if (refusal === guard.tooLarge) res.setHeader('Connection', 'close');
      enterContext(res, context, () => sendError(res, refusal));
      return;
    }
    // Express's routers answer OPTIONS themselves in plain text when a nested
    // Router knows the path; answering here keeps OPTIONS an envelope. A CORS
    // preflight is left to the `cors` middleware, and a route that declares
    // OPTIONS (or all methods) still runs.
    if (req.method === 'OPTIONS' && headers['access-control-request-method'] === undefined) {
      const methods = routeMethods(req);
      if (methods.size > 0 && !methods.has('OPTIONS') && !methods.has('*')) {
        const answer = unmatchedAnswer(req, context, methods);
        enterContext(res, context, () => writeEnvelope(res, answer.status, answer.body, answer.headers));
        return;
      }
    }
    enterContext(res, context, next);
  };
}
