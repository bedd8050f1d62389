/**
 * `maintenance()`: the spec's 503, switched by the operator.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request } from 'express';
import { STANDARD_ERRORS } from '../core/catalog.js';
import { entry } from '../core/envelope.js';
import { logField, pathWithoutQuery } from '../core/report.js';
import type { NormalizedError } from '../core/normalize.js';
import { checkOptionKeys, markMiddleware, optionNames } from '../core/options.js';
import { contextOf } from '../express/context.js';
import { describeError } from '../express/report.js';
import { sendError } from '../express/write.js';
import type { MaintenanceState } from './redis-switch.js';

/** Options of `maintenance()`. */
export interface MaintenanceOptions {
  /**
   * Whether maintenance is on: a boolean, or a function read on every
   * request (sync or async) — a flag your operators flip, a config value, a
   * feature-flag service. Never a request header or query: clients must not
   * be able to switch it. If the function throws, the request is served (fail
   * open) and the error logged. Or a shared switch, `redisMaintenanceSwitch()`,
   * whose state may also carry the `Retry-After` and the message.
   */
  readonly enabled: boolean | ((req: Request) => boolean | Promise<boolean>) | { readonly state: () => MaintenanceState };
  /** Seconds until clients should retry, sent as `Retry-After`. @default 120 */
  readonly retryAfter?: number;
  /** The 503 message. @default 'The service is down for maintenance. Try again later.' */
  readonly message?: string;
  /** Requests that are served even during maintenance, e.g. health checks. @default none */
  readonly skip?: (req: Request) => boolean;
}

/** Express's `next`; inlined in the API reference. @inline */
type Next = (error?: unknown) => void;

const MAINTENANCE_OPTIONS = optionNames<MaintenanceOptions>({ enabled: true, retryAfter: true, message: true, skip: true });

/** What `maintenance()`'s `enabled` option is checked against: a hand-held switch for operators. */
export interface MaintenanceSwitch {
  /** Reads the switch; pass it as `enabled`. */
  readonly isOn: () => boolean;
  readonly on: () => void;
  readonly off: () => void;
}

/**
 * A switch for `maintenance({ enabled: sw.isOn })` that operator code flips —
 * a signal handler, an admin CLI, a config watcher.
 *
 * @example
 * ```ts
 * const sw = maintenanceSwitch();
 * process.on('SIGUSR2', () => (sw.isOn() ? sw.off() : sw.on()));
 * app.use(maintenance({ enabled: sw.isOn }));
 * ```
 */
export function maintenanceSwitch(initial = false): MaintenanceSwitch {
  let on = initial;
  return Object.freeze({
    isOn: () => on,
    on: () => {
      on = true;
    },
    off: () => {
      on = false;
    },
  });
}

function answerFor(retryAfter: number, message: string): NormalizedError {
  return Object.freeze({
    status: STANDARD_ERRORS.SERVICE_UNAVAILABLE.status,
    errors: Object.freeze([entry('SERVICE_UNAVAILABLE', message, { retry_after_seconds: retryAfter })]),
    headers: Object.freeze({ 'Retry-After': String(retryAfter) }),
  });
}

/**
 * Answers every request with 503 `SERVICE_UNAVAILABLE` and `Retry-After`
 * while maintenance is on. Mount it after `envelope()`, before the routes.
 *
 * @example
 * ```ts
 * app.use(maintenance({ enabled: () => flags.isOn('maintenance'), retryAfter: 600, skip: (req) => req.url === '/health' }));
 * ```
 */
export function maintenance(options: MaintenanceOptions): (req: IncomingMessage, res: ServerResponse, next: Next) => void {
  if (options === null || typeof options !== 'object') throw new TypeError('maintenance() needs an options object with `enabled`.');
  checkOptionKeys(options, MAINTENANCE_OPTIONS, 'maintenance()');
  const { enabled, retryAfter = 120, message = 'The service is down for maintenance. Try again later.', skip } = options;
  const shared = typeof enabled === 'object' && enabled !== null && typeof enabled.state === 'function' ? enabled : undefined;
  if (typeof enabled !== 'boolean' && typeof enabled !== 'function' && shared === undefined) {
    throw new TypeError('The `enabled` option of maintenance() must be a boolean, a function, or a shared switch such as redisMaintenanceSwitch().');
  }
  if (!Number.isSafeInteger(retryAfter) || retryAfter < 0) {
    throw new RangeError(`The \`retryAfter\` option of maintenance() must be a whole number of seconds, 0 or more, got ${String(retryAfter)}.`);
  }
  if (typeof message !== 'string' || message === '') throw new TypeError('The `message` option of maintenance() must be a non-empty string.');
  if (skip !== undefined && typeof skip !== 'function') throw new TypeError('The `skip` option of maintenance() must be a function.');

  const answer = answerFor(retryAfter, message);

  const failOpen = (req: IncomingMessage, res: ServerResponse, next: Next, error: unknown) => {
    const context = contextOf(res);
    process.stderr.write(
      `kompliant-envelope: the maintenance check failed; the request is served normally ${logField('trace_id', context.traceId)} ` +
        `${logField('method', req.method ?? '')} ${logField('path', pathWithoutQuery((req as { originalUrl?: string }).originalUrl ?? req.url) ?? '', 2000)} ` +
        `${describeError(error, true)}\n`,
    );
    next();
  };

  const info = { kind: 'maintenance', enabled: typeof enabled === 'boolean' ? enabled : undefined, skip } as const;
  if (shared !== undefined) {
    // Made again only when the switch's state changes (a new frozen object), never per request.
    let seen: MaintenanceState | undefined;
    let current = answer;
    return markMiddleware((req: IncomingMessage, res: ServerResponse, next: Next) => {
      const state = shared.state();
      if (!state.on || skip?.(req as Request)) return next();
      if (state !== seen) {
        current = answerFor(state.retryAfter ?? retryAfter, state.message ?? message);
        seen = state;
      }
      sendError(res, current);
    }, info);
  }
  const check = enabled as (req: Request) => boolean | Promise<boolean>;
  if (typeof enabled === 'boolean') {
    return markMiddleware((req, res, next) => (enabled && !skip?.(req as Request) ? sendError(res, answer) : next()), info);
  }
  return markMiddleware((req: IncomingMessage, res: ServerResponse, next: Next) => {
    if (skip?.(req as Request)) return next();
    let state: boolean | Promise<boolean>;
    try {
      state = check(req as Request);
    } catch (error) {
      return failOpen(req, res, next, error);
    }
    if (typeof state === 'boolean') return state ? sendError(res, answer) : next();
    Promise.resolve(state).then(
      (on) => (on === true ? sendError(res, answer) : next()),
      (error: unknown) => failOpen(req, res, next, error),
    );
  }, info);
}
