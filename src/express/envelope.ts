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
import type { ErrorMapper, NormalizedError } from '../core/normalize.js';
import { durationSince, pathWithoutQuery } from '../core/report.js';
import { TRACE_ID_HEADER, VERSION_HEADER } from '../core/headers.js';
import { newTimeOrderedTraceId, newTraceId } from '../core/trace-id.js';
import { checkOptionKeys, markMiddleware, optionNames } from '../core/options.js';
import { enterContext, newContext, type MutableContext } from './context.js';
import { compileDeprecations, type Deprecation } from './deprecations.js';
import { compileMapErrors } from './map-errors.js';
import { describeError } from './report.js';
import { checkTracingBridges, compileTrustIncoming } from './incoming-trace.js';
import { routeMethods, unmatchedAnswer, type RoutedRequest } from './not-found.js';
import { useActiveSpan } from './open-telemetry.js';
import type { TracingOptions } from './tracing-options.js';
import { sendError, writeEnvelopeOrInternal } from './write.js';

/** What `onResponse` receives once an answer has been sent. */
export interface ResponseReport {
  readonly traceId: string;
  readonly version: string;
  readonly status: number;
  /** The first error code of the answer; `undefined` for a success. */
  readonly code: string | undefined;
  /** From `envelope()` to the last byte handed to the socket, in milliseconds. */
  readonly durationMs: number;
  readonly method: string | undefined;
  /** The path, without the query string. */
  readonly path: string | undefined;
  /** True when the connection closed before the whole answer was sent (the client went away, or the answer was cut). */
  readonly aborted: boolean;
}

/** Options of `envelope()`. */
export interface EnvelopeOptions extends TracingOptions {
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
  /**
   * Deprecated versions: their requests get an `API_VERSION_DEPRECATED`
   * warning in `meta.warnings` and the `Deprecation` (RFC 9745), `Sunset`
   * (RFC 8594) and `Link` headers. Only versions of `versions`, never the
   * latest.
   * @default none
   */
  readonly deprecations?: Readonly<Record<string, Deprecation>>;
  /**
   * Called once per request when its connection is done with it, with
   * `{ traceId, version, status, code, durationMs, method, path, aborted }` —
   * an access log that carries the trace_id, abandoned requests included. What it returns is ignored; if it throws, the
   * error goes to stderr.
   * @default none
   */
  readonly onResponse?: (report: ResponseReport) => void;
  /**
   * Your own error mappings, tried in order before the built-in ones, for
   * every thrown error of the request: in `errorHandler()`, in `batch()`
   * items and in the guards. Each gets the thrown value and returns an
   * `ApiError` (the answer) or `undefined` (not one it knows); the first
   * `ApiError` wins. A mapper that throws or returns anything else is
   * skipped (reported once on stderr) and the built-in mapping answers.
   * `schemaErrors` from `kompliant-envelope/validate` maps thrown zod,
   * valibot and arktype errors this way.
   * @default none (the built-in mapping only)
   * @example
   * ```ts
   * app.use(envelope({ mapErrors: [schemaErrors, (e) => (e instanceof UniqueConstraintError ? Errors.EMAIL_TAKEN() : undefined)] }));
   * ```
   */
  readonly mapErrors?: readonly ErrorMapper[];
  /**
   * The UUID version of the trace ids `envelope()` makes (not of those it
   * takes from `openTelemetry` or `trustIncoming`): `4`, random, from
   * `crypto.randomUUID()`; or `7`, time-ordered (RFC 9562): the first 48
   * bits are the Unix time in milliseconds, and ids made later sort later,
   * also within one millisecond of one process — handy when trace ids are
   * stored and indexed, or read side by side in logs. Anything else throws a
   * `RangeError` here.
   * @default 4
   * @example
   * ```ts
   * app.use(envelope({ traceIdVersion: 7 })); // X-Trace-Id: 019ad7c4-1f2b-7c3e-9a41-5be0c2d4e6f8
   * ```
   */
  readonly traceIdVersion?: 4 | 7;
}

/** Express's `next`; inlined in the API reference. @inline */
type Next = (error?: unknown) => void;

