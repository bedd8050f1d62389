/**
 * Bounds what a caller puts beside `code` and `message` in an error or
 * warning, so one careless `extra` (a whole request body, a 50 MB string, a
 * cycle, a deep tree) cannot make an answer huge or unserialisable.
 */

/** Longest string kept as is; longer ones are cut and end with `…`. */
export const MAX_EXTRA_STRING = 2000;
/** Deepest nesting kept; deeper values become `"[truncated]"`. */
export const MAX_EXTRA_DEPTH = 8;
/** Most array items or object keys kept per level. */
export const MAX_EXTRA_ITEMS = 100;
/** Most values kept in one `extra` in all; the rest become `"[truncated]"`. */
export const MAX_EXTRA_VALUES = 500;

const TRUNCATED = '[truncated]';

function bound(value: unknown, depth: number, budget: { left: number }): unknown {
  if (typeof value === 'string') {
    return value.length <= MAX_EXTRA_STRING ? value : `${value.slice(0, MAX_EXTRA_STRING - 1)}…`;
  }
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_EXTRA_DEPTH || budget.left <= 0) return TRUNCATED;
  // Dates and other values that say how to serialise themselves are kept as they are.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length && i < MAX_EXTRA_ITEMS; i++) {
      budget.left -= 1;
      out.push(budget.left > 0 ? bound(value[i], depth + 1, budget) : TRUNCATED);
    }
    return out;
  }
  const keys = Object.keys(value);
  const entries: [string, unknown][] = [];
  for (let i = 0; i < keys.length && i < MAX_EXTRA_ITEMS; i++) {
    const key = keys[i] as string;
    budget.left -= 1;
    entries.push([key, budget.left > 0 ? bound((value as Record<string, unknown>)[key], depth + 1, budget) : TRUNCATED]);
  }
  // fromEntries defines own properties: a "__proto__" key stays data, never a prototype.
  return Object.fromEntries(entries);
}

/** A bounded copy of `extra`'s fields (see the limits above). */
export function boundExtra(extra: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return bound(extra, 0, { left: MAX_EXTRA_VALUES }) as Record<string, unknown>;
}
