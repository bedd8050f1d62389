/**
 * kompliant-envelope/testing: Jest matchers for envelopes and a conformance
 * check of a whole app against the spec. Every export is listed here by name.
 * Importing this module declares the matchers on Jest's `expect` types;
 * `expect.extend(envelopeMatchers)` installs them.
 *
 * @module kompliant-envelope/testing
 */
export { envelopeMatchers, type EnvelopeMatcherFunctions, type MatcherContextLike, type MatcherResultLike } from './matchers.js';
export type { EnvelopeMatchers } from './matcher-types.js';
export { isResponseLike, type ResponseLike } from './received.js';
export { envelopeProblems, type EnvelopeKind } from './shape.js';
export { checkConformance, UNKNOWN_PATH, UNSUPPORTED_VERSION } from './conformance.js';
export { DEFAULT_PROBE_TIMEOUT_MS, type ConformanceOptions } from './conformance-options.js';
