/**
 * Helpers of the client tests: a real HTTP server on 127.0.0.1 (port 0) for
 * any request listener, a `fetch` that records what the client sent, and a
 * `sleep` that records the waits instead of waiting.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FetchFunction } from 'kompliant-envelope/client';
import type { SleepFunction } from '../../src/client/options.js';

/** A listening server and its base URL. */
export interface Running {
  readonly baseUrl: string;
  readonly server: Server;
  close(): Promise<void>;
}

/** Starts `listener` (an Express app or a plain handler) on 127.0.0.1, on a free port. */
export async function listen(listener: RequestListener): Promise<Running> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      }),
  };
}

/** A request as the client sent it. */
export interface SentRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly body: string | undefined;
}

/** The global `fetch`, recording each request. */
export function recordingFetch(): { fetch: FetchFunction; sent: SentRequest[] } {
  const sent: SentRequest[] = [];
  const fetchFunction: FetchFunction = (input, init) => {
    sent.push({
      url: input,
      method: init.method ?? 'GET',
      headers: new Headers(init.headers),
      body: typeof init.body === 'string' ? init.body : undefined,
    });
    return fetch(input, init);
  };
  return { fetch: fetchFunction, sent };
}

/** A `sleep` that records each wait, runs `onWait` (to change the server's state), and returns at once. */
export function recordingSleep(onWait: (ms: number) => void = () => {}): { sleep: SleepFunction; waits: number[] } {
  const waits: number[] = [];
  const sleep: SleepFunction = async (ms) => {
    waits.push(ms);
    onWait(ms);
  };
  return { sleep, waits };
}

/** The rejection of `promise`, which must reject. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('The promise resolved; it was expected to reject.');
}
