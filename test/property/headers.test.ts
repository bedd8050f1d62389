/**
 * Properties of the request headers `envelope()` reads: `X-API-Version`
 * and the trusted trace headers (`traceparent`, `X-Request-Id`). Any value
 * a client can send is resolved or refused, and a refused one is never
 * echoed. Values are printable ASCII and tab: Node will not send others.
 */
import type { Server } from 'node:http';
import fc from 'fast-check';
import request from 'supertest';
import { ok } from 'kompliant-envelope';
import { EXPRESS_VERSIONS, UUID_V4, buildApp } from '../support/apps.js';
import { headerChar, headerValue, longHeaderValue, mixedCase, ows, receivedValue } from './arbitraries.js';
import { PRINTABLE_HEADER_VALUE, TRANSPORT_HEADERS, close, listen } from './servers.js';

interface Answer {
  status: number;
  text: string;
  headers: Record<string, string>;
}

/** Headers whose values come from the transport, each checked below against a fixed shape. */
const FIXED_HEADERS = ['content-type', 'content-length', 'date', 'connection', 'keep-alive', 'x-powered-by'];

/** Only the expected headers, with values the answer itself decides. */
function expectSafeHeaders(res: Answer, traceId: string, version: string): void {
  for (const [name, value] of Object.entries(res.headers)) {
    expect(TRANSPORT_HEADERS.has(name)).toBe(true);
    expect(value).toMatch(PRINTABLE_HEADER_VALUE);
  }
  expect(res.headers['x-trace-id']).toBe(traceId);
  expect(res.headers['x-api-version']).toBe(version);
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(res.headers['content-length']).toBe(String(Buffer.byteLength(res.text)));
  expect(res.headers['date']).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
  expect([undefined, 'keep-alive', 'close']).toContain(res.headers['connection']);
  expect(res.headers['keep-alive'] ?? 'timeout=5').toMatch(/^timeout=\d+$/);
  expect(res.headers['x-powered-by']).toBe('Express');
}

/**
 * `value` (as the server received it) appears nowhere in the answer, unless
 * the expected answer or a transport header (checked by expectSafeHeaders)
 * holds it anyway.
 */
function expectNotEchoed(res: Answer, value: string, expectedText: string): void {
  if (value.length < 3) return; // short strings occur in any answer ("1", ":", "a")
  const escaped = JSON.stringify(value).slice(1, -1);
  const natural = [expectedText, ...FIXED_HEADERS.map((name) => res.headers[name] ?? '')].join('\n');
  if (natural.includes(value) || natural.includes(escaped)) return;
  expect(res.text).not.toContain(value);
  expect(res.text).not.toContain(escaped);
  for (const header of Object.values(res.headers)) expect(header).not.toContain(value);
}

// ——— X-API-Version ———

const VERSIONS = ['2023-10-01', '2024-06-15', 'v3'] as const;
const LATEST = 'v3';
const configured: ReadonlySet<string> = new Set(VERSIONS);

const configuredVersion = fc.constantFrom(...VERSIONS);
const shortVersionValue: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: configuredVersion, weight: 3 },
  { arbitrary: fc.tuple(ows, configuredVersion, ows).map(([a, v, b]) => `${a}${v}${b}`), weight: 3 },
  { arbitrary: configuredVersion.chain(mixedCase), weight: 1 },
  {
    arbitrary: fc
      .tuple(configuredVersion, fc.string({ unit: headerChar, minLength: 1, maxLength: 3 }), fc.boolean())
      .map(([v, extra, before]) => (before ? `${extra}${v}` : `${v}${extra}`)),
    weight: 2,
  },
  { arbitrary: fc.array(configuredVersion, { minLength: 2, maxLength: 3 }).map((list) => list.join(', ')), weight: 1 },
  { arbitrary: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/), weight: 1 },
  { arbitrary: headerValue(40), weight: 4 },
  { arbitrary: ows, weight: 1 },
);
/** One `X-API-Version` header, several (Node joins them with ", "), or none. */
const sentVersions: fc.Arbitrary<string | string[] | undefined> = fc.oneof(
  { arbitrary: shortVersionValue, weight: 8 },
  { arbitrary: longHeaderValue, weight: 1 },
  { arbitrary: fc.array(shortVersionValue, { minLength: 2, maxLength: 3 }), weight: 1 },
  { arbitrary: fc.constant(undefined), weight: 1 },
);

/** What the server reads: each value stripped of optional whitespace, repeated headers joined with ", ". */
function receivedVersion(sent: string | string[] | undefined): string | undefined {
  if (sent === undefined) return undefined;
  return Array.isArray(sent) ? sent.map(receivedValue).join(', ') : receivedValue(sent);
}

