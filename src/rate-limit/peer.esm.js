// The ES module build of peer.ts (copied over dist/esm/rate-limit/peer.js by
// scripts/build.mjs): the same function, with `require` made for this file.
import { createRequire } from 'node:module';
import { loadPeer } from './missing-peer.js';

const require = createRequire(import.meta.url);

export function loadExpressRateLimit() {
  return loadPeer(() => require('express-rate-limit'));
}
