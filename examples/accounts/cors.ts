/**
 * The demo's CORS: which browser origins may call it (`CORS_ORIGINS`), which
 * request headers their preflights may ask for, and which response headers
 * their pages may read (`EXPOSED_HEADERS`, from kompliant-envelope/core).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from 'cors';
import { EXPOSED_HEADERS, VERSION_HEADER } from 'kompliant-envelope/core';

/** An allowed origin: an exact origin, or a pattern for "any port of this host". */
export type DemoOrigin = string | RegExp;

/**
 * The `CORS_ORIGINS` default: pages served from any port of `localhost` or
 * `127.0.0.1` over plain HTTP, that is local development, and nothing else.
 */
export const DEFAULT_CORS_ORIGINS = 'http://localhost:*,http://127.0.0.1:*';

/**
 * The request headers a cross-origin page may send (answered in preflights):
 * the JSON body's type, the API key, the version, and the trace headers the
 * demo trusts from its gateway.
 */
export const ALLOWED_REQUEST_HEADERS: readonly string[] = Object.freeze([
  'Content-Type',
  'X-API-Key',
  VERSION_HEADER,
  'traceparent',
  'X-Request-Id',
]);

const ORIGIN = /^(https?):\/\/([a-z0-9.-]+|\[[0-9a-f:.]+\])(?::(\d{1,5}|\*))?$/i;

/**
 * Parses `CORS_ORIGINS`: origins separated by commas, each
 * `http(s)://host[:port]`, or `http(s)://host:*` for any port of that host.
 * Throws a `RangeError` naming the first entry that is not one (a path, a
 * trailing slash, `*` alone).
 */
export function parseOrigins(raw: string): DemoOrigin[] {
  const origins: DemoOrigin[] = [];
  for (const entry of raw.split(',')) {
    const origin = entry.trim();
    const match = ORIGIN.exec(origin);
    const port = match?.[3];
    if (match === null || (port !== undefined && port !== '*' && Number(port) > 65535)) {
      throw new RangeError(
        `CORS_ORIGINS must list origins separated by commas, such as https://app.example.com or http://localhost:*, got ${JSON.stringify(origin)}.`,
      );
    }
    if (port === '*') {
      const host = (match[2] as string).replace(/[.[\]]/g, '\\$&');
      origins.push(new RegExp(`^${match[1] as string}://${host}(?::\\d{1,5})?$`, 'i'));
    } else {
      // Browsers send the origin in lower case, without the scheme's default port.
      origins.push(new URL(origin).origin);
    }
  }
  return origins;
}

/**
 * The `cors` middleware as the demo mounts it, before `envelope()`: it
 * answers preflights itself (200, empty body, never an envelope), and adds
 * `Access-Control-Allow-Origin` for an allowed origin and
 * `Access-Control-Expose-Headers` to every other answer, `envelope()`'s own
 * included.
 */
export function demoCors(origins: readonly DemoOrigin[]): (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void {
  const handle = cors({
    origin: [...origins],
    methods: ['GET', 'HEAD', 'POST'],
    allowedHeaders: [...ALLOWED_REQUEST_HEADERS],
    exposedHeaders: [...EXPOSED_HEADERS],
    // The spec answers every success with 200; cors' default for preflights is 204.
    optionsSuccessStatus: 200,
    // Preflights are cached by the browser for ten minutes.
    maxAge: 600,
  });
  return (req, res, next) => {
    // cors takes every OPTIONS for a preflight and answers it empty. One without
    // Access-Control-Request-Method is an ordinary request, which envelope() answers
    // (200, Allow, data.methods): it gets the CORS headers of an ordinary request.
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] === undefined) {
      return handle(Object.create(req, { method: { value: 'GET' } }) as IncomingMessage, res, next);
    }
    handle(req, res, next);
  };
}
