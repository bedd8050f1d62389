// `require('kompliant-envelope')` in a fresh process: the root never loads the
// optional peer express-rate-limit, and stays small (fewer than 34 modules).
const assert = require('node:assert/strict');

const MAX_MODULES = 33;
const before = new Set(Object.keys(require.cache));
const root = require('kompliant-envelope');
const loaded = Object.keys(require.cache).filter((file) => !before.has(file));

assert.equal(typeof root.envelope, 'function');
const own = loaded.filter((file) => /[\\/]node_modules[\\/]kompliant-envelope[\\/]/.test(file)).length;
console.log(`root require: ${loaded.length} modules (${own} of kompliant-envelope, ${loaded.length - own} of other packages; at most ${MAX_MODULES})`);
const peer = loaded.filter((file) => /[\\/]node_modules[\\/]express-rate-limit[\\/]/.test(file));
assert.deepEqual(peer, [], 'the root must not load express-rate-limit');
assert.ok(loaded.length <= MAX_MODULES, `the root loads ${loaded.length} modules, more than ${MAX_MODULES}:\n${loaded.join('\n')}`);
