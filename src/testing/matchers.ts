/**
 * `envelopeMatchers`: Jest matchers for `expect.extend()` that check a
 * supertest response (or a parsed body) is the envelope it should be, and
 * say exactly what is not. Jest itself is never imported: the matcher
 * context is read structurally.
 */
import type { ErrorCode } from '../core/catalog.js';
import type { EnvelopeMatchers } from './matcher-types.js';
import { readReceived, type Received } from './received.js';
import {
  describeBody,
  errorsSummary,
  firstErrorCode,
  hasMeta,
  kindProblems,
  metaProblems,
  metaStatusOf,
  preview,
  traceIdOf,
  type EnvelopeKind,
} from './shape.js';

/** The part of Jest's matcher context the envelope matchers use. */
export interface MatcherContextLike {
  /** True under `.not`. */
  readonly isNot?: boolean;
  /** Jest's recursive equality, which understands asymmetric matchers. */
  equals(a: unknown, b: unknown): boolean;
}

/** What a Jest matcher returns. */
export interface MatcherResultLike {
  readonly pass: boolean;
  readonly message: () => string;
}

/** The type of `envelopeMatchers`: each matcher of `EnvelopeMatchers` as Jest calls it. */
export type EnvelopeMatcherFunctions = {
  readonly [K in keyof EnvelopeMatchers<unknown>]: (
    this: MatcherContextLike,
    received: unknown,
    ...args: Parameters<EnvelopeMatchers<unknown>[K]>
  ) => MatcherResultLike;
};

function statusText(status: unknown): string {
  return typeof status === 'string' ? status : preview(status);
}

/**
 * The problems shared by the three matchers: the HTTP status (for a
 * response), the body's `meta`, `meta.status`, the fields of that kind of
 * envelope and the `X-Trace-Id` header.
 */
function commonProblems(received: Received, kind: EnvelopeKind, httpStatus: number | undefined): string[] {
  const { response, body } = received;
  const problems: string[] = [];
  if (response !== undefined && httpStatus !== undefined && response.status !== httpStatus) {
    problems.push(`expected HTTP status ${httpStatus}, got ${response.status}`);
  }
  problems.push(...metaProblems(body));
  if (!hasMeta(body)) return problems;
  const status = metaStatusOf(body);
  if (status !== kind) {
    const summary = errorsSummary(body);
    problems.push(`expected meta.status to be ${kind}, got ${statusText(status)}${summary === '' ? '' : ` (${summary})`}`);
  } else {
    problems.push(...kindProblems(body, kind));
  }
  if (response !== undefined) {
    const traceId = traceIdOf(body);
    if (response.traceIdHeader === undefined) {
      problems.push(`expected an X-Trace-Id header equal to meta.trace_id (${preview(traceId)}), got none`);
    } else if (typeof traceId === 'string' && traceId !== '' && traceId !== response.traceIdHeader) {
      problems.push(`expected meta.trace_id to equal the X-Trace-Id header (${response.traceIdHeader}), got ${traceId}`);
    }
  }
  return problems;
}

function what(received: Received): string {
  return received.response === undefined ? 'the body' : `the response (HTTP ${received.response.status})`;
}

function result(call: string, expected: string, received: Received, problems: string[]): MatcherResultLike {
  const pass = problems.length === 0;
  return {
    pass,
    message: pass
      ? () => `${call}\n\nexpected ${what(received)} not to be ${expected}, but it is: ${describeBody(received.body)}`
      : () =>
          `${call}\n\nexpected ${what(received)} to be ${expected}, but:\n` +
          problems.map((problem) => `  - ${problem}`).join('\n'),
  };
}

function checkErrorArguments(status: unknown, code: unknown): void {
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
    throw new TypeError(`The \`status\` argument of toBeErrorEnvelope() must be an HTTP status number such as 400, got ${preview(status)}.`);
  }
  if (code !== undefined && (typeof code !== 'string' || code === '')) {
    throw new TypeError(`The \`code\` argument of toBeErrorEnvelope() must be a non-empty string, got ${preview(code)}.`);
  }
}

/**
 * The envelope matchers, for `expect.extend(envelopeMatchers)` — in a test
 * file or in a Jest `setupFilesAfterEnv` file. Importing this module also
 * declares them on Jest's `expect` types.
 *
 * @example
 * ```ts
 * import { envelopeMatchers } from 'kompliant-envelope/testing';
 * expect.extend(envelopeMatchers);
 *
 * const res = await request(app).post('/orders').send({});
 * expect(res).toBeErrorEnvelope(400, 'VALIDATION_ERROR');
 * ```
 */
export const envelopeMatchers: EnvelopeMatcherFunctions = Object.freeze({
  toBeSuccessEnvelope(this: MatcherContextLike, received: unknown, ...args: [data?: unknown]): MatcherResultLike {
    const input = readReceived(received);
    const problems = commonProblems(input, 'SUCCESS', 200);
    const withData = args.length > 0;
    if (withData && metaStatusOf(input.body) === 'SUCCESS') {
      const data = (input.body as { data?: unknown }).data;
      if (data !== undefined && !this.equals(data, args[0])) {
        problems.push(`expected data to equal ${preview(args[0])}, got ${preview(data)}`);
      }
    }
    const call = `expect(received)${this.isNot === true ? '.not' : ''}.toBeSuccessEnvelope(${withData ? 'data' : ''})`;
    return result(call, withData ? `a SUCCESS envelope with data ${preview(args[0])}` : 'a SUCCESS envelope', input, problems);
  },

  toBeErrorEnvelope(this: MatcherContextLike, received: unknown, status: number, code?: ErrorCode): MatcherResultLike {
    checkErrorArguments(status, code);
    const input = readReceived(received);
    const problems = commonProblems(input, 'ERROR', status);
    if (code !== undefined && metaStatusOf(input.body) === 'ERROR') {
      const first = firstErrorCode(input.body);
      if (first !== undefined && first !== code) {
        problems.push(`expected the first error's code to be ${code}, got ${first} (${errorsSummary(input.body)})`);
      }
    }
    const call = `expect(received)${this.isNot === true ? '.not' : ''}.toBeErrorEnvelope(${status}${code === undefined ? '' : `, ${JSON.stringify(code)}`})`;
    const expected = `${input.response === undefined ? 'an' : `a ${status}`} ERROR envelope${code === undefined ? '' : ` with code ${code}`}`;
    return result(call, expected, input, problems);
  },

  toBeBatchEnvelope(this: MatcherContextLike, received: unknown): MatcherResultLike {
    const input = readReceived(received);
    const call = `expect(received)${this.isNot === true ? '.not' : ''}.toBeBatchEnvelope()`;
    return result(call, 'a BATCH_PROCESSED envelope', input, commonProblems(input, 'BATCH_PROCESSED', 200));
  },
});
