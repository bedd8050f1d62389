// The ES module build of peer.ts (copied over dist/esm/rate-limit/peer.js by
// `npm run build`): the same function, with `require` made for this file.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const MISSING_PEER_MESSAGE =
  'kompliant-envelope/rate-limit needs the express-rate-limit package (an optional peer dependency). Install it: npm install express-rate-limit';

export function isMissingPackage(error, name) {
  const { code, message } = error ?? {};
  return code === 'MODULE_NOT_FOUND' && typeof message === 'string' && message.includes(`'${name}'`);
}

export function loadExpressRateLimit() {
  try {
    return require('express-rate-limit');
  } catch (error) {
    if (!isMissingPackage(error, 'express-rate-limit')) throw error;
    throw Object.assign(new Error(MISSING_PEER_MESSAGE, { cause: error }), { code: 'ERR_MISSING_PEER_DEPENDENCY' });
  }
}
