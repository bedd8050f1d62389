/**
 * Properties of the fields a caller puts beside `code` and `message`
 * (`extra`): whatever the object — `__proto__`/`constructor`/`prototype`
 * keys, 100k-character strings, nesting 30 deep, thousands of keys, cycles —
 * `new ApiError()`, `fail()` and `warn()` never pollute a prototype, always
 * answer a well-formed envelope, and stay within the limits of bound.ts.
 */
import type { Server } from 'node:http';
import fc from 'fast-check';
import request from 'supertest';
import { MAX_EXTRA_DEPTH, MAX_EXTRA_ITEMS, MAX_EXTRA_STRING, MAX_EXTRA_VALUES } from '../../src/core/bound.js';
import { ApiError, asyncHandler, fail, ok, warn } from 'kompliant-envelope';
import { STANDARD_ERRORS } from 'kompliant-envelope/core';
import { EXPRESS_VERSIONS, UUID_V4, buildApp } from '../support/apps.js';
import { close, listen } from './servers.js';

type Extra = Record<string, unknown>;

/** The longest key the generator makes; keys themselves are not bounded (see the known-bug properties below). */
const MAX_KEY_LENGTH = 64;
const TRUNCATED = '[truncated]';
/**
 * An upper bound on an answer carrying one bounded `extra`, from bound.ts's
 * limits. Every entry kept is a value that used one of MAX_EXTRA_VALUES, or
 * a "[truncated]" filling the rest of a container still open when that
 * budget ran out (at most MAX_EXTRA_ITEMS in each of MAX_EXTRA_DEPTH levels).
 * A string costs at most 6 bytes of JSON per UTF-16 unit (`\u0000`, a lone
 * surrogate); an entry adds its key and a little punctuation.
 */
const MAX_ENTRIES = MAX_EXTRA_VALUES + MAX_EXTRA_DEPTH * MAX_EXTRA_ITEMS + 2;
const MAX_BODY_BYTES = MAX_ENTRIES * (6 * (MAX_EXTRA_STRING + MAX_KEY_LENGTH) + 32) + 4096;

const INTERNAL = { code: 'INTERNAL_ERROR', message: STANDARD_ERRORS.INTERNAL_ERROR.message };

// ——— what must not change ———

/** Every own key of the prototypes a pollution would reach, and what `{}` inherits. */
function prototypeSnapshot(): string {
  const own = [Object.prototype, Array.prototype, Function.prototype, Error.prototype].map((proto) =>
    Reflect.ownKeys(proto).map(String).sort().join(','),
  );
  const probe = {} as Record<string, unknown>;
  return `${own.join('|')}|${String(probe['polluted'])}|${Object.getPrototypeOf(probe) === Object.prototype}|${Object.getPrototypeOf(Object.prototype)}`;
}

// ——— arbitraries ———

/** Values whose toJSON throws, so the answer cannot be serialised. */
const throwingToJSON = new WeakSet<object>();

const key: fc.Arbitrary<string> = fc
  .oneof(
    { arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'code', 'message', 'toString', 'valueOf', 'hasOwnProperty', 'polluted', '0', '42'), weight: 2 },
    { arbitrary: fc.string({ maxLength: 16 }), weight: 5 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: MAX_KEY_LENGTH }), weight: 1 },
  )
  // A function under "toJSON" hijacks its object's serialisation: a known bug, checked apart below.
  .filter((k) => k !== 'toJSON' && k.length <= MAX_KEY_LENGTH);

/** Up to 100 000 UTF-16 units of one character: ASCII, 2-byte, astral, control, quote, backslash, lone surrogate. */
const hugeString: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom('x', 'é', '😀', '\u0000', '"', '\\', '\ud800', '\n'), fc.integer({ min: 0, max: 100_000 }))
  .map(([unit, length]) => unit.repeat(Math.ceil(length / unit.length)));

