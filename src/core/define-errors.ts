import {
  ERROR_CODE_PATTERN,
  STANDARD_ERRORS,
  isErrorHttpStatus,
  type ErrorDefinition,
} from './catalog.js';
import { ApiError } from './api-error.js';

/** Makes the `ApiError` of one catalog entry; `message` overrides the catalog's default. */
export type ErrorFactory<Code extends string> = (
  extra?: Readonly<Record<string, unknown>>,
  message?: string,
) => ApiError<Code>;

/** What `defineErrors` returns: one factory per code, plus the definitions themselves. */
export type ErrorCatalog<Defs extends Record<string, ErrorDefinition>> = {
  readonly [Code in keyof Defs & string]: ErrorFactory<Code>;
} & { readonly definitions: Readonly<Defs> };

/**
 * Declares a team's own error codes once, with their status and default
 * message, and gives a typed factory for each. Checked when called: codes are
 * SCREAMING_SNAKE_CASE, statuses are the spec's, and standard codes cannot be
 * redefined.
 *
 * @example
 * ```ts
 * export const OrderErrors = defineErrors({
 *   ORDER_LOCKED: { status: 400, message: 'The order is already shipped.' },
 * });
 * throw OrderErrors.ORDER_LOCKED({ order_id: id });
 * ```
 */
export function defineErrors<const Defs extends Record<string, ErrorDefinition>>(
  definitions: Defs,
): ErrorCatalog<Defs> {
  if (definitions === null || typeof definitions !== 'object') {
    throw new TypeError('The argument of `defineErrors` must be an object of { status, message } entries.');
  }
  const catalog: Record<string, unknown> = {};
  for (const code of Object.keys(definitions)) {
    if (code === 'definitions') {
      throw new TypeError('`definitions` is reserved and cannot be used as an error code.');
    }
    if (!ERROR_CODE_PATTERN.test(code)) {
      throw new TypeError(`The error code \`${code}\` must be SCREAMING_SNAKE_CASE (A-Z, 0-9, _), at most 64 characters.`);
    }
    if (Object.hasOwn(STANDARD_ERRORS, code)) {
      throw new TypeError(`The error code \`${code}\` is a standard code and cannot be redefined.`);
    }
    const definition = definitions[code] as ErrorDefinition;
    if (!isErrorHttpStatus(definition?.status)) {
      throw new RangeError(
        `The status of \`${code}\` must be one of the spec's error statuses (400, 401, 403, 413, 415, 429, 500, 503, 504).`,
      );
    }
    if (typeof definition.message !== 'string' || definition.message === '') {
      throw new TypeError(`The message of \`${code}\` must be a non-empty string.`);
    }
    const { status, message: defaultMessage } = definition;
    catalog[code] = (extra?: Readonly<Record<string, unknown>>, message?: string) =>
      new ApiError(status, code, message ?? defaultMessage, extra);
  }
  catalog['definitions'] = Object.freeze({ ...definitions });
  return Object.freeze(catalog) as ErrorCatalog<Defs>;
}
