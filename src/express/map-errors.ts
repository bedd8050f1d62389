/**
 * `envelope({ mapErrors })`: the team's own error mappers, checked once when
 * `envelope()` is made, and the report of a mapper that fails at run time.
 */
import { describeError } from './report.js';
import { normalizeError, type ErrorMapper, type MapperFailureHandler, type NormalizedError } from '../core/normalize.js';
import type { MutableContext } from './context.js';

/**
 * The checked `mapErrors` option: a frozen copy of the array, shared by
 * every request; `undefined` when there is none (or it is empty), so the
 * normaliser does exactly what it does without the option.
 */
export function compileMapErrors(option: unknown): readonly ErrorMapper[] | undefined {
  if (option === undefined) return undefined;
  if (!Array.isArray(option)) {
    throw new TypeError('The `mapErrors` option of envelope() must be an array of functions (error) => ApiError | undefined.');
  }
  option.forEach((mapper: unknown, index) => {
    if (typeof mapper !== 'function') {
      throw new TypeError(`The \`mapErrors\` option of envelope() must be an array of functions (error) => ApiError | undefined; item ${index} is ${mapper === null ? 'null' : typeof mapper}.`);
    }
  });
  return option.length === 0 ? undefined : Object.freeze([...(option as ErrorMapper[])]);
}

const reported = new WeakSet<ErrorMapper>();

/**
 * A mapper that throws, or returns what is not an `ApiError`, is a bug in
 * the team's code: the answer falls back to the built-in mapping, and one
 * line goes to stderr the first time each mapper fails (not once per
 * request, which would flood the log under load).
 */
export const reportMapperFailure: MapperFailureHandler = (mapper, index, threw, value) => {
  if (reported.has(mapper)) return;
  reported.add(mapper);
  const name = mapper.name === '' ? '' : ` (${mapper.name})`;
  const what = threw ? 'threw' : 'returned a value that is neither an ApiError nor undefined';
  process.stderr.write(
    `kompliant-envelope: ERR_MAP_ERRORS_MAPPER: mapErrors[${index}]${name} ${what}; it is skipped and the built-in mapping answers. ` +
      `Reported once per mapper. See docs/error-mapping.md#your-own-mappings-maperrors ${describeError(value, threw)}\n`,
  );
};

/** `normalizeError()` with the request's `mapErrors` (none without `envelope()`), failures reported as above. */
export function normalizeForRequest(error: unknown, context: MutableContext | undefined): NormalizedError {
  return normalizeError(error, context?.mapErrors, reportMapperFailure);
}
