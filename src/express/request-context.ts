/**
 * The public view of the request context: `requestContext()` and `warn()`,
 * usable anywhere in a request's async flow.
 */
import { entry, type WarningObject } from '../core/envelope.js';
import { currentContext } from './context.js';

/** What is known about the current request. */
export interface RequestContext {
  /** The request's trace id, also in `meta.trace_id` and the `X-Trace-Id` header. */
  readonly traceId: string;
  /** The resolved API version, also in `meta.version` and the `X-API-Version` header. */
  readonly version: string;
  /** Warnings added with `warn()`; sent in `meta.warnings` of the answer. */
  readonly warnings: readonly WarningObject[] | undefined;
}

/**
 * The current request's `{ traceId, version, warnings }` anywhere in its
 * async flow (after awaits, timers, body parsing), or `undefined` outside a
 * request that went through `envelope()`.
 *
 * @example
 * ```ts
 * logger.info({ trace_id: requestContext()?.traceId }, 'charging card');
 * ```
 */
export function requestContext(): RequestContext | undefined {
  const context = currentContext();
  if (context === undefined) return undefined;
  // A read-only view, made once per request: the context itself also holds
  // the library's own fields (span, timings), which must not end up in logs or answers.
  return (context.view ??= Object.freeze({
    get traceId() {
      return context.traceId;
    },
    get version() {
      return context.version;
    },
    get warnings() {
      return context.warnings;
    },
    toJSON() {
      return { traceId: context.traceId, version: context.version, warnings: context.warnings };
    },
  })) as RequestContext;
}

/**
 * Adds a warning to the current request's `meta.warnings`. Outside a request
 * it does nothing and returns `false`.
 *
 * @example
 * ```ts
 * warn('FIELD_DEPRECATED', 'The `fax` field is deprecated.', { field: 'fax' });
 * ```
 */
export function warn(code: string, message: string, extra?: Readonly<Record<string, unknown>>): boolean {
  if (typeof code !== 'string' || code === '' || typeof message !== 'string') {
    throw new TypeError('warn() needs a non-empty string `code` and a string `message`.');
  }
  const context = currentContext();
  if (context === undefined) return false;
  (context.warnings ??= []).push(entry(code, message, extra));
  return true;
}
