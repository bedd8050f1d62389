/**
 * Type tests of the client. `tsc --noEmit -p .` (the first step of `npm test`)
 * checks them — ts-jest only transpiles (isolatedModules) — so a generic that
 * stops narrowing, or an `@ts-expect-error` that stops erroring, fails the build.
 */
import {
  createClient,
  EnvelopeError,
  isEnvelopeError,
  type BatchOutcome,
  type ClientOptions,
  type EnvelopeClient,
  type EnvelopeResponse,
} from 'kompliant-envelope/client';

interface Account {
  id: string;
  name: string;
  email: string;
}

/** Compile-time equality: `true` only when A and B are the same type. */
type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | undefined {
  return undefined;
}

/** A client on a fake fetch that answers `body` with `status`. */
function clientAnswering(status: number, body: unknown): EnvelopeClient {
  return createClient({
    baseUrl: 'http://api.test',
    fetch: async () => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }),
  });
}

describe('client types', () => {
  it('types unwrap() by its type argument, or the request\'s', async () => {
    const api = clientAnswering(200, { meta: { status: 'SUCCESS', trace_id: 't', version: '1' }, data: { id: 'a', name: 'A', email: 'a@x' } });
    const res = await api.get('/accounts/a');
    const account = await res.unwrap<Account>();
    assertType<Equal<typeof account, Account>>();
    expect(account.email).toBe('a@x');

    const typed: EnvelopeResponse<Account> = await api.get<Account>('/accounts/a');
    const same = typed.unwrap();
    assertType<Equal<typeof same, Account>>();
    const viaThen = await api.get<Account>('/accounts/a').then((r) => r.unwrap());
    assertType<Equal<typeof viaThen, Account>>();

    const untyped = res.unwrap();
    assertType<Equal<typeof untyped, unknown>>();
    // @ts-expect-error: unknown data has no known fields
    void untyped.email;
  });

  it('types unwrapBatch() results', async () => {
    const api = clientAnswering(200, {
      meta: { status: 'BATCH_PROCESSED', trace_id: 't', version: '1' },
      results: [
        { status: 'SUCCESS', request: { email: 'a@x' }, data: { id: 'a', name: 'A', email: 'a@x' } },
        { status: 'ERROR', request: { email: 'b' }, errors: [{ code: 'VALIDATION_ERROR', message: 'm' }] },
      ],
    });
    const outcome = (await api.post('/accounts/batch', { body: [] })).unwrapBatch<Account, { email: string }>();
    assertType<Equal<typeof outcome, BatchOutcome<Account, { email: string }>>>();
    const first = outcome.successes[0];
    if (first !== undefined) {
      const id: string = first.data.id;
      const email: string = first.request.email;
      expect([id, email]).toEqual(['a', 'a@x']);
    }
    const failure = outcome.failures[0];
    const code: string | undefined = failure?.errors[0]?.code;
    expect(code).toBe('VALIDATION_ERROR');
    // @ts-expect-error: a failure has no data
    void failure?.data;
  });

  it('keeps the test hooks out of the public options and exports', () => {
    type PublicClient = typeof import('kompliant-envelope/client');
    assertType<Equal<Extract<keyof ClientOptions, 'sleep' | 'now' | 'random'>, never>>();
    assertType<Equal<Extract<keyof PublicClient, 'createClientWith' | 'parseClientOptions'>, never>>();
    const make = () => {
      // @ts-expect-error: `sleep` is not an option of createClient() (it also throws at run time)
      createClient({ baseUrl: 'http://api.test', sleep: async () => {} });
      // @ts-expect-error: nor is `now`
      createClient({ baseUrl: 'http://api.test', now: () => 0 });
      // @ts-expect-error: nor `random`
      createClient({ baseUrl: 'http://api.test', retry: { retries: 1 }, random: () => 0.5 });
      // @ts-expect-error: a misspelt retry option
      createClient({ baseUrl: 'http://api.test', retry: { retrys: 1 } });
    };
    expect(make).toThrow(TypeError);
  });

  it('narrows a caught value with isEnvelopeError()', async () => {
    const api = clientAnswering(400, { meta: { status: 'ERROR', trace_id: 't', version: '1' }, errors: [{ code: 'BAD_REQUEST', message: 'No.' }] });
    const res = await api.get('/x');
    let caught: unknown;
    try {
      res.unwrap<Account>();
    } catch (error) {
      caught = error;
    }
    if (!isEnvelopeError(caught)) throw new Error('expected an EnvelopeError');
    const status: number = caught.status;
    const traceId: string | undefined = caught.traceId;
    expect([status, traceId, caught.code]).toEqual([400, 't', 'BAD_REQUEST']);
    expect(caught).toBeInstanceOf(EnvelopeError);
    // A look-alike from another realm passes too; a plain error does not.
    expect(isEnvelopeError({ name: 'EnvelopeError', status: 0, errors: [] })).toBe(true);
    expect(isEnvelopeError(new Error('x'))).toBe(false);
  });
});