const cleanLeaf: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.string({ unit: 'binary', maxLength: 20 }), weight: 6 },
  { arbitrary: hugeString, weight: 2 },
  { arbitrary: fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined)), weight: 4 },
  { arbitrary: fc.date({ noInvalidDate: false }), weight: 1 },
  { arbitrary: fc.oneof(fc.integer(), fc.string({ maxLength: 10 }), fc.constant(null)).map((v) => ({ toJSON: () => v })), weight: 1 },
  { arbitrary: fc.constantFrom<unknown>(Symbol('s'), () => 1), weight: 1 },
);
const unserialisableLeaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.bigInt(),
  fc.constant(null).map(() => {
    const value = {
      toJSON(): never {
        throw new Error('toJSON failed');
      },
    };
    throwingToJSON.add(value);
    return value;
  }),
);
const anyLeaf: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: cleanLeaf, weight: 12 },
  { arbitrary: unserialisableLeaf, weight: 1 },
);

const fromEntries = (entries: [string, unknown][]): Extra => Object.fromEntries(entries);

function treeOf(leaf: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.letrec<{ node: unknown; object: Extra; array: unknown[] }>((tie) => ({
    node: fc.oneof({ depthSize: 'small', maxDepth: 30 }, leaf, tie('object'), tie('array')),
    object: fc.array(fc.tuple(key, tie('node')), { maxLength: 6 }).map(fromEntries),
    array: fc.array(tie('node'), { maxLength: 6 }),
  })).node;
}

/** A chain 1-30 levels deep of objects (and arrays) around one leaf. */
function deepOf(leaf: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.tuple(fc.integer({ min: 1, max: 30 }), leaf, key, fc.boolean()).map(([depth, value, k, arrays]) => {
    let node = value;
    for (let i = 0; i < depth; i++) node = arrays && i % 2 === 1 ? [node] : { [k]: node };
    return node;
  });
}

/** Up to 3000 keys (or items) of the same leaf. */
function wideOf(leaf: fc.Arbitrary<unknown>): fc.Arbitrary<Extra> {
  return fc.tuple(fc.integer({ min: 0, max: 3000 }), leaf, fc.boolean()).map(([width, value, array]) =>
    array
      ? { items: Array.from({ length: width }, () => value) }
      : fromEntries(Array.from({ length: width }, (_, i): [string, unknown] => [`k${i}`, value])),
  );
}

/** The classic prototype-pollution payloads, as JSON.parse makes them (own `__proto__` keys). */
const POLLUTERS = [
  '{"__proto__":{"polluted":"yes"}}',
  '{"constructor":{"prototype":{"polluted":"yes"}}}',
  '{"a":{"__proto__":{"polluted":"yes"}},"prototype":{"polluted":"yes"}}',
  '{"__proto__":{"__proto__":{"polluted":"yes"}},"toString":"polluted"}',
  '{"__proto__":[],"constructor":{"name":"polluted"}}',
];
const polluter: fc.Arbitrary<Extra> = fc.constantFrom(...POLLUTERS).map((json) => JSON.parse(json) as Extra);

function cyclicFrom(object: Extra): Extra {
  const cyclic: Extra = { ...object };
  cyclic['self'] = cyclic;
  cyclic['nested'] = { back: cyclic, list: [cyclic, [cyclic]] };
  return cyclic;
}

function extraOf(leaf: fc.Arbitrary<unknown>): fc.Arbitrary<Extra> {
  const object = fc.array(fc.tuple(key, treeOf(leaf)), { maxLength: 12 }).map(fromEntries);
  return fc.oneof(
    { arbitrary: object, weight: 4 },
    { arbitrary: fc.tuple(key, deepOf(leaf)).map(([k, deep]) => fromEntries([[k, deep]])), weight: 2 },
    { arbitrary: wideOf(leaf), weight: 2 },
    { arbitrary: object.map(cyclicFrom), weight: 1 },
    { arbitrary: fc.tuple(polluter, object).map(([p, o]) => ({ ...p, ...o })), weight: 2 },
  );
}

/** Mostly extras JSON can carry; some with a BigInt or a throwing toJSON somewhere. */
const extraArb: fc.Arbitrary<Extra> = fc.oneof(
  { arbitrary: extraOf(cleanLeaf), weight: 3 },
  { arbitrary: extraOf(anyLeaf), weight: 1 },
);

/** True when `extra` holds a BigInt or a value whose toJSON throws, at any depth. */
function holdsUnserialisable(value: unknown, seen = new Set<object>()): boolean {
  if (typeof value === 'bigint') return true;
  if (value === null || typeof value !== 'object' || seen.has(value)) return false;
  if (throwingToJSON.has(value)) return true;
  seen.add(value);
  return Object.keys(value).some((k) => holdsUnserialisable((value as Extra)[k], seen));
}

