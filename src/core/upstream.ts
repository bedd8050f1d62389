/**
 * Errors that describe an answer this service RECEIVED from another one (an
 * HTTP client's error), told apart from errors that describe an answer to
 * SEND (http-errors, `ApiError`). Recognised by the shapes the clients
 * document, never by `instanceof`: core imports none of them.
 */
import { clip } from './bound.js';

/** The call an upstream error describes, as `onError` receives it; each field only when the error carries it. */
export interface UpstreamCall {
  /** The status the upstream answered with; absent when no answer arrived. */
  readonly status?: number;
  /** The request method, upper case. */
  readonly method?: string;
  /** The request URL without its query string, fragment and credentials. */
  readonly url?: string;
}

type Record_ = Record<string, unknown>;

function objectOr(value: unknown): Record_ | undefined {
  return value !== null && typeof value === 'object' ? (value as Record_) : undefined;
}

/**
 * Names of client errors that are upstream errors when they also carry the
 * request they were made for (`request`, `options` or `config`): got
 * (`HTTPError`, `RequestError`), ky (`HTTPError`), Octokit (`HttpError`),
 * gaxios (`GaxiosError`). The name alone is not enough: http-errors' base
 * class is also called `HttpError`.
 */
const CLIENT_ERROR_NAMES: ReadonlySet<string> = new Set(['HTTPError', 'RequestError', 'HttpError', 'GaxiosError']);

/**
 * True when `error` describes an answer this service received:
 * - axios: `isAxiosError === true`;
 * - a `response` object with a numeric `status` or `statusCode` (got, ky,
 *   Octokit, gaxios, fetch wrappers); http-errors never carry one;
 * - a client error name above with its request;
 * - undici's `ResponseStatusCodeError` (`UND_ERR_RESPONSE_STATUS_CODE`);
 * - this package's client's `EnvelopeError` (`name` and its `errors` array).
 */
export function isUpstreamError(error: Record_): boolean {
  if (error['isAxiosError'] === true) return true;
  const response = objectOr(error['response']);
  if (response !== undefined && (typeof response['status'] === 'number' || typeof response['statusCode'] === 'number')) return true;
  const name = error['name'];
  if (name === 'EnvelopeError') return Array.isArray(error['errors']) && typeof error['status'] === 'number';
  if (typeof name === 'string' && CLIENT_ERROR_NAMES.has(name)) {
    return objectOr(error['request']) !== undefined || objectOr(error['options']) !== undefined || objectOr(error['config']) !== undefined;
  }
  return error['code'] === 'UND_ERR_RESPONSE_STATUS_CODE';
}

const ABSOLUTE_URL = /^[a-z][a-z\d+.-]*:/i;
// The userinfo of an absolute URL (`https://user:secret@host`): a credential, not for logs.
const USERINFO = /^([a-z][a-z\d+.-]*:\/\/)[^/?#@]*@/i;
const METHOD = /^[A-Za-z]{1,16}$/;
const TRAILING_SLASHES = /\/+$/;
const LEADING_SLASHES = /^\/+/;
const QUERY_OR_FRAGMENT = /[?#]/;
const MAX_URL_LENGTH = 2048;

function statusIn(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 599 ? value : undefined;
}

function methodIn(value: unknown): string | undefined {
  return typeof value === 'string' && METHOD.test(value) ? value.toUpperCase() : undefined;
}

/** A string URL, or the `href` of a URL object (got and gaxios keep a `URL`). */
function urlIn(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  const href = objectOr(value)?.['href'];
  return typeof href === 'string' ? href : undefined;
}

/** axios keeps a relative `url` and its `baseURL` apart. */
function joinBase(base: unknown, url: string): string {
  if (typeof base !== 'string' || base === '' || ABSOLUTE_URL.test(url)) return url;
  return `${base.replace(TRAILING_SLASHES, '')}/${url.replace(LEADING_SLASHES, '')}`;
}

/** Without the query string and fragment (tokens, emails) and the credentials. */
function safeUrl(url: string): string {
  const query = url.search(QUERY_OR_FRAGMENT);
  return clip((query === -1 ? url : url.slice(0, query)).replace(USERINFO, '$1'), MAX_URL_LENGTH);
}

/**
 * The status, method and URL of the call an upstream error describes, for
 * the team's logs; `undefined` for any other value. Never the upstream's body
 * or headers. Never throws.
 */
export function upstreamOf(error: unknown): UpstreamCall | undefined {
  try {
    const record = objectOr(error);
    if (record === undefined || !isUpstreamError(record)) return undefined;
    const response = objectOr(record['response']);
    const config = objectOr(record['config']) ?? objectOr(record['options']);
    const rawRequest = record['request'];
    const request = objectOr(rawRequest);
    const status =
      statusIn(response?.['status']) ?? statusIn(response?.['statusCode']) ?? statusIn(record['status']) ?? statusIn(record['statusCode']);
    let method = methodIn(config?.['method']) ?? methodIn(request?.['method']);
    let url: string | undefined;
    const configUrl = urlIn(config?.['url']);
    if (configUrl !== undefined) url = joinBase(config?.['baseURL'], configUrl);
    else url = urlIn(request?.['url']) ?? urlIn(response?.['url']);
    // EnvelopeError's `request` is "GET /accounts": the method and the path.
    if (typeof rawRequest === 'string' && record['name'] === 'EnvelopeError') {
      const space = rawRequest.indexOf(' ');
      if (space > 0) {
        method ??= methodIn(rawRequest.slice(0, space));
        url ??= rawRequest.slice(space + 1) || undefined;
      }
    }
    const call: { status?: number; method?: string; url?: string } = {};
    if (status !== undefined) call.status = status;
    if (method !== undefined) call.method = method;
    if (url !== undefined) call.url = safeUrl(url);
    return call;
  } catch {
    return undefined;
  }
}
