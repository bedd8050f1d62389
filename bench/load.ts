/**
 * The bench's load generator: a fixed number of keep-alive connections to one
 * server, each sending the same prebuilt request again as soon as its answer
 * is in (a closed loop, like autocannon without pipelining), for as long as a
 * window is open. The connections stay open between windows, so two servers
 * can be loaded in turn in windows of a fraction of a second: the machine's
 * drift, which moves a whole run by ±10 % on a shared machine, then hits both
 * sides of a comparison alike.
 *
 * Every answer must carry a Content-Length (both stacks of every row do); a
 * chunked answer is an error, not a guess.
 */
import net from 'node:net';

/** What each request of a row sends; a GET without headers when absent. */
export interface RequestShape {
  readonly method: 'GET' | 'POST';
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** What one window measured. */
export interface Window {
  /** Answers completed. */
  readonly requests: number;
  /** From the window's first request to its last answer, in seconds. */
  readonly seconds: number;
  /** Answers with a status outside 2xx. */
  readonly non2xx: number;
  /** Socket errors and connections closed by the server. */
  readonly errors: number;
  /** The latency of each answer, in milliseconds. */
  readonly latencies: number[];
}

const HEADER_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /\r\ncontent-length:[ \t]*(\d+)/i;

function requestBytes(port: number, path: string, shape: RequestShape): Buffer {
  const body = shape.body === undefined ? undefined : Buffer.from(shape.body);
  const lines = [`${shape.method} ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`];
  for (const [name, value] of Object.entries(shape.headers ?? {})) lines.push(`${name}: ${value}`);
  if (body !== undefined) lines.push(`Content-Length: ${body.length}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return body === undefined ? head : Buffer.concat([head, body]);
}

interface Tally {
  requests: number;
  non2xx: number;
  errors: number;
  latencies: number[];
  last: number;
}

/** One keep-alive connection in a closed loop. */
class Connection {
  private socket: net.Socket | undefined;
  private pending: Buffer | undefined;
  private sentAt = 0;
  private busy = false;
  private tally: Tally | undefined;
  private until = 0;
  private onIdle: (() => void) | undefined;

  constructor(
    private readonly port: number,
    private readonly request: Buffer,
  ) {}

  private connect(): net.Socket {
    const socket = net.connect({ port: this.port, host: '127.0.0.1', noDelay: true });
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.pending = undefined;
      if (this.busy) {
        if (this.tally !== undefined) this.tally.errors++;
        this.busy = false;
        this.next();
      }
    });
    return socket;
  }

  /** Sends requests until `until` (performance.now() ms), then calls `done` once its last answer is in. */
  start(tally: Tally, until: number, done: () => void): void {
    this.tally = tally;
    this.until = until;
    this.onIdle = done;
    this.next();
  }

  private next(): void {
    if (performance.now() >= this.until) {
      const done = this.onIdle;
      this.onIdle = undefined;
      done?.();
      return;
    }
    this.socket ??= this.connect();
    this.busy = true;
    this.sentAt = performance.now();
    this.socket.write(this.request);
  }

  private receive(chunk: Buffer): void {
    let data = this.pending === undefined ? chunk : Buffer.concat([this.pending, chunk]);
    const end = data.indexOf(HEADER_END);
    if (end === -1) {
      this.pending = data;
      return;
    }
    const head = data.toString('latin1', 0, end);
    const length = CONTENT_LENGTH.exec(head);
    if (length === null) throw new Error(`the bench needs answers with a Content-Length; got: ${head.split('\r\n')[0]}`);
    const total = end + 4 + Number(length[1]);
    if (data.length < total) {
      this.pending = data;
      return;
    }
    data = data.subarray(total);
    this.pending = data.length === 0 ? undefined : data;
    const now = performance.now();
    const tally = this.tally as Tally;
    tally.requests++;
    tally.last = now;
    tally.latencies.push(now - this.sentAt);
    const status = Number(head.slice(9, 12));
    if (status < 200 || status > 299) tally.non2xx++;
    this.busy = false;
    this.next();
  }

  close(): void {
    const socket = this.socket;
    this.socket = undefined;
    socket?.destroy();
  }
}

/** `connections` keep-alive connections to 127.0.0.1:`port`, all sending `shape` to `path`. */
export class Load {
  private readonly connections: Connection[];

  constructor(port: number, path: string, connections: number, shape: RequestShape = { method: 'GET' }) {
    const request = requestBytes(port, path, shape);
    this.connections = Array.from({ length: connections }, () => new Connection(port, request));
  }

  /** Loads the server for `seconds`, then waits for the answers still in flight. */
  window(seconds: number): Promise<Window> {
    const started = performance.now();
    const tally: Tally = { requests: 0, non2xx: 0, errors: 0, latencies: [], last: started };
    const until = started + seconds * 1000;
    return new Promise((resolve, reject) => {
      let running = this.connections.length;
      // A server that stops answering fails the bench instead of hanging it.
      const stuck = setTimeout(() => reject(new Error(`no answer within ${seconds + 10} s`)), (seconds + 10) * 1000);
      const done = () => {
        if (--running > 0) return;
        clearTimeout(stuck);
        resolve({ requests: tally.requests, seconds: (tally.last - started) / 1000, non2xx: tally.non2xx, errors: tally.errors, latencies: tally.latencies });
      };
      for (const connection of this.connections) connection.start(tally, until, done);
    });
  }

  close(): void {
    for (const connection of this.connections) connection.close();
  }
}
