/**
 * `createClient()`: a small `fetch` wrapper for APIs that answer with the
 * envelope. It sends JSON, the API version and `Accept`, retries what is
 * safe to retry, and turns every failure into an `EnvelopeError`. Only
 * `fetch`, `AbortController`, `setTimeout`, `URL` and `Headers`: it runs in
 * browsers, Node 20+, Deno and workers alike.
 */
import { isErrorEnvelope, type Envelope } from '../core/envelope.js';
import { CLIENT_ERROR_CODES, EnvelopeError, type ClientErrorCode } from './envelope-error.js';
import { parseClientOptions, type ClientConfig, type ClientHooks, type ClientOptions } from './options.js';
import { VERSION_HEADER } from '../core/headers.js';
import { EnvelopeResponse, readEnvelope } from './response.js';
import { mayRetryMethod, parseRetryAfter, retryAfterFromErrors, retryDelay } from './retry.js';

/** A query string value; `undefined` leaves the key out, an array repeats it. */
export type QueryValue = string | number | boolean | undefined | readonly (string | number | boolean)[];

/** The per-request options of `request()`, `get()`, `post()`, … */
export interface RequestOptions {
  /** Sent as JSON with `Content-Type: application/json`. @default no body */
  readonly body?: unknown;
  /** Appended to the path's query string. @default none */
  readonly query?: Readonly<Record<string, QueryValue>>;
  /** Headers for this request; they win over the client's (`X-API-Version` included). @default none */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Aborts the request, and any wait between retries: the promise rejects
   * with an `EnvelopeError` whose code is `REQUEST_ABORTED` (the signal's
   * reason is its `cause`). @default none
   */
  readonly signal?: AbortSignal;
}

/** Options of `get()` and `delete()`, which send no body. */
export type BodylessRequestOptions = Omit<RequestOptions, 'body'>;

/**
 * A client made by `createClient()`. Each method resolves to an
 * `EnvelopeResponse` when the API answered with an envelope — an ERROR one
 * too: `unwrap()` then throws it — and rejects with an `EnvelopeError` when
 * no envelope arrived (see `CLIENT_ERROR_CODES`).
 *
 * The type parameters only type `unwrap()` and `unwrapBatch()`; nothing is
 * checked at run time. The shortcut for data or a throw is
 * `api.get<Account>(path).then((r) => r.unwrap())`.
 */
export interface EnvelopeClient {
  /**
   * Sends `method` to `path` (which starts with `/` and is appended to
   * `baseUrl`). A HEAD answer has no body, hence no envelope: it rejects
   * with `NON_ENVELOPE_RESPONSE`.
   */
  request<T = unknown, R = unknown>(method: string, path: string, options?: RequestOptions): Promise<EnvelopeResponse<T, R>>;
  get<T = unknown, R = unknown>(path: string, options?: BodylessRequestOptions): Promise<EnvelopeResponse<T, R>>;
  /** Not retried unless `retry.unsafe` is set. */
  post<T = unknown, R = unknown>(path: string, options?: RequestOptions): Promise<EnvelopeResponse<T, R>>;
  put<T = unknown, R = unknown>(path: string, options?: RequestOptions): Promise<EnvelopeResponse<T, R>>;
  /** Not retried unless `retry.unsafe` is set. */
  patch<T = unknown, R = unknown>(path: string, options?: RequestOptions): Promise<EnvelopeResponse<T, R>>;
  delete<T = unknown, R = unknown>(path: string, options?: BodylessRequestOptions): Promise<EnvelopeResponse<T, R>>;
}

const METHOD = /^[A-Za-z]{1,20}$/;

/** An answer read whole, before deciding whether it is an envelope. */
interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly request: string;
  readonly text: string;
}

function buildUrl(baseUrl: string, path: string, query: RequestOptions['query']): URL {
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw new TypeError(`The request path must be a string starting with "/", got ${JSON.stringify(path)}.`);
  }
  const url = new URL(baseUrl + path);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(key, String(item));
  }
  return url;
}