/**
 * Whether the bounded copy must still hold an own `__proto__` key (both
 * `entry()` and `fail()` keep the first keys); after JSON, only when its
 * value is one JSON carries.
 */
function keepsProtoKey(extra: Extra, json = false): boolean {
  if (!Object.keys(extra).slice(0, MAX_EXTRA_ITEMS - 2).includes('__proto__')) return false;
  const value: unknown = Object.getOwnPropertyDescriptor(extra, '__proto__')?.value;
  return !json || (value !== undefined && typeof value !== 'function' && typeof value !== 'symbol');
}

/** bound.ts's limits, checked on a parsed error or warning object (its own `code` and `message` aside). */
function expectBounded(entry: Extra): void {
  let kept = 0;
  const walk = (node: unknown, depth: number): void => {
    expect(depth).toBeLessThanOrEqual(MAX_EXTRA_DEPTH);
    if (typeof node === 'string') {
      expect(node.length).toBeLessThanOrEqual(MAX_EXTRA_STRING);
      if (node !== TRUNCATED) kept += 1;
      return;
    }
    kept += 1;
    if (node === null || typeof node !== 'object') return;
    const keys = Object.keys(node);
    expect(keys.length).toBeLessThanOrEqual(MAX_EXTRA_ITEMS);
    for (const k of keys) walk((node as Extra)[k], depth + 1);
  };
  const { code: _code, message: _message, ...extra } = entry;
  expect(Object.keys(extra).length).toBeLessThanOrEqual(MAX_EXTRA_ITEMS);
  for (const k of Object.keys(extra)) walk(extra[k], 1);
  expect(kept).toBeLessThanOrEqual(MAX_EXTRA_VALUES);
}

// ——— properties ———

describe('new ApiError(400, code, message, extra) with arbitrary extras', () => {
  it('keeps a bounded copy as plain data, with code and message its own, and pollutes no prototype', () => {
    const before = prototypeSnapshot();
    fc.assert(
      fc.property(extraArb, (extra) => {
        const error = new ApiError(400, 'X', 'm', extra);
        expect(prototypeSnapshot()).toBe(before);
        expect(error.errors).toHaveLength(1);
        const entry = error.errors[0] as Extra;
        expect(Object.getPrototypeOf(entry)).toBe(Object.prototype);
        expect(entry['code']).toBe('X');
        expect(entry['message']).toBe('m');
        if (keepsProtoKey(extra)) expect(Object.hasOwn(entry, '__proto__')).toBe(true);
        if (!holdsUnserialisable(extra)) {
          const json = JSON.stringify(error.errors);
          expect(Buffer.byteLength(json)).toBeLessThanOrEqual(MAX_BODY_BYTES);
          expectBounded((JSON.parse(json) as Extra[])[0] as Extra);
        }
      }),
      { numRuns: 300 },
    );
  }, 30_000);
});

const CHANNELS = ['api-error', 'fail', 'warn'] as const;
type Channel = (typeof CHANNELS)[number];

