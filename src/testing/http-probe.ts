/**
 * The two ways `checkConformance()` asks a server something: `fetch`, and a
 * raw HTTP/1.1 request written on a socket (for what fetch cannot send, such
 * as a Content-Length with no body). Each is bounded by a timeout and comes
 * back as an `HttpAnswer` or a sentence saying why there is none.
 */
import { connect } from 'node:net';

/** What came back: the status, the headers (lower-case names) and the body as text. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
}

/** Why no answer came back, e.g. "no answer within 5000 ms". */
export interface HttpFailure {
  readonly failure: string;
}

/** A request `fetchProbe` sends. */
export interface ProbeRequest {
  readonly method: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

function failureOf(error: unknown, timeoutMs: number): HttpFailure {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return { failure: `no answer within ${timeoutMs} ms` };
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  const detail = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : String(error);
  return { failure: `the request failed (${detail})` };
}

/** Sends one request with `fetch` to `origin` and reads the whole answer, within `timeoutMs`. */
export async function fetchProbe(origin: string, request: ProbeRequest, timeoutMs: number): Promise<HttpAnswer | HttpFailure> {
  try {
    const res = await fetch(origin + request.path, {
      method: request.method,
      headers: request.headers ?? {},
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      ...(request.body === undefined ? {} : { body: request.body }),
    });
    const text = await res.text();
    const headers: Record<string, string> = {};
    res.headers.forEach((value, name) => {
      headers[name] = value;
    });
    return { status: res.status, headers, text };
  } catch (error) {
    return failureOf(error, timeoutMs);
  }
}

const HEAD_END = Buffer.from('\r\n\r\n');

/** Decodes a chunked body; `undefined` until the last (zero-size) chunk has arrived. */
function dechunk(data: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd === -1) return undefined;
    const size = Number.parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size)) return Buffer.concat(parts);
    if (size === 0) return Buffer.concat(parts);
    const start = lineEnd + 2;
    if (data.length < start + size + 2) return undefined;
    parts.push(data.subarray(start, start + size));
    at = start + size + 2;
  }
}

/**
 * Parses a raw HTTP/1.1 answer; `undefined` while it is incomplete (unless
 * `ended`, when whatever arrived is taken as the whole body).
 */
function parseAnswer(data: Buffer, ended: boolean): HttpAnswer | undefined {
  const headEnd = data.indexOf(HEAD_END);
  if (headEnd === -1) return undefined;
  const [statusLine = '', ...lines] = data.subarray(0, headEnd).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/\d\.\d (\d{3})/.exec(statusLine)?.[1]);
  if (!Number.isInteger(status)) return undefined;
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  const rest = data.subarray(headEnd + HEAD_END.length);
  let body: Buffer | undefined;
  if (/\bchunked\b/i.test(headers['transfer-encoding'] ?? '')) {
    body = dechunk(rest) ?? (ended ? rest : undefined);
  } else if (headers['content-length'] !== undefined) {
    const length = Number(headers['content-length']);
    body = rest.length >= length ? rest.subarray(0, length) : ended ? rest : undefined;
  } else {
    body = ended ? rest : undefined;
  }
  return body === undefined ? undefined : { status, headers, text: body.toString('utf8') };
}

/**
 * Writes `head` (a request line and headers, ending in an empty line) on a
 * new connection to 127.0.0.1:`port`, sends nothing more, and reads the
 * answer within `timeoutMs`. The connection is always destroyed.
 */
export function rawProbe(port: number, head: string, timeoutMs: number): Promise<HttpAnswer | HttpFailure> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let data = Buffer.alloc(0);
    let settled = false;
    const finish = (outcome: HttpAnswer | HttpFailure) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ failure: `no answer within ${timeoutMs} ms` }), timeoutMs);
    socket.on('connect', () => socket.write(head));
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      const answer = parseAnswer(data, false);
      if (answer !== undefined) finish(answer);
    });
    const onEnd = (error?: Error) => {
      const answer = parseAnswer(data, true);
      if (answer !== undefined) finish(answer);
      else if (error !== undefined) finish(failureOf({ cause: error }, timeoutMs));
      else finish({ failure: data.length === 0 ? 'the connection closed without an answer' : 'the connection closed mid-answer' });
    };
    socket.on('end', () => onEnd());
    socket.on('error', (error) => onEnd(error));
    socket.on('close', () => onEnd());
  });
}
