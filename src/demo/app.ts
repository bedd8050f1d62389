/**
 * The demo API that `npm start` serves: a small "accounts" service that
 * answers every request — success, batch, validation error, auth failure,
 * crash, unknown route — with the library's envelope.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Express, NextFunction, Request, Response } from 'express';
import type expressModule from 'express';
import {
  ApiError,
  asyncHandler,
  batch,
  envelope,
  errorHandler,
  ok,
  requestContext,
  warn,
  type ErrorObject,
  type ErrorReporter,
} from '../index.js';
import { AccountErrors, AccountStore, type Account, type NewAccount } from './account-store.js';

/** The Express factory: `express` (5) or `express4`. */
export type ExpressFactory = typeof expressModule;

/** The API versions, oldest first. In the oldest, every account carries its `fax`. */
export const API_VERSIONS = ['2024-01-01', '2025-06-01'] as const;

/** The demo's API keys and their roles. Demo only: real keys never live in code. */
export const DEMO_API_KEYS: Readonly<Record<string, 'admin' | 'reader'>> = Object.freeze({
  'demo-admin-key': 'admin',
  'demo-reader-key': 'reader',
});

/** What `GET /debug/crash` throws: an internal detail the client must never see. */
export const CRASH_MESSAGE = 'connect ECONNREFUSED db-primary.internal:5432 (pool "accounts_rw" exhausted)';

/** Options of `createApp()`. */
export interface DemoOptions {
  /** Where errors are reported. @default one JSON line on stderr per 5xx or late error */
  readonly onError?: ErrorReporter;
}

/** The default `onError`: one line per 5xx (or late) error, with the trace_id to find it by. */
export const logServerError: ErrorReporter = (error, report) => {
  if (report.status < 500 && !report.late) return;
  // JSON.stringify escapes newlines, so a multi-line message still makes one log line.
  const line = JSON.stringify({
    level: 'error',
    trace_id: report.traceId,
    status: report.status,
    code: report.code,
    method: report.method,
    path: report.path,
    late: report.late,
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  });
  process.stderr.write(`${line}\n`);
};

const WWW_AUTHENTICATE = { 'WWW-Authenticate': 'ApiKey realm="accounts-demo", header="X-API-Key"' };

/** Hand-rolled API-key auth: 401 without a known key, 403 without the role. */
function requireRole(role: 'admin' | 'reader') {
  return function checkApiKey(req: Request, _res: Response, next: NextFunction): void {
    const key = req.get('X-API-Key');
    if (key === undefined || key === '') {
      throw new ApiError(401, 'MISSING_CREDENTIALS', 'Send your API key in the X-API-Key header.', undefined, {
        headers: WWW_AUTHENTICATE,
      });
    }
    const granted = Object.hasOwn(DEMO_API_KEYS, key) ? DEMO_API_KEYS[key] : undefined;
    if (granted === undefined) {
      // The key itself is never echoed: it may be a real secret sent to the wrong place.
      throw new ApiError(401, 'AUTHENTICATION_FAILED', 'The API key is not valid.', undefined, {
        headers: WWW_AUTHENTICATE,
      });
    }
    if (granted !== role && granted !== 'admin') {
      throw new ApiError(403, 'NOT_AUTHORIZED', `This endpoint needs an API key with the ${role} role.`, {
        required_role: role,
      });
    }
    next();
  };
}

/** Checks a new account by hand; one VALIDATION_ERROR per invalid field. */
function parseNewAccount(input: unknown): NewAccount {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ApiError(400, 'VALIDATION_ERROR', 'An account must be a JSON object with `name` and `email`.');
  }
  const { name, email } = input as Record<string, unknown>;
  const errors: ErrorObject[] = [];
  if (typeof name !== 'string' || name.trim() === '') {
    errors.push({ code: 'VALIDATION_ERROR', message: 'The name is required and must be a non-empty string.', field: 'name' });
  }
  if (typeof email !== 'string' || !email.includes('@')) {
    errors.push({ code: 'VALIDATION_ERROR', message: 'The email is required and must contain "@".', field: 'email' });
  }
  if (errors.length > 0) throw new ApiError(400, errors);
  return { name: (name as string).trim(), email: email as string };
}

/** An account as clients see it; `fax` only when asked for, with a deprecation warning. */
function present(account: Account, withFax: boolean) {
  const { fax, ...current } = account;
  if (!withFax) return current;
  warn('FIELD_DEPRECATED', 'The `fax` field is deprecated and will be removed; use `email`.', { field: 'fax' });
  return { ...current, fax };
}

/**
 * Builds the demo app on the given Express (4 or 5), with a fresh store.
 *
 * @example
 * ```ts
 * import express from 'express';
 * createApp(express).listen(3000);
 * ```
 */
export function createApp(express: ExpressFactory, { onError = logServerError }: DemoOptions = {}): Express {
  const store = new AccountStore();
  const app = express();
  app.disable('x-powered-by');

  app.use(envelope({ versions: API_VERSIONS }));
  app.use(express.json());

  app.get(
    '/accounts',
    asyncHandler(async (_req, res) => ok(res, (await store.list()).map((account) => present(account, false)))),
  );

  app.post(
    '/accounts',
    asyncHandler(async (req, res) => {
      // Express 5 leaves req.body undefined when there is no body; Express 4 makes it {}.
      const account = await store.create(parseNewAccount(req.body ?? {}));
      // 200, never 201: the spec answers every success with 200.
      ok(res, present(account, false));
    }),
  );

  app.post(
    '/accounts/batch',
    asyncHandler((req, res) =>
      batch(res, req.body, async (item: unknown) => present(await store.create(parseNewAccount(item)), false), {
        echo: (item: unknown) => ({ email: emailOf(item) }),
        maxItems: 100,
      }),
    ),
  );

  app.get(
    '/accounts/:id',
    asyncHandler(async (req, res) => {
      const account = await store.find(req.params['id'] as string);
      if (account === undefined) throw AccountErrors.ACCOUNT_NOT_FOUND({ account_id: req.params['id'] });
      // The oldest version always carried the legacy fax; later ones only on request.
      const withFax = req.query['include'] === 'fax' || requestContext()?.version === API_VERSIONS[0];
      ok(res, present(account, withFax));
    }),
  );

  app.get(
    '/admin/stats',
    requireRole('admin'),
    asyncHandler(async (_req, res) => ok(res, { accounts: await store.count() })),
  );

  app.get('/debug/crash', () => {
    throw new Error(CRASH_MESSAGE);
  });

  app.get(
    '/whoami',
    asyncHandler(async (_req, res) => {
      await sleep(5);
      // Read after the await, from AsyncLocalStorage: no `req` or `res` needed.
      const context = requestContext();
      ok(res, { trace_id: context?.traceId, version: context?.version });
    }),
  );

  app.use(errorHandler({ onError }));
  return app;
}

/** The batch echo: the item's email, to correlate results; `null` when it has none. */
function emailOf(item: unknown): string | null {
  const email = item !== null && typeof item === 'object' ? (item as { email?: unknown }).email : undefined;
  return typeof email === 'string' ? email : null;
}
