/**
 * The mark `timeout()` leaves on a response it answered with a 504, read by
 * the responders to report a handler's late answer as such.
 */
import type { ServerResponse } from 'node:http';

const timedOut: unique symbol = Symbol('kompliant-envelope.timedOut');
type MaybeTimedOut = ServerResponse & { [timedOut]?: true };

/** True when `timeout()` answered this response with a 504. */
export function hasTimedOut(res: ServerResponse): boolean {
  return (res as MaybeTimedOut)[timedOut] === true;
}

/** Marks a response as answered by `timeout()`. */
export function markTimedOut(res: ServerResponse): void {
  (res as MaybeTimedOut)[timedOut] = true;
}
