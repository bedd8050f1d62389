// `import 'kompliant-envelope'` in a fresh process: the ESM root never loads the
// optional peer express-rate-limit (which /rate-limit loads with `require`).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const { envelope } = await import('kompliant-envelope');
assert.equal(typeof envelope, 'function');
const peer = Object.keys(createRequire(import.meta.url).cache).filter((file) => /[\\/]node_modules[\\/]express-rate-limit[\\/]/.test(file));
assert.deepEqual(peer, [], 'the ESM root must not load express-rate-limit');
console.log('root import: express-rate-limit not loaded');
