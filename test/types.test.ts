/**
 * Type tests: `npm test` runs `tsc --noEmit` over the tests before jest (ts-jest
 * only transpiles, with isolatedModules), so a broken expectation (an
 * `@ts-expect-error` that no longer errors, or a narrowing that stops
 * working) fails the suite. The runtime assertions check the same values.
 */
import type { Response } from 'express';
import {
  ApiError,
  defineErrors,
  fail,
  ok,
  type Envelope,
  type ErrorCode,
  type ErrorHttpStatus,
  type ErrorObject,
  type StandardErrorCode,
} from 'kompliant-envelope';
import { isBatchEnvelope, isErrorEnvelope, isSuccessEnvelope } from 'kompliant-envelope/core';
// Not yet exported by name from the root (src/index.ts): read from its source until it is.
import type { JsonCheck } from '../src/core/envelope.js';

type Order = { id: number; total: number };

/** Compile-time equality: `true` only when A and B are the same type. */
type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | undefined {
  return undefined;
}

function describeBody(body: Envelope<Order, { ref: string }>): string {
  if (isSuccessEnvelope(body)) {
    const total: number = body.data.total;
    // @ts-expect-error: a success envelope has no errors
    void body.errors;
    return `order ${body.data.id} = ${total}`;
  }
  if (isErrorEnvelope(body)) {
    // @ts-expect-error: an error envelope has no data
    void body.data;
    return body.errors.map((e) => e.code).join(',');
  }
  if (isBatchEnvelope(body)) {
    return body.results
      .map((r) => (r.status === 'SUCCESS' ? `${r.request.ref}:${r.data.total}` : `${r.request.ref}:${r.errors[0]?.code}`))
      .join(' ');
  }
  const impossible: never = body;
  return impossible;
}

