/**
 * Trace ids across services: reading a trusted incoming id (W3C
 * `traceparent` or a named header) and writing the ones to forward.
 * Plain functions of strings.
 */

/** A trace id accepted from a named header: 1-128 letters, digits, `.`, `_`, `:`, `-`. */
export const INCOMING_TRACE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);
const HEX32 = /^[0-9a-f]{32}$/;

/** What a valid `traceparent` carries. */
export interface TraceParent {
  readonly traceId: string;
  readonly parentId: string;
  readonly flags: string;
}

/**
 * Parses a `traceparent` header by the W3C Trace Context rules: lower-case
 * hex, version not `ff`, trace id and parent id not all zeros, and for
 * version 00 nothing after the flags. `undefined` when invalid.
 */
export function parseTraceparent(header: string): TraceParent | undefined {
  if (header.length > 512) return undefined;
  const match = TRACEPARENT.exec(header.trim());
  if (match === null) return undefined;
  const [, version, traceId, parentId, flags, rest] = match as unknown as [string, string, string, string, string, string | undefined];
  if (version === 'ff' || traceId === ZERO_TRACE || parentId === ZERO_SPAN) return undefined;
  if (version === '00' && rest !== undefined) return undefined;
  return { traceId, parentId, flags };
}

/** A 32-hex trace id written as a UUID (8-4-4-4-12), the shape of the ids this library makes. */
export function hexToUuidShape(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The 32-hex form of a trace id when it has one (a UUID or 32 hex digits), else `undefined`. */
export function traceIdHex(traceId: string): string | undefined {
  const hex = traceId.length === 36 ? traceId.replace(/-/g, '') : traceId;
  return HEX32.test(hex) && hex !== ZERO_TRACE ? hex : undefined;
}

/** A `traceparent` value that continues `traceId` with a new span id; `undefined` when the id has no 32-hex form. */
export function formatTraceparent(traceId: string, flags = '01'): string | undefined {
  const hex = traceIdHex(traceId);
  if (hex === undefined) return undefined;
  let span = randomHex(8);
  while (span === ZERO_SPAN) span = randomHex(8);
  return `00-${hex}-${span}-${flags}`;
}

// Random bytes are drawn 4 KiB at a time: one getRandomValues() call per
// span id would cost microseconds on every outgoing call.
const POOL_SIZE = 4096;
const pool = new Uint8Array(POOL_SIZE);
let poolOffset = POOL_SIZE;

function randomHex(bytes: number): string {
  if (poolOffset + bytes > POOL_SIZE) {
    globalThis.crypto.getRandomValues(pool);
    poolOffset = 0;
  }
  let hex = '';
  for (let i = poolOffset; i < poolOffset + bytes; i++) hex += (pool[i] as number).toString(16).padStart(2, '0');
  poolOffset += bytes;
  return hex;
}

/**
 * A new trace id: a random (version 4) UUID from the platform's
 * `crypto.randomUUID()` (Node ≥ 19, every current browser), the same
 * function the `uuid` package's v4 calls.
 */
export function newTraceId(): string {
  return globalThis.crypto.randomUUID();
}

// Version-7 ids (RFC 9562 §5.7), for envelope({ traceIdVersion: 7 }). Written
// here rather than taken from the `uuid` package: uuid 12 and later is an ES
// module only, which a CommonJS build cannot load synchronously on Node 20, and
// the whole algorithm is the twenty lines below. Layout: 48 bits of Unix time
// in milliseconds, version 7, then a 42-bit counter (rand_a and the first 30
// bits of rand_b after the variant, RFC 9562 §6.2 method 1) and 32 random
// bits. The counter starts each millisecond at a random value below 2^41 (the
// top bit stays free for increments, §6.2) and counts up within it, so ids of
// one process sort in the order they were made; if it ever runs out, the
// timestamp moves on by a millisecond, and a clock that steps back is not followed.
const COUNTER_LIMIT = 2 ** 42;
let lastMs = -1;
let counter = 0;
let timePrefix: string | undefined; // the id's first 15 characters, made once per millisecond
let hexBytes: string[] | undefined;
const HEX_DIGITS = '0123456789abcdef';

function randomBits(bytes: number): number {
  if (poolOffset + bytes > POOL_SIZE) {
    globalThis.crypto.getRandomValues(pool);
    poolOffset = 0;
  }
  let value = 0;
  for (let i = poolOffset; i < poolOffset + bytes; i++) value = value * 256 + (pool[i] as number);
  poolOffset += bytes;
  return value;
}

/**
 * A new trace id that is a version-7 UUID: time-ordered (its first 48 bits
 * are the Unix time in milliseconds), so ids made later sort later — within
 * one process even when made in the same millisecond.
 */
export function newTimeOrderedTraceId(): string {
  const hex = (hexBytes ??= Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0')));
  const now = Date.now();
  if (now > lastMs) {
    lastMs = now;
    counter = Math.floor(randomBits(6) / 128); // 41 random bits
    timePrefix = undefined;
  } else if (++counter >= COUNTER_LIMIT) {
    lastMs += 1;
    counter = Math.floor(randomBits(6) / 128);
    timePrefix = undefined;
  }
  if (timePrefix === undefined) {
    const time = lastMs.toString(16).padStart(12, '0');
    timePrefix = `${time.slice(0, 8)}-${time.slice(8)}-7`;
  }
  const high = Math.floor(counter / 2 ** 30); // 12 bits: rand_a
  const low = counter % 2 ** 30; // 30 bits: after the variant bits of rand_b
  const random = randomBits(4);
  return (
    `${timePrefix}${HEX_DIGITS[high >>> 8]}${hex[high & 0xff]}-` +
    `${hex[0x80 | (low >>> 24)]}${hex[(low >>> 16) & 0xff]}-${hex[(low >>> 8) & 0xff]}${hex[low & 0xff]}` +
    `${hex[random >>> 24]}${hex[(random >>> 16) & 0xff]}${hex[(random >>> 8) & 0xff]}${hex[random & 0xff]}`
  );
}
