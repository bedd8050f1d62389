/**
 * `clientErrorHandler()`: Node answers requests it cannot parse (a malformed
 * request line, oversized headers, a client too slow to send its headers)
 * before any middleware runs, in plain text with statuses outside the spec
 * (431, 408). This listener for the server's 'clientError' event answers
 * them as envelopes, with a fresh trace_id.
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { STANDARD_ERRORS } from '../core/catalog.js';
import { entry, errorEnvelope } from '../core/envelope.js';
import type { ErrorReporter } from '../core/report.js';
import { safeReport } from '../express/report.js';
import { IMPLICIT_VERSION } from '../core/version.js';
import { TRACE_ID_HEADER, VERSION_HEADER } from '../core/headers.js';
import { newTraceId } from '../core/trace-id.js';
import { checkOptionKeys, optionNames } from '../core/options.js';

/** Options of `clientErrorHandler()`. */
export interface ClientErrorHandlerOptions {
  /** The version for `meta.version` (the request's own header could not be read). @default '1' */
  readonly version?: string;
  /**
   * Called for each answer, with Node's parse error and
   * `{ traceId, version, status, code, method: undefined, path: undefined, late: false }`,
   * so the trace_id the client got is in your logs. @default none (these are client errors)
   */
  readonly onError?: ErrorReporter;
}

const CLIENT_ERROR_HANDLER_OPTIONS = optionNames<ClientErrorHandlerOptions>({ version: true, onError: true });

const HEADERS_TOO_LARGE = entry('REQUEST_TOO_LARGE', 'The request headers are too large.');
const TOO_SLOW = entry('BAD_REQUEST', 'The request was not received in time.');
const MALFORMED = entry('BAD_REQUEST', 'The request is not valid HTTP.');

/**
 * A listener for `server.on('clientError', …)`: 413 `REQUEST_TOO_LARGE` for
 * headers above Node's limit (instead of 431), 400 `BAD_REQUEST` for a
 * request Node could not parse or that was too slow (headers or body, instead
 * of 408), each with a fresh `X-Trace-Id` and `Connection: close`.
 *
 * @example
 * ```ts
 * const server = app.listen(3000);
 * server.on('clientError', clientErrorHandler({ version: '2025-06-01' }));
 * ```
 */
export function clientErrorHandler(options: ClientErrorHandlerOptions = {}): (error: Error & { code?: string }, socket: Duplex) => void {
  checkOptionKeys(options, CLIENT_ERROR_HANDLER_OPTIONS, 'clientErrorHandler()');
  const { version = IMPLICIT_VERSION, onError } = options;
  if (onError !== undefined && typeof onError !== 'function') throw new TypeError('The `onError` option of clientErrorHandler() must be a function.');
  if (typeof version !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(version)) {
    throw new TypeError('The `version` option of clientErrorHandler() must be 1-64 letters, digits, ".", "_" or "-".');
  }
  return (error, socket) => {
    const pending = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    // A reset connection, or one whose response has already started, gets nothing more.
    if (error?.code === 'ECONNRESET' || !socket.writable || pending?.headersSent === true) {
      socket.destroy();
      return;
    }
    const code = error?.code;
    const problem = code === 'HPE_HEADER_OVERFLOW' ? HEADERS_TOO_LARGE : code === 'ERR_HTTP_REQUEST_TIMEOUT' ? TOO_SLOW : MALFORMED;
    const status = STANDARD_ERRORS[problem.code as 'BAD_REQUEST' | 'REQUEST_TOO_LARGE'].status;
    const traceId = newTraceId();
    const body = JSON.stringify(errorEnvelope({ traceId, version }, [problem]));
    if (onError !== undefined) {
      safeReport(onError, error, { traceId, version, status, code: problem.code, method: undefined, path: undefined, late: false });
    }
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        `${TRACE_ID_HEADER}: ${traceId}\r\n${VERSION_HEADER}: ${version}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  };
}
