/**
 * Bounds on text and values that go into an answer: one `clip` for every
 * message, and the bounds of what a caller puts beside `code` and `message` in an error or
 * warning, so one careless `extra` (a whole request body, a 50 MB string, a
 * Buffer, a cycle, a deep tree) cannot make an answer huge, unserialisable
 * or shaped differently from an error object.
 */

/** The longest error message sent as is; longer ones are cut. */
export const MAX_ERROR_MESSAGE_LENGTH = 1000;

/** `text` when it has at most `max` characters, else its start and `…`, `max` characters in all. */
export function clip(text: string, max: number = MAX_ERROR_MESSAGE_LENGTH): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Longest string kept as is; longer ones are cut and end with `…`. */
export const MAX_EXTRA_STRING = 2000;
/** Longest key kept as is; longer ones are cut and end with `…`. */
export const MAX_EXTRA_KEY = 200;
/** Deepest nesting kept; deeper values become `"[truncated]"`. */
export const MAX_EXTRA_DEPTH = 8;
/** Most array items or object keys kept per level. */
export const MAX_EXTRA_ITEMS = 100;
/** Most values kept in one `extra` in all; the rest become `"[truncated]"`. */
export const MAX_EXTRA_VALUES = 500;

const TRUNCATED = '[truncated]';
const UNSERIALISABLE = '[unserialisable]';


function boundObject(value: object, depth: number, budget: { left: number }, root: boolean): Record<string, unknown> {
  const keys = Object.keys(value);
  const entries: [string, unknown][] = [];
  for (let i = 0; i < keys.length && entries.length < MAX_EXTRA_ITEMS; i++) {
    const key = keys[i] as string;
    // A `toJSON` field would make JSON replace the whole error object with its result.
    if (root && key === 'toJSON') continue;
    budget.left -= 1;
    entries.push([clip(key, MAX_EXTRA_KEY), budget.left > 0 ? bound((value as Record<string, unknown>)[key], depth + 1, budget) : TRUNCATED]);
  }
  // fromEntries defines own properties: a "__proto__" key stays data, never a prototype.
  return Object.fromEntries(entries);
}

function bound(value: unknown, depth: number, budget: { left: number }): unknown {
  if (typeof value === 'string') return clip(value, MAX_EXTRA_STRING);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_EXTRA_DEPTH || budget.left <= 0) return TRUNCATED;
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') {
    // What JSON would write (a Date's string, a Buffer's { type, data }), bounded like the rest.
    let replaced: unknown;
    try {
      replaced = toJSON.call(value);
    } catch {
      return UNSERIALISABLE;
    }
    return bound(replaced, depth + 1, budget);
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length && i < MAX_EXTRA_ITEMS; i++) {
      budget.left -= 1;
      out.push(budget.left > 0 ? bound(value[i], depth + 1, budget) : TRUNCATED);
    }
    return out;
  }
  return boundObject(value, depth, budget, false);
}

/** A bounded copy of `extra`'s fields (see the limits above). A `toJSON` field of `extra` itself is dropped. */
export function boundExtra(extra: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return boundObject(extra, 0, { left: MAX_EXTRA_VALUES }, true);
}
