/**
 * kompliant-envelope/rate-limit: 429 as an envelope with `Retry-After`, on
 * express-rate-limit (an optional peer dependency: `npm install
 * express-rate-limit`). Every export is listed here by name.
 *
 * @module kompliant-envelope/rate-limit
 */
export { rateLimit, StoreTimeoutError, type RateLimitOptions } from './rate-limit.js';
