/**
 * Loads express-rate-limit, an optional peer dependency that only this
 * subpath needs. The ES module build replaces this file with peer.esm.js,
 * which makes its `require` with `createRequire(import.meta.url)` (tsc cannot
 * emit that for both builds; see scripts/build.mjs).
 */
import type * as ExpressRateLimit from 'express-rate-limit';
import { loadPeer } from './missing-peer.js';

/** express-rate-limit's module, or an `Error` with code `ERR_MISSING_PEER_DEPENDENCY` that names the package to install. */
export function loadExpressRateLimit(): typeof ExpressRateLimit {
  return loadPeer(() => require('express-rate-limit') as typeof ExpressRateLimit);
}