function buildHeaders(config: ClientConfig, options: RequestOptions, hasBody: boolean): Headers {
  const headers = new Headers({ Accept: 'application/json' });
  for (const [name, value] of Object.entries(config.headers)) headers.set(name, value);
  if (config.version !== undefined) headers.set(VERSION_HEADER, config.version);
  for (const [name, value] of Object.entries(options.headers ?? {})) headers.set(name, value);
  if (hasBody && !headers.has('Content-Type')) headers.set('Content-Type', 'application/json');
  return headers;
}

function encodeBody(body: unknown): string | undefined {
  if (body === undefined) return undefined;
  const json = JSON.stringify(body);
  if (json === undefined) throw new TypeError('The request body must be a JSON value (not a function or a symbol).');
  return json;
}

function clientError(code: ClientErrorCode, message: string, request: string, cause: unknown): EnvelopeError {
  return new EnvelopeError({ status: 0, errors: [{ code, message }], traceId: undefined, version: undefined, request, cause });
}

/**
 * Throws `REQUEST_ABORTED` when `signal` has aborted. A function, not an
 * inline test: TypeScript would carry an earlier `aborted === false` narrowing across awaits.
 */
function throwIfAborted(signal: AbortSignal | undefined, request: string): void {
  if (signal?.aborted === true) {
    throw clientError(CLIENT_ERROR_CODES.REQUEST_ABORTED, 'The request was aborted by its signal.', request, signal.reason);
  }
}

/**
 * What went wrong, in a few words: the error's message, and the system
 * code Node's fetch hides in `cause` ("fetch failed: ECONNREFUSED"). Duck
 * typed: an error from another realm (a worker, Jest's sandbox) fails `instanceof Error`.
 */
function failureOf(error: unknown): string {
  if (error === null || typeof error !== 'object') return String(error);
  const { message, cause } = error as { message?: unknown; cause?: unknown };
  const code = cause !== null && typeof cause === 'object' ? (cause as { code?: unknown }).code : undefined;
  const text = typeof message === 'string' && message !== '' ? message : String(error);
  return typeof code === 'string' ? `${text}: ${code}` : text;
}

/**
 * One attempt: sends the request and reads the whole body under one
 * `AbortController`, which the caller's signal and `timeoutMs` both abort.
 */
async function sendOnce(config: ClientConfig, url: URL, init: RequestInit, request: string, signal: AbortSignal | undefined): Promise<Answer> {
  throwIfAborted(signal, request);
  const controller = new AbortController();
  const forwardAbort = (): void => controller.abort(signal?.reason);
  signal?.addEventListener('abort', forwardAbort, { once: true });
  let timedOut = false;
  const timer =
    config.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          // A TimeoutError reason, as AbortSignal.timeout() gives: the error's cause then says
          // "timeout", so a server that calls through this client answers 504, not 500.
          controller.abort(new DOMException(`No complete answer within ${String(config.timeoutMs)} ms.`, 'TimeoutError'));
        }, config.timeoutMs);
  try {
    const response = await config.fetch(url.href, { ...init, signal: controller.signal });
    const text = await response.text();
    return { status: response.status, headers: response.headers, request, text };
  } catch (error) {
    if (timedOut) {
      throw clientError(CLIENT_ERROR_CODES.CLIENT_TIMEOUT, `No complete answer within ${String(config.timeoutMs)} ms.`, request, error);
    }
    throwIfAborted(signal, request);
    throw clientError(CLIENT_ERROR_CODES.NETWORK_ERROR, `The request failed before a complete answer arrived (${failureOf(error)}).`, request, error);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    signal?.removeEventListener('abort', forwardAbort);
  }
}

/** The wait the answer asks for: the `Retry-After` header, else the envelope's `retry_after_seconds`. */
function askedWait(answer: Answer, envelope: Envelope | EnvelopeError, now: number): number | undefined {
  const header = parseRetryAfter(answer.headers.get('Retry-After'), now);
  return header !== undefined || !isErrorEnvelope(envelope) ? header : retryAfterFromErrors(envelope.errors);
}

