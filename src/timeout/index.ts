/**
 * kompliant-envelope/timeout: 504 as an envelope when a handler takes too
 * long, and the handler's late answer dropped and reported. Every export is
 * listed here by name.
 *
 * @module kompliant-envelope/timeout
 */
export { timeout, type TimeoutOptions } from './timeout.js';
export { hasTimedOut } from '../express/timed-out.js';
export { TimedOutAnswerError } from '../core/response-errors.js';