describe.each(EXPRESS_VERSIONS)('arbitrary extras over HTTP on %s', (_name, express) => {
  let current: Extra = {};
  let server: Server | undefined;

  beforeAll(async () => {
    const { app } = buildApp(express, (a) => {
      a.get(
        '/api-error',
        asyncHandler(() => {
          throw new ApiError(400, 'X', 'm', current);
        }),
      );
      a.get('/fail', (_req, res) => fail(res, 400, { ...current, code: 'X', message: 'm' }));
      a.get('/warn', (_req, res) => {
        warn('W', 'm', current);
        ok(res, {});
      });
    });
    server = await listen(app);
  });
  afterAll(() => close(server));

  /** Answers one request with `extra` through `channel`. */
  async function answer(channel: Channel, extra: Extra) {
    current = extra;
    const res = await request(server as Server).get(`/${channel}`);
    const body = JSON.parse(res.text) as { meta: Extra; errors?: Extra[]; data?: unknown };
    return { res, body };
  }

  it('answers a well-formed, bounded envelope (500 only for a BigInt or a throwing toJSON) and pollutes no prototype', async () => {
    const before = prototypeSnapshot();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CHANNELS), extraArb, async (channel, extra) => {
        const { res, body } = await answer(channel, extra);
        expect(prototypeSnapshot()).toBe(before);

        const success = channel === 'warn' ? 200 : 400;
        const unserialisable = holdsUnserialisable(extra);
        expect(res.status).toBe(unserialisable && res.status === 500 ? 500 : success);
        expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
        expect(Buffer.byteLength(res.text)).toBeLessThanOrEqual(MAX_BODY_BYTES);
        const traceId = res.headers['x-trace-id'];
        expect(traceId).toMatch(UUID_V4);

        if (res.status === 500) {
          expect(body).toEqual({ meta: { status: 'ERROR', trace_id: traceId, version: '1' }, errors: [INTERNAL] });
          return;
        }
        let entry: Extra;
        if (channel === 'warn') {
          expect(Object.keys(body).sort()).toEqual(['data', 'meta']);
          expect(body.data).toEqual({});
          const { warnings, ...meta } = body.meta as { warnings: Extra[] };
          expect(meta).toEqual({ status: 'SUCCESS', trace_id: traceId, version: '1' });
          expect(warnings).toHaveLength(1);
          entry = warnings[0] as Extra;
          expect(entry['code']).toBe('W');
        } else {
          expect(Object.keys(body).sort()).toEqual(['errors', 'meta']);
          expect(body.meta).toEqual({ status: 'ERROR', trace_id: traceId, version: '1' });
          expect(body.errors).toHaveLength(1);
          entry = (body.errors as Extra[])[0] as Extra;
          expect(entry['code']).toBe('X');
        }
        expect(entry['message']).toBe('m');
        if (keepsProtoKey(extra, true)) expect(Object.hasOwn(entry, '__proto__')).toBe(true);
        expectBounded(entry);
      }),
      { numRuns: 100 },
    );
  }, 30_000);

  // ——— Regressions: each of these properties found a bug (now fixed); every generated case was a counterexample. ———

  it('an extra with its own toJSON still answers an error object with its code and message', async () => {
    const hijacker = fc
      .tuple(fc.constantFrom(...CHANNELS), fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.constant(null), fc.constant({ leaked: true })))
      .map(([channel, returned]): [Channel, Extra] => [channel, { field: 'email', toJSON: () => returned }]);
    await fc.assert(
      fc.asyncProperty(hijacker, async ([channel, extra]) => {
        const { res, body } = await answer(channel, extra);
        const entry = channel === 'warn' ? (body.meta['warnings'] as unknown[])[0] : body.errors?.[0];
        expect(res.status).toBe(channel === 'warn' ? 200 : 400);
        expect(entry).toEqual({ code: channel === 'warn' ? 'W' : 'X', message: 'm', field: 'email' });
      }),
      { numRuns: 10 },
    );
  });

  it('a value with a toJSON (a Buffer, a model object) is bounded like any other value', async () => {
    const big = fc.oneof(
      fc.integer({ min: MAX_EXTRA_ITEMS + 1, max: 50_000 }).map((n): Extra => ({ raw: Buffer.alloc(n, 7) })),
      fc.integer({ min: MAX_EXTRA_STRING + 1, max: 100_000 }).map((n): Extra => ({ report: { toJSON: () => 'x'.repeat(n) } })),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CHANNELS), big, async (channel, extra) => {
        const { body } = await answer(channel, extra);
        const entry = channel === 'warn' ? ((body.meta['warnings'] as Extra[])[0] as Extra) : (body.errors?.[0] as Extra);
        expectBounded(entry);
      }),
      { numRuns: 10 },
    );
  });

  it('keys are bounded like strings', async () => {
    const longKeys = fc
      .tuple(fc.integer({ min: 1, max: MAX_EXTRA_ITEMS }), fc.integer({ min: MAX_EXTRA_STRING + 1, max: 100_000 }))
      .map(([count, length]): Extra => fromEntries(Array.from({ length: count }, (_, i): [string, unknown] => [`${i}:${'k'.repeat(length)}`, i])));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CHANNELS), longKeys, async (channel, extra) => {
        const { body } = await answer(channel, extra);
        const entry = channel === 'warn' ? ((body.meta['warnings'] as Extra[])[0] as Extra) : (body.errors?.[0] as Extra);
        for (const k of Object.keys(entry)) expect(k.length).toBeLessThanOrEqual(MAX_EXTRA_STRING);
      }),
      { numRuns: 10 },
    );
  });
});