describe('public types', () => {
  it('narrow envelopes with the guards', () => {
    const meta = { trace_id: 't', version: '1' };
    expect(describeBody({ meta: { status: 'SUCCESS', ...meta }, data: { id: 1, total: 5 } })).toBe('order 1 = 5');
    expect(describeBody({ meta: { status: 'ERROR', ...meta }, errors: [{ code: 'A', message: 'b' }] })).toBe('A');
    expect(
      describeBody({
        meta: { status: 'BATCH_PROCESSED', ...meta },
        results: [
          { status: 'SUCCESS', request: { ref: 'x' }, data: { id: 1, total: 2 } },
          { status: 'ERROR', request: { ref: 'y' }, errors: [{ code: 'C', message: 'd' }] },
        ],
      }),
    ).toBe('x:2 y:C');
    expect(isSuccessEnvelope({ meta: { status: 'SUCCESS' } })).toBe(false);
    expect(isErrorEnvelope('nope')).toBe(false);
  });

  it('allow only the spec statuses', () => {
    const statuses: ErrorHttpStatus[] = [400, 401, 403, 413, 415, 429, 500, 503, 504];
    // @ts-expect-error: 404 is not a status of the spec
    const notFound: ErrorHttpStatus = 404;
    // @ts-expect-error: neither is 201
    const created: ErrorHttpStatus = 201;
    expect(statuses).not.toContain(notFound);
    expect(statuses).not.toContain(created);
    const misuse = (res: Response) => {
      // @ts-expect-error: fail() takes spec statuses only
      fail(res, 422, { code: 'X', message: 'y' });
    };
    expect(typeof misuse).toBe('function');
    // @ts-expect-error: ApiError takes spec statuses only
    expect(() => new ApiError(418, 'TEAPOT', 'x')).toThrow(RangeError);
  });

  it('suggest the standard codes in fail(), one error or many, and still take a team\'s own', () => {
    type Errors = Parameters<typeof fail>[2];
    // ErrorCode is StandardErrorCode | (string & {}): editors list the standard codes, any string compiles.
    assertType<Equal<Exclude<Errors, readonly unknown[]>['code'], ErrorCode>>();
    assertType<Equal<Extract<Errors, readonly unknown[]>[number]['code'], ErrorCode>>();
    const Catalog = defineErrors({ ORDER_LOCKED: { status: 400, message: 'Locked.' } });
    const mine: ErrorObject = { code: 'ORDER_LOCKED', message: 'Locked.', order_id: 7 };
    const typed: ErrorObject<'ORDER_LOCKED'> = { code: 'ORDER_LOCKED', message: 'Locked.' };
    const calls = (res: Response) => {
      fail(res, 400, { code: 'VALIDATION_ERROR', message: 'Must be an email.', field: 'email' });
      fail(res, 400, [
        { code: 'VALIDATION_ERROR', message: 'Must be an email.', field: 'email' },
        { code: 'ORDER_LOCKED', message: 'Locked.' },
      ]);
      fail(res, 400, mine);
      fail(res, 400, [mine, typed]);
      fail(res, 400, Catalog.ORDER_LOCKED().errors);
      // @ts-expect-error: a code is a string
      fail(res, 400, { code: 400, message: 'x' });
      // @ts-expect-error: an error needs a message
      fail(res, 400, { code: 'VALIDATION_ERROR' });
    };
    expect(typeof calls).toBe('function');
  });

  it('refuse in ok() at compile time what JSON cannot carry', () => {
    class Money {
      constructor(readonly cents: number) {}
      format(): string {
        return `${this.cents / 100}`;
      }
    }
    interface WithHandler {
      id: string;
      onChange?: () => void;
    }
    interface Deep {
      a: { b: { c: { d: { e: { f: { g: { h: { fn: () => void } } } } } } } };
    }
    const calls = (res: Response, handler: WithHandler, deep: Deep, maybe: string | (() => string)) => {
      // @ts-expect-error: a function
      ok(res, () => 1);
      // @ts-expect-error: a class is a function too
      ok(res, Money);
      // @ts-expect-error: a bigint
      ok(res, 10n);
      // @ts-expect-error: a symbol
      ok(res, Symbol('x'));
      // @ts-expect-error: a function in a property
      ok(res, { id: 1, format: () => '1' });
      // @ts-expect-error: a method
      ok(res, { id: 1, format() { return '1'; } });
      // @ts-expect-error: a bigint deep in an object
      ok(res, { order: { lines: { total: 10n } } });
      // @ts-expect-error: a symbol in an array item
      ok(res, [{ id: 1 }, { id: Symbol('x') }]);
      // @ts-expect-error: a bigint in a tuple
      ok(res, [1, 2n] as const);
      // @ts-expect-error: an optional function property of an interface
      ok(res, handler);
      // @ts-expect-error: a function nine levels down
      ok(res, deep);
      // @ts-expect-error: one member of a union is a function
      ok(res, maybe);
      // @ts-expect-error: a Promise, as when an await is forgotten
      ok(res, Promise.resolve({ id: 1 }));
      // @ts-expect-error: a Map (JSON.stringify would send {})
      ok(res, new Map([['a', 1]]));
      // @ts-expect-error: a class instance with methods (a limit: send a plain copy, or give it toJSON())
      ok(res, new Money(100));
      ok(res, { ...new Money(100) });
      // @ts-expect-error: the same check with explicit type arguments
      ok<{ n: bigint }>(res, { n: 1n });
    };
    expect(typeof calls).toBe('function');
  });

  it('accept in ok() everything JSON carries, unknown and any, and generic data', () => {
    interface Account {
      id: string;
      name?: string;
      fax: string | null;
      tags: readonly string[];
      created: Date;
    }
    type Page<T> = { items: T[]; next?: string };
    interface Tree {
      name: string;
      children: Tree[];
    }
    type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
    class Cents {
      constructor(readonly value: number) {}
      toJSON(): string {
        return (this.value / 100).toFixed(2);
      }
    }
    function reply<T>(res: Response, data: T): void {
      ok(res, data);
    }
    function replyPage<T>(res: Response, items: T[]): void {
      ok(res, { items, total: items.length });
    }
    function replyChecked<T>(res: Response, data: T & JsonCheck<T>): void {
      ok(res, data);
    }
    const calls = (res: Response, account: Account, tree: Tree, json: Json, value: unknown, loose: any, either: string | number) => {
      ok(res);
      ok(res, undefined, { warnings: [{ code: 'PARTIAL_DATA', message: 'One source did not answer.' }] });
      ok(res, null);
      ok(res, 'text');
      ok(res, 0);
      ok(res, false);
      ok(res, either);
      ok(res, { id: 7, tags: ['a'], nested: { deep: [{ ok: true }] } });
      ok(res, account);
      ok(res, [account]);
      ok(res, { account, page: { items: [account] } satisfies Page<Account> });
      ok(res, tree);
      ok(res, json);
      ok(res, new Date());
      ok(res, { when: new Date(), amount: new Cents(150), link: new URL('https://example.com') });
      ok(res, [1, 'two', null] as const);
      ok(res, {} as Record<string, unknown>);
      ok(res, value);
      ok(res, loose);
      ok(res, { value, loose });
      ok<Account>(res, account);
      reply(res, account);
      replyPage(res, [account]);
      replyChecked(res, account);
      // @ts-expect-error: JsonCheck carries the check to a wrapper's callers
      replyChecked(res, { n: 1n });
    };
    expect(typeof calls).toBe('function');
  });

  it('suggest standard codes and type a custom catalog', () => {
    const code: StandardErrorCode = 'VALIDATION_ERROR';
    // @ts-expect-error: not a standard code
    const wrong: StandardErrorCode = 'VALIDATION_ERRORS';
    const Errors = defineErrors({ ORDER_LOCKED: { status: 400, message: 'Locked.' } });
    const error: ApiError<'ORDER_LOCKED'> = Errors.ORDER_LOCKED();
    expect([code, wrong, error.code]).toEqual(['VALIDATION_ERROR', 'VALIDATION_ERRORS', 'ORDER_LOCKED']);
    // @ts-expect-error: the definitions keep their literal status
    const status: 401 = Errors.definitions.ORDER_LOCKED.status;
    expect(status).toBe(400);
  });
});
