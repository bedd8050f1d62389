/**
 * kompliant-envelope/versioning: one route, a handler per API version
 * (`versioned()`). The versions themselves and their deprecations are
 * options of `envelope()`. Every export is listed here by name.
 *
 * @module kompliant-envelope/versioning
 */
export { versioned, type VersionedHandler } from './versioned.js';
export type { Deprecation } from '../express/deprecations.js';
