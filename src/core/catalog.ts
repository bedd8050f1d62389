/**
 * The HTTP statuses of `http-status-codes.txt` and the standard error codes.
 * Documented in docs/standard-errors.md; keep the two in step.
 */

/** Every error status the spec uses. 404 and 405 are not among them: the spec answers those cases with 400. */
export const ERROR_STATUSES = [400, 401, 403, 413, 415, 429, 500, 503, 504] as const;

/** An HTTP status the spec allows on an ERROR envelope. */
export type ErrorHttpStatus = (typeof ERROR_STATUSES)[number];

const errorStatusSet: ReadonlySet<number> = new Set(ERROR_STATUSES);

/** True when `status` is one of the spec's error statuses. */
export function isErrorHttpStatus(status: unknown): status is ErrorHttpStatus {
  return typeof status === 'number' && errorStatusSet.has(status);
}

/** One catalog entry: the status the code is answered with and its default message. */
export interface ErrorDefinition {
  readonly status: ErrorHttpStatus;
  readonly message: string;
}

/**
 * The standard error catalog. Every answer this library makes itself uses one
 * of these codes.
 */
export const STANDARD_ERRORS = Object.freeze({
  BAD_REQUEST: { status: 400, message: 'The request is not valid.' },
  VALIDATION_ERROR: { status: 400, message: 'The request did not pass validation.' },
  MALFORMED_JSON: { status: 400, message: 'The request body is not valid JSON, or not a JSON object or array.' },
  NOT_FOUND: { status: 400, message: 'The requested resource does not exist.' },
  ROUTE_NOT_FOUND: { status: 400, message: 'No endpoint exists at this path.' },
  METHOD_NOT_ALLOWED: { status: 400, message: 'This path does not support the request method.' },
  UNSUPPORTED_API_VERSION: { status: 400, message: 'The requested API version is not supported.' },
  MISSING_CREDENTIALS: { status: 401, message: 'Authentication credentials are missing.' },
  AUTHENTICATION_FAILED: { status: 401, message: 'Authentication failed.' },
  NOT_AUTHORIZED: { status: 403, message: 'You are not allowed to perform this request.' },
  REQUEST_TOO_LARGE: { status: 413, message: 'The request is too large.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'The request media type is not supported.' },
  TOO_MANY_REQUESTS: { status: 429, message: 'Too many requests. Slow down and try again later.' },
  INTERNAL_ERROR: {
    status: 500,
    message: 'An unexpected error occurred. Quote the trace_id if you contact support.',
  },
  SERVICE_UNAVAILABLE: { status: 503, message: 'The service is unavailable. Try again later.' },
  GATEWAY_TIMEOUT: { status: 504, message: 'The request timed out. Try again later.' },
} as const satisfies Record<string, ErrorDefinition>);

/** A code of the standard catalog. */
export type StandardErrorCode = keyof typeof STANDARD_ERRORS;

/**
 * Any error code: the standard ones are suggested by editors, any other
 * string is allowed (see `defineErrors` for a typed catalog of your own).
 */
export type ErrorCode = StandardErrorCode | (string & {});

/** Error codes are SCREAMING_SNAKE_CASE, as in the spec's examples. */
export const ERROR_CODE_PATTERN = /^[A-Z][A-Z0-9_]{0,63}$/;

// The standard reason phrases of the 4xx and 5xx statuses (as Node and http-errors write
// them), so the core knows one without importing node:http.
const PHRASES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  411: 'Length Required',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  416: 'Range Not Satisfiable',
  417: 'Expectation Failed',
  418: "I'm a Teapot",
  421: 'Misdirected Request',
  422: 'Unprocessable Entity',
  423: 'Locked',
  424: 'Failed Dependency',
  425: 'Too Early',
  426: 'Upgrade Required',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  451: 'Unavailable For Legal Reasons',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  505: 'HTTP Version Not Supported',
  506: 'Variant Also Negotiates',
  507: 'Insufficient Storage',
  508: 'Loop Detected',
  509: 'Bandwidth Limit Exceeded',
  510: 'Not Extended',
  511: 'Network Authentication Required',
};

/** The reason phrase of an error status, or `undefined` for one without a standard phrase. */
export function reasonPhrase(status: number): string | undefined {
  return PHRASES[status];
}
