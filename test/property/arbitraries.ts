/**
 * What the property tests share: fast-check's run settings, the marker
 * strings planted in thrown values, and arbitraries of header values Node
 * can send.
 */
import fc from 'fast-check';

// Random seeds by default, so each run explores new cases; fast-check prints
// the seed and path of a failure, and FC_SEED=<seed> replays it.
const seed = process.env['FC_SEED'];
if (seed !== undefined && seed !== '') fc.configureGlobal({ seed: Number(seed) });

/** Planted where nothing may ever reach the client: stacks, causes, internal fields, non-allowlisted headers. */
export const SECRET = 'zq-secret-5d1e07';
/** Planted in messages: it may reach the client only by `normalizeError`'s exposure rule. */
export const MESSAGE_MARK = 'zq-message-8b2c41';

/** Printable ASCII (0x20-0x7e) and tab: what Node accepts in an outgoing header value and sends unchanged. */
export const headerChar: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), weight: 30 },
  { arbitrary: fc.constant('\t'), weight: 1 },
);

/** A header value Node can send: printable ASCII and tab, of any length up to `maxLength`. */
export function headerValue(maxLength = 200): fc.Arbitrary<string> {
  return fc.string({ unit: headerChar, maxLength });
}

/**
 * Header values well past any sane length, yet three of them stay under
 * Node's default limit of 16 KB for all headers (above it, Node answers 431
 * before the app runs, which is not what these properties are about).
 */
export const longHeaderValue: fc.Arbitrary<string> = fc
  .tuple(headerValue(20), fc.integer({ min: 500, max: 5000 }))
  .map(([unit, length]) => (unit === '' ? 'v' : unit).repeat(length).slice(0, length));

/** Spaces and tabs around a value, which HTTP (and Node's parser) strip as optional whitespace. */
export const ows: fc.Arbitrary<string> = fc.string({ unit: fc.constantFrom(' ', '\t'), maxLength: 3 });

/** What Node hands the server for a header value it was sent: leading and trailing spaces and tabs removed. */
export function receivedValue(sent: string): string {
  return sent.replace(/^[ \t]+|[ \t]+$/g, '');
}

/** `text` mixed case, one coin per character. */
export function mixedCase(text: string): fc.Arbitrary<string> {
  return fc
    .array(fc.boolean(), { minLength: text.length, maxLength: text.length })
    .map((upper) => [...text].map((c, i) => (upper[i] ? c.toUpperCase() : c.toLowerCase())).join(''));
}
