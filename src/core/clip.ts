/**
 * Cutting text that goes into an answer to a bounded length, the same way
 * everywhere: the first `max - 1` characters and `…`.
 */

/** The longest error message sent as is; longer ones are cut. */
export const MAX_ERROR_MESSAGE_LENGTH = 1000;

/** `text` when it has at most `max` characters, else its start and `…`, `max` characters in all. */
export function clip(text: string, max: number = MAX_ERROR_MESSAGE_LENGTH): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
