/**
 * `checkConformance()`: starts an app on a free local port, sends it the
 * requests whose answers the spec fixes — unknown path and method, broken
 * JSON, a foreign media type, an oversized body, an unknown API version, a
 * crash — and lists every way the answers differ from the spec.
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ERROR_STATUSES, type StandardErrorCode } from '../core/catalog.js';
import { parseConformanceOptions, type ConformanceOptions, type ResolvedConformanceOptions } from './conformance-options.js';
import { fetchProbe, rawProbe, type HttpAnswer, type HttpFailure, type ProbeRequest } from './http-probe.js';
import { discoverGetPath, unusedMethod } from './known-route.js';
import { envelopeProblems, firstErrorCode, metaStatusOf, preview, traceIdOf } from './shape.js';

/** A path no app should route: the "unknown path" probe asks for it. */
export const UNKNOWN_PATH = '/__kompliant-conformance__/no-such-route';
/** An `X-API-Version` no app supports. */
export const UNSUPPORTED_VERSION = '0.0.0-conformance';

const SPEC_STATUSES: ReadonlySet<number> = new Set([200, ...ERROR_STATUSES]);
/** How much of the body is shown on each side of a leak. */
const EXCERPT_CONTEXT = 30;
const SPEC_STATUS_LIST = [...SPEC_STATUSES].join(', ');
/** How a V8 stack frame starts in `error.stack`. */
const STACK_FRAME = '    at ';
/** A stack frame however it was escaped (JSON `\\n`, HTML `&nbsp;`): "at fn (/file.js:1:2)". */
const STACK_FRAME_PATTERN = /(?:\s|&nbsp;|\\n)at (?:[^\s()]+ )*\(?(?:\/|[A-Za-z]:\\|node:|file:)[^\s()]*:\d+:\d+\)?/;

/** One probe: what is sent, and the answer the spec requires. */
interface Probe {
  readonly name: string;
  /** Sent with fetch, or a raw request head written on a socket. */
  readonly request: ProbeRequest | { readonly raw: string; readonly method: string; readonly path: string };
  readonly status: number;
  readonly code: StandardErrorCode;
  readonly needsAllow?: boolean;
  /** For the crash probe: the thrown message, which must not show. */
  readonly crash?: { readonly message: string | undefined };
}

function isFailure(answer: HttpAnswer | HttpFailure): answer is HttpFailure {
  return 'failure' in answer;
}