async function send<T, R>(config: ClientConfig, method: string, path: string, options: RequestOptions): Promise<EnvelopeResponse<T, R>> {
  if (typeof method !== 'string' || !METHOD.test(method)) {
    throw new TypeError(`The request method must be a word such as "GET", got ${JSON.stringify(method)}.`);
  }
  const verb = method.toUpperCase();
  const url = buildUrl(config.baseUrl, path, options.query);
  const body = encodeBody(options.body);
  const init: RequestInit = body === undefined
    ? { method: verb, headers: buildHeaders(config, options, false) }
    : { method: verb, headers: buildHeaders(config, options, true), body };
  const request = `${verb} ${url.pathname}`;
  const { signal } = options;
  const retryable = mayRetryMethod(verb, config);

  for (let attempt = 0; ; attempt++) {
    const answer = await sendOnce(config, url, init, request, signal);
    const envelope = readEnvelope(answer, answer.text);
    const delay = retryable ? retryDelay(attempt, answer.status, askedWait(answer, envelope, config.now()), config) : undefined;
    if (delay === undefined) {
      if (envelope instanceof EnvelopeError) throw envelope;
      return new EnvelopeResponse<T, R>(answer, envelope);
    }
    try {
      await config.sleep(delay, signal);
    } catch (error) {
      throwIfAborted(signal, request);
      throw error;
    }
    throwIfAborted(signal, request);
  }
}

/**
 * Makes a client for an API that answers with the envelope. Options are
 * checked here, once (`TypeError` / `RangeError` naming the option).
 *
 * Every request sends `Accept: application/json`, `X-API-Version` when
 * `version` is set, and a `body` as JSON. What comes back:
 * - an envelope (any status): the promise resolves to an `EnvelopeResponse`;
 *   `unwrap()` gives `data` or throws the `EnvelopeError` of an ERROR envelope;
 * - no envelope (a gateway's HTML 502, an nginx 413 page, invalid JSON, an
 *   empty 204): rejects with an `EnvelopeError` coded `NON_ENVELOPE_RESPONSE`,
 *   with the HTTP status and the `X-Trace-Id` header's id, if any;
 * - no answer: rejects with an `EnvelopeError` of status 0 coded
 *   `NETWORK_ERROR`, `CLIENT_TIMEOUT` (`timeoutMs`) or `REQUEST_ABORTED` (`signal`).
 *
 * Retries: answers with a status of `retry.statuses` (429, 503, 504) are
 * sent again up to `retry.retries` times, for GET, HEAD, PUT, DELETE and
 * OPTIONS only (POST and PATCH with `retry.unsafe: true`). The wait is the
 * `Retry-After` header (seconds or HTTP-date; else the envelope's
 * `retry_after_seconds`); without one, a full-jitter exponential backoff
 * from `baseDelayMs`, capped at `maxDelayMs`. A `Retry-After` longer than
 * `maxDelayMs` is not waited for: the answer comes back at once. Network
 * errors and timeouts are not retried.
 *
 * @example
 * ```ts
 * import { createClient, isEnvelopeError } from 'kompliant-envelope/client';
 *
 * const api = createClient({ baseUrl: 'https://api.example.com', version: '2025-06-01', timeoutMs: 10_000 });
 * const account = await api.get<Account>('/accounts/acc_1').then((r) => r.unwrap());
 * const created = (await api.post('/accounts', { body: { name: 'Ada', email: 'ada@example.com' } })).unwrap<Account>();
 * ```
 */
export function createClient(options: ClientOptions): EnvelopeClient {
  return createClientWith(options, {});
}

/**
 * `createClient()` with its clock, jitter and wait replaced: for tests, which
 * import it from this file. Not exported by `kompliant-envelope/client`.
 * @internal
 */
export function createClientWith(options: ClientOptions, hooks: ClientHooks): EnvelopeClient {
  const config = parseClientOptions(options, hooks);
  const request = <T, R>(method: string, path: string, init: RequestOptions = {}) => send<T, R>(config, method, path, init);
  return Object.freeze({
    request,
    get: <T, R>(path: string, init?: BodylessRequestOptions) => request<T, R>('GET', path, init),
    post: <T, R>(path: string, init?: RequestOptions) => request<T, R>('POST', path, init),
    put: <T, R>(path: string, init?: RequestOptions) => request<T, R>('PUT', path, init),
    patch: <T, R>(path: string, init?: RequestOptions) => request<T, R>('PATCH', path, init),
    delete: <T, R>(path: string, init?: BodylessRequestOptions) => request<T, R>('DELETE', path, init),
  });
}
