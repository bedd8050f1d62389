/**
 * The shapes of the demo's answers (and of what it reads), as zod schemas
 * for `describe()`: the OpenAPI document turns them into JSON Schema
 * through Standard JSON Schema. `.meta({ id })` names a schema, so it is
 * written once under `components.schemas` and pointed at.
 */
import { z } from 'zod';

/** An account as the routes present it; `fax` only for the oldest version or `?include=fax`. */
export const AccountSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string(),
    fax: z.string().nullable().optional(),
  })
  .meta({ id: 'Account' });

/** What `POST /accounts` and each item of `POST /accounts/batch` take (checked by hand in input.ts). */
export const NewAccountSchema = z.object({ name: z.string().min(1), email: z.string().includes('@') }).meta({ id: 'NewAccount' });

/** What each batch result's `request` echoes: the item's email, or null. */
export const BatchEchoSchema = z.object({ email: z.string().nullable() });

/** `GET /accounts/{id}/summary`: the oldest version's shape, or the latest's. */
export const AccountSummarySchema = z.union([
  z.object({ id: z.string(), name: z.string() }),
  z.object({ id: z.string(), display_name: z.string(), contact: z.object({ email: z.string() }) }),
]);

export const HealthSchema = z.object({ up: z.boolean(), maintenance: z.boolean() });
export const StatsSchema = z.object({ accounts: z.number().int().min(0), api_key_role: z.enum(['admin', 'reader']) });
export const ReportSchema = z.object({ period: z.literal('monthly'), accounts: z.number().int().min(0), took_ms: z.number().int().min(0) });
export const WhoAmISchema = z.object({
  trace_id: z.string(),
  version: z.string(),
  forward: z.record(z.string(), z.string()),
});