function parseJson(text: string): { json: unknown } | undefined {
  try {
    return { json: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

/** "400 MALFORMED_JSON", "200 SUCCESS envelope", "404 with a body that is not JSON: …". */
function summarize(answer: HttpAnswer, parsed: { json: unknown } | undefined): string {
  if (parsed === undefined) return `${answer.status} with a body that is not JSON: ${preview(answer.text)}`;
  const code = firstErrorCode(parsed.json);
  if (metaStatusOf(parsed.json) === 'ERROR' && code !== undefined) return `${answer.status} ${code}`;
  const status = metaStatusOf(parsed.json);
  if (typeof status === 'string') return `${answer.status} ${status} envelope`;
  return `${answer.status} with a JSON body that is not an envelope: ${preview(parsed.json)}`;
}

/** The part of `text` around `length` characters at `index`, on one line: `…"message":"Error: conn…`. */
function excerpt(text: string, index: number, length: number): string {
  const start = Math.max(0, index - EXCERPT_CONTEXT);
  const end = Math.min(text.length, index + length + EXCERPT_CONTEXT);
  const middle = text.slice(start, end).replace(/\r?\n/g, '\\n');
  return `${start > 0 ? '…' : ''}${middle}${end < text.length ? '…' : ''}`;
}

/** Every deviation of one probe's answer, each naming the probe. */
function judge(probe: Probe, answer: HttpAnswer | HttpFailure): string[] {
  const label = `${probe.name} (${probe.request.method} ${probe.request.path})`;
  const expected = `${probe.status} ${probe.code}`;
  if (isFailure(answer)) return [`${label}: expected ${expected}, got ${answer.failure}`];
  const deviations: string[] = [];
  const parsed = parseJson(answer.text);
  const got = summarize(answer, parsed);
  if (got !== expected) deviations.push(`${label}: expected ${expected}, got ${got}`);
  if (!SPEC_STATUSES.has(answer.status)) {
    deviations.push(`${label}: expected a status of the spec (${SPEC_STATUS_LIST}), got ${answer.status}`);
  }
  const contentType = answer.headers['content-type'];
  if (contentType === undefined || !/^application\/json\s*(;|$)/i.test(contentType)) {
    deviations.push(`${label}: expected Content-Type application/json, got ${contentType ?? 'none'}`);
  }
  if (parsed !== undefined) {
    for (const problem of envelopeProblems(parsed.json)) deviations.push(`${label}: ${problem}`);
  }
  const header = answer.headers['x-trace-id'];
  const traceId = parsed === undefined ? undefined : traceIdOf(parsed.json);
  if (header === undefined) {
    deviations.push(`${label}: expected an X-Trace-Id header, got none`);
  } else if (typeof traceId === 'string' && traceId !== header) {
    deviations.push(`${label}: expected meta.trace_id to equal the X-Trace-Id header (${header}), got ${traceId}`);
  }
  if (probe.needsAllow === true) {
    const allow = answer.headers['allow'];
    if (allow === undefined) deviations.push(`${label}: expected an Allow header, got none`);
    else if (allow.split(',').some((method) => method.trim().toUpperCase() === probe.request.method)) {
      deviations.push(`${label}: expected the Allow header not to list ${probe.request.method}, got ${allow}`);
    }
  }
  if (probe.crash !== undefined) {
    const { text } = answer;
    const frame = text.includes(STACK_FRAME) ? text.indexOf(STACK_FRAME) : text.search(STACK_FRAME_PATTERN);
    if (frame !== -1) {
      deviations.push(`${label}: expected no stack trace in the body, got ${excerpt(text, frame, STACK_FRAME.length)}`);
    }
    const message = probe.crash.message ?? '';
    const leak = message === '' ? -1 : text.indexOf(message);
    if (leak !== -1) {
      deviations.push(`${label}: expected the thrown message not to reach the client, got it in the body: ${excerpt(text, leak, message.length)}`);
    }
  }
  return deviations;
}

/** The probes for `app`, in the order they run. */
function probesFor(app: unknown, options: ResolvedConformanceOptions, port: number): Probe[] {
  const knownPath = options.knownPath ?? discoverGetPath(app);
  const target = knownPath ?? '/';
  const probes: Probe[] = [
    { name: 'unknown path', request: { method: 'GET', path: UNKNOWN_PATH }, status: 400, code: 'ROUTE_NOT_FOUND' },
  ];
  // Without a path the app is known to answer, there is no "other method" to ask about.
  const method = knownPath === undefined ? undefined : unusedMethod(app, knownPath);
  if (knownPath !== undefined && method !== undefined) {
    probes.push({ name: 'unknown method', request: { method, path: knownPath }, status: 400, code: 'METHOD_NOT_ALLOWED', needsAllow: true });
  }
  probes.push(
    {
      name: 'malformed JSON',
      request: { method: 'POST', path: target, headers: { 'content-type': 'application/json' }, body: '{"conformance": ' },
      status: 400,
      code: 'MALFORMED_JSON',
    },
    {
      name: 'unsupported media type',
      request: { method: 'POST', path: target, headers: { 'content-type': 'text/plain' }, body: 'conformance' },
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
    },
    {
      name: 'oversized body',
      // fetch cannot declare a length it does not send: a raw request can.
      request: {
        method: 'POST',
        path: target,
        raw:
          `POST ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${options.maxBodySize + 1}\r\nConnection: close\r\n\r\n`,
      },
      status: 413,
      code: 'REQUEST_TOO_LARGE',
    },
    {
      name: 'unsupported API version',
      request: { method: 'GET', path: target, headers: { 'x-api-version': UNSUPPORTED_VERSION } },
      status: 400,
      code: 'UNSUPPORTED_API_VERSION',
    },
  );
  if (options.crashPath !== undefined) {
    probes.push({
      name: 'crash',
      request: { method: 'GET', path: options.crashPath },
      status: 500,
      code: 'INTERNAL_ERROR',
      crash: { message: options.crashMessage },
    });
  }
  return probes;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Keep-alive connections (fetch keeps them) would hold close() open.
    server.closeAllConnections();
  });
}

async function runProbes(app: RequestListener, options: ResolvedConformanceOptions): Promise<string[]> {
  const server = createServer(app);
  try {
    const port = await listen(server);
    const origin = `http://127.0.0.1:${port}`;
    const deviations: string[] = [];
    // One at a time: the answers do not depend on each other, and a slow app is not flooded.
    for (const probe of probesFor(app, options, port)) {
      const answer =
        'raw' in probe.request
          ? await rawProbe(port, probe.request.raw, options.timeoutMs)
          : await fetchProbe(origin, probe.request, options.timeoutMs);
      deviations.push(...judge(probe, answer));
    }
    return deviations;
  } finally {
    await close(server);
  }
}

/**
 * Probes an app over HTTP for the answers the spec fixes and resolves with
 * one sentence per deviation — `[]` when the app conforms. The app (an
 * Express app, or any `(req, res)` listener) is served on 127.0.0.1 on a
 * free port for the duration of the check and always closed after it.
 *
 * Probes: an unknown path (400 `ROUTE_NOT_FOUND`); another method on a known
 * path (400 `METHOD_NOT_ALLOWED` with `Allow`; skipped when no `knownPath`
 * is given and none can be read from the app's router); broken JSON (400
 * `MALFORMED_JSON`); a `text/plain` body (415 `UNSUPPORTED_MEDIA_TYPE`); a
 * declared body above `maxBodySize` (413 `REQUEST_TOO_LARGE`); an unknown
 * `X-API-Version` (400 `UNSUPPORTED_API_VERSION`); and with `crashPath`, a
 * crash (500 `INTERNAL_ERROR` with no stack trace and not `crashMessage`).
 * Every answer must also be `application/json`, a well-formed envelope whose
 * `meta.trace_id` equals its `X-Trace-Id`, with a status the spec uses.
 *
 * Options are checked before anything starts: a bad one throws a
 * `TypeError` at once (not a rejected promise).
 *
 * @example
 * ```ts
 * import { checkConformance } from 'kompliant-envelope/testing';
 * it('answers as the spec says', async () => {
 *   expect(await checkConformance(app, { crashPath: '/debug/crash' })).toEqual([]);
 * });
 * ```
 */
export function checkConformance(
  app: (req: IncomingMessage, res: ServerResponse) => unknown,
  options?: ConformanceOptions,
): Promise<string[]> {
  if (typeof app !== 'function') {
    throw new TypeError('The `app` argument of checkConformance() must be an Express app or a (req, res) listener.');
  }
  const resolved = parseConformanceOptions(options);
  return runProbes(app as RequestListener, resolved);
}