/** The README: the header picks a configured version; absent or blank means the latest; anything else is refused. */
function expectedVersion(received: string | undefined): string | undefined {
  if (received === undefined) return LATEST;
  const trimmed = received.trim();
  if (trimmed === '') return LATEST;
  return configured.has(trimmed) ? trimmed : undefined;
}

// ——— trace headers ———

const TRUSTED_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const LOWER_HEX = /^[0-9a-f]+$/;

/**
 * W3C Trace Context, level 1: `version-traceid-parentid-flags` in lower-case
 * hex; version `ff` is invalid; trace and parent ids are not all zeros;
 * version 00 has nothing after the flags, a later version may continue with
 * "-…". The library also refuses values over 512 characters.
 */
function w3cTraceId(value: string): string | undefined {
  if (value.length > 512 || value.length < 55) return undefined;
  if (value[2] !== '-' || value[35] !== '-' || value[52] !== '-') return undefined;
  const version = value.slice(0, 2);
  const traceId = value.slice(3, 35);
  const parentId = value.slice(36, 52);
  const flags = value.slice(53, 55);
  if (![version, traceId, parentId, flags].every((part) => LOWER_HEX.test(part))) return undefined;
  if (version === 'ff' || /^0+$/.test(traceId) || /^0+$/.test(parentId)) return undefined;
  if (version === '00' ? value.length !== 55 : value.length > 55 && value[55] !== '-') return undefined;
  return traceId;
}

function uuidShape(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

interface SentTrace {
  traceparent?: string;
  requestId?: string;
  /** Sent by the client but not trusted: never the trace id. */
  clientTraceId?: string;
}

/** `trustIncoming: ['traceparent', 'X-Request-Id']`: the first valid one, in that order, else none (a fresh id). */
function expectedTraceId(sent: SentTrace): string | undefined {
  if (sent.traceparent !== undefined) {
    const traceId = w3cTraceId(receivedValue(sent.traceparent));
    if (traceId !== undefined) return uuidShape(traceId);
  }
  if (sent.requestId !== undefined) {
    const id = receivedValue(sent.requestId);
    if (TRUSTED_ID.test(id)) return id;
  }
  return undefined;
}

const hex = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
const traceparent00 = fc.tuple(hex(32), hex(16), hex(2)).map(([trace, parent, flags]) => `00-${trace}-${parent}-${flags}`);
const traceparentAnyVersion = fc
  .tuple(hex(2), hex(32), hex(16), hex(2), fc.option(headerValue(30), { nil: undefined }))
  .map(([version, trace, parent, flags, rest]) => `${version}-${trace}-${parent}-${flags}${rest === undefined ? '' : `-${rest}`}`);
const traceparentArb: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: traceparent00, weight: 4 },
  { arbitrary: traceparentAnyVersion, weight: 2 },
  { arbitrary: fc.tuple(ows, traceparent00, ows).map(([a, v, b]) => `${a}${v}${b}`), weight: 1 },
  {
    arbitrary: fc.tuple(traceparent00, fc.nat(54), headerChar).map(([v, at, c]) => `${v.slice(0, at)}${c}${v.slice(at + 1)}`),
    weight: 2,
  },
  {
    arbitrary: fc.tuple(traceparent00, fc.nat(55), headerChar, fc.boolean()).map(([v, at, c, insert]) =>
      insert ? `${v.slice(0, at)}${c}${v.slice(at)}` : `${v.slice(0, at)}${v.slice(at + 1)}`,
    ),
    weight: 2,
  },
  { arbitrary: traceparent00.map((v) => v.toUpperCase()), weight: 1 },
  { arbitrary: traceparent00.map((v) => `ff${v.slice(2)}`), weight: 1 },
  { arbitrary: traceparent00.map((v) => `${v}-extra`), weight: 1 },
  { arbitrary: traceparent00.map((v) => `${v.slice(0, 3)}${'0'.repeat(32)}${v.slice(35)}`), weight: 1 },
  { arbitrary: traceparent00.map((v) => `${v.slice(0, 36)}${'0'.repeat(16)}${v.slice(52)}`), weight: 1 },
  { arbitrary: headerValue(80), weight: 2 },
  { arbitrary: longHeaderValue, weight: 1 },
);
const requestIdArb: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/), weight: 4 },
  { arbitrary: fc.tuple(fc.constantFrom('a', 'Z', '7'), fc.integer({ min: 126, max: 131 })).map(([c, n]) => c.repeat(n)), weight: 1 },
  {
    arbitrary: fc.tuple(ows, fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,40}$/), ows).map(([a, v, b]) => `${a}${v}${b}`),
    weight: 1,
  },
  { arbitrary: fc.constantFrom('-leading-dash', '.dot', 'a b c d', 'a/b/c/d', 'id;drop', 'id,other', '<script>x', "it's-mine"), weight: 1 },
  { arbitrary: headerValue(60), weight: 3 },
  { arbitrary: longHeaderValue, weight: 1 },
);
const sentTrace: fc.Arbitrary<SentTrace> = fc.record(
  { traceparent: traceparentArb, requestId: requestIdArb, clientTraceId: fc.oneof(requestIdArb, traceparentArb) },
  { requiredKeys: [] },
);

