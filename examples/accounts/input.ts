/**
 * Checks what clients send to the demo, by hand: each check throws a 400
 * VALIDATION_ERROR naming the field, so the routes only see valid input.
 */
import { ApiError, type ErrorObject } from 'kompliant-envelope';
import type { NewAccount } from './account-store.js';

/** The longest `delay` that `GET /reports/monthly` accepts, in milliseconds. */
export const MAX_REPORT_DELAY_MS = 10_000;

const WHOLE_NUMBER = /^\d{1,6}$/;

/** Checks a new account by hand; one VALIDATION_ERROR per invalid field. */
export function parseNewAccount(input: unknown): NewAccount {
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

/** The `q` of a search: 1 to 100 characters. */
export function parseSearchQuery(raw: unknown): string {
  if (typeof raw !== 'string' || raw.trim() === '' || raw.length > 100) {
    throw new ApiError(400, 'VALIDATION_ERROR', 'The q parameter is required: 1 to 100 characters to find in names and emails.', {
      field: 'q',
    });
  }
  return raw.trim().toLowerCase();
}

/** The `delay` of a report: a whole number of milliseconds up to the cap; none means no delay. */
export function parseDelay(raw: unknown): number {
  if (raw === undefined) return 0;
  // A repeated key arrives as an array, and Express 4 (qs) makes `?delay[a]=1` an object: only one string passes.
  const delay = typeof raw === 'string' && WHOLE_NUMBER.test(raw) ? Number(raw) : Number.NaN;
  if (Number.isNaN(delay) || delay > MAX_REPORT_DELAY_MS) {
    throw new ApiError(400, 'VALIDATION_ERROR', `The delay must be a whole number of milliseconds from 0 to ${MAX_REPORT_DELAY_MS}.`, {
      field: 'delay',
    });
  }
  return delay;
}