const ENVELOPE_OPTIONS = optionNames<EnvelopeOptions>({
  versions: true,
  contentTypes: true,
  maxBodySize: true,
  deprecations: true,
  onResponse: true,
  trustIncoming: true,
  openTelemetry: true,
  clsNamespace: true,
  mapErrors: true,
  traceIdVersion: true,
});
/**
 * The middleware to mount first: `app.use(envelope())`.
 * Options are checked here, once: an unknown option (a typo) throws a
 * `TypeError` naming the nearest known one; a bad value a `TypeError` or `RangeError`.
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
  checkOptionKeys(options, ENVELOPE_OPTIONS, 'envelope()');
  const {
    versions: versionList,
    contentTypes = DEFAULT_CONTENT_TYPES,
    maxBodySize = DEFAULT_MAX_BODY_SIZE,
    deprecations: deprecationOptions,
    onResponse,
    openTelemetry,
    clsNamespace,
  } = options;
  const versions = parseVersions(versionList);
  const deprecations = compileDeprecations(deprecationOptions, versions);
  const trustIncoming = compileTrustIncoming(options.trustIncoming);
  checkTracingBridges(options);
  const mapErrors = compileMapErrors(options.mapErrors);
  if (onResponse !== undefined && typeof onResponse !== 'function') throw new TypeError('The `onResponse` option of envelope() must be a function.');
  const makeTraceId = traceIdMaker(options.traceIdVersion);
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

  // Read by openApiDocument() when it walks the router; never on a request.
  const info = {
    kind: 'envelope',
    versions: versions.list,
    deprecated: Object.entries(deprecationOptions ?? {}).map(([version, { since, sunset }]) => ({
      version,
      since: new Date(since).toISOString(),
      ...(sunset === undefined ? {} : { sunset: new Date(sunset).toISOString() }),
    })),
    contentTypes,
  } as const;
  return markMiddleware(function envelopeMiddleware(req: RoutedRequest, res: ServerResponse, next: Next) {
    const headers = req.headers;
    const header = headers['x-api-version'];
    const version = resolveVersion(typeof header === 'string' ? header : undefined, versions);
    const context = newContext('', version ?? versions.latest, versions, performance.now(), mapErrors);
    // The active span's id (the one in the tracing backend), else a trusted incoming one, else a new one.
    if (!((openTelemetry !== undefined && useActiveSpan(openTelemetry, context)) || (trustIncoming !== undefined && trustIncoming(headers, context)))) {
      context.traceId = makeTraceId();
    }
    res.setHeader(TRACE_ID_HEADER, context.traceId);
    res.setHeader(VERSION_HEADER, context.version);
    if (deprecations !== undefined) {
      const deprecation = deprecations.get(context.version);
      if (deprecation !== undefined) {
        for (const [name, value] of deprecation.headers) res.setHeader(name, value);
        context.warnings = [deprecation.warning];
      }
    }
    // 'close' comes after 'finish', and also when the client went away first.
    if (onResponse !== undefined) res.once('close', () => reportResponse(onResponse, req, res, context));

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
        enterContext(res, context, () => writeEnvelopeOrInternal(res, context, answer.status, answer.body, answer.headers));
        return;
      }
    }
    if (clsNamespace === undefined) {
      enterContext(res, context, next);
      return;
    }
    clsNamespace.bindEmitter(req);
    clsNamespace.bindEmitter(res);
    clsNamespace.run(() => {
      clsNamespace.set('trace_id', context.traceId);
      clsNamespace.set('version', context.version);
      enterContext(res, context, next);
    });
  }, info);
}

/** The function that makes this middleware's new trace ids, chosen once. */
function traceIdMaker(version: unknown): () => string {
  if (version === undefined || version === 4) return newTraceId;
  if (version === 7) return newTimeOrderedTraceId;
  const got = typeof version === 'string' ? JSON.stringify(version) : String(version);
  throw new RangeError(`The \`traceIdVersion\` option of envelope() must be 4 (random UUIDs) or 7 (time-ordered UUIDs), got ${got}.`);
}

function reportResponse(onResponse: (report: ResponseReport) => void, req: RoutedRequest, res: ServerResponse, context: MutableContext): void {
  try {
    onResponse({
      traceId: context.traceId,
      version: context.version,
      status: res.statusCode,
      code: context.code,
      durationMs: durationSince(context.startedAt) ?? 0,
      method: req.method,
      path: pathWithoutQuery(req.originalUrl ?? req.url),
      aborted: !res.writableFinished,
    });
  } catch (error) {
    process.stderr.write(`kompliant-envelope: the onResponse hook threw trace_id=${context.traceId} ${describeError(error, true)}\n`);
  }
}