describe.each(EXPRESS_VERSIONS)('request headers on %s', (_name, express) => {
  let versionServer: Server | undefined;
  let traceServer: Server | undefined;
  let refusal: unknown;

  beforeAll(async () => {
    versionServer = await listen(
      buildApp(express, (a) => a.get('/v', (_req, res) => ok(res, {})), { envelope: { versions: [...VERSIONS] } }).app,
    );
    traceServer = await listen(
      buildApp(express, (a) => a.get('/t', (_req, res) => ok(res, {})), { envelope: { trustIncoming: ['traceparent', 'X-Request-Id'] } }).app,
    );
    // The answer to one unsupported version: every other refusal must be this one, with its own trace id.
    const res = await request(versionServer).get('/v').set('X-API-Version', 'zz-not-a-version');
    expect(res.status).toBe(400);
    expect(res.text).not.toContain('zz-not-a-version');
    refusal = res.body.errors;
  });
  afterAll(async () => {
    await close(versionServer);
    await close(traceServer);
  });

  it('answers 200 with the requested (or latest) version, or the one 400 UNSUPPORTED_API_VERSION, never echoing the value', async () => {
    expect(refusal).toEqual([expect.objectContaining({ code: 'UNSUPPORTED_API_VERSION', supported_versions: [...VERSIONS] })]);
    await fc.assert(
      fc.asyncProperty(sentVersions, async (sent) => {
        let req = request(versionServer as Server).get('/v');
        // An array goes out as repeated header lines; supertest's types allow that only for Cookie.
        if (sent !== undefined) req = req.set('X-API-Version', sent as string);
        const res = (await req) as unknown as Answer;
        const received = receivedVersion(sent);
        const version = expectedVersion(received);
        const body: unknown = JSON.parse(res.text);
        const traceId = res.headers['x-trace-id'] as string;
        expect(traceId).toMatch(UUID_V4);
        expect(configured.has(res.headers['x-api-version'] as string)).toBe(true);

        const expected =
          version !== undefined
            ? { meta: { status: 'SUCCESS', trace_id: traceId, version }, data: {} }
            : { meta: { status: 'ERROR', trace_id: traceId, version: LATEST }, errors: refusal };
        expect(res.status).toBe(version !== undefined ? 200 : 400);
        expect(body).toEqual(expected);
        expectSafeHeaders(res, traceId, version ?? LATEST);
        if (received !== undefined && !configured.has(received.trim())) {
          expectNotEchoed(res, received, JSON.stringify(expected));
          expectNotEchoed(res, received.trim(), JSON.stringify(expected));
        }
      }),
      { numRuns: 150 },
    );
  }, 30_000);

  it('reuses only a valid trusted trace id (traceparent first, then X-Request-Id), else makes a fresh UUID v4, never echoing the rest', async () => {
    await fc.assert(
      fc.asyncProperty(sentTrace, async (sent) => {
        let req = request(traceServer as Server).get('/t');
        if (sent.traceparent !== undefined) req = req.set('traceparent', sent.traceparent);
        if (sent.requestId !== undefined) req = req.set('X-Request-Id', sent.requestId);
        if (sent.clientTraceId !== undefined) req = req.set('X-Trace-Id', sent.clientTraceId);
        const res = (await req) as unknown as Answer;
        const traceId = res.headers['x-trace-id'] as string;
        const trusted = expectedTraceId(sent);

        expect(res.status).toBe(200);
        const expected = { meta: { status: 'SUCCESS', trace_id: traceId, version: '1' }, data: {} };
        expect(JSON.parse(res.text)).toEqual(expected);
        expectSafeHeaders(res, traceId, '1');
        if (trusted !== undefined) {
          expect(traceId).toBe(trusted);
        } else {
          expect(traceId).toMatch(UUID_V4);
        }
        for (const value of [sent.traceparent, sent.requestId, sent.clientTraceId]) {
          if (value === undefined) continue;
          const received = receivedValue(value);
          if (received !== trusted) expectNotEchoed(res, received, JSON.stringify(expected));
        }
      }),
      { numRuns: 150 },
    );
  }, 30_000);
});
