/**
 * Type tests of `kompliant-envelope/testing`: `npm test` type-checks this
 * file (tsc, then ts-jest), so a matcher missing from Jest's `expect` types
 * or an `@ts-expect-error` that no longer errors fails the suite. The calls
 * also run, on a real response.
 */
import { expect as globalsExpect } from '@jest/globals';
import express from 'express';
import request from 'supertest';
import { ok } from 'kompliant-envelope';
import {
  checkConformance,
  envelopeMatchers,
  type ConformanceOptions,
  type EnvelopeMatcherFunctions,
  type EnvelopeMatchers,
} from 'kompliant-envelope/testing';
import { buildApp } from '../support/apps.js';

// Both the global `expect` (@types/jest) and @jest/globals' accept the matchers object.
expect.extend(envelopeMatchers);
globalsExpect.extend(envelopeMatchers);

type Order = { id: number; total: number };
const ORDER: Order = { id: 1, total: 5 };
const { app } = buildApp(express, (routes) => routes.get('/orders/1', (_req, res) => ok(res, ORDER)));

it('declares the matchers on the global expect and on @jest/globals’ expect', async () => {
  const res = await request(app).get('/orders/1');
  expect(res).toBeSuccessEnvelope({ id: 1, total: 5 });
  expect(res.body).toBeSuccessEnvelope(expect.objectContaining<Partial<Order>>({ id: 1 }));
  expect(res).not.toBeErrorEnvelope(400, 'VALIDATION_ERROR');
  expect(res).not.toBeErrorEnvelope(400, 'MY_OWN_CODE');
  expect(res).not.toBeBatchEnvelope();
  await expect(Promise.resolve(res)).resolves.toBeSuccessEnvelope();
  globalsExpect(res).toBeSuccessEnvelope(ORDER);
  globalsExpect(res).not.toBeErrorEnvelope(500);

  // @ts-expect-error: the status is a number, not a string
  expect(() => expect(res).toBeErrorEnvelope('400')).toThrow(TypeError);
  // @ts-expect-error: the status is required
  expect(() => expect(res).toBeErrorEnvelope()).toThrow(TypeError);
  // @ts-expect-error: toBeBatchEnvelope takes no argument
  expect(res).not.toBeBatchEnvelope(ORDER);
  // @ts-expect-error: the same holds for @jest/globals' expect
  expect(() => globalsExpect(res).toBeErrorEnvelope('400')).toThrow(TypeError);
});

it('types envelopeMatchers and the options of checkConformance', async () => {
  const matchers: EnvelopeMatcherFunctions = envelopeMatchers;
  // The interface merged into jest.Matchers is the public one.
  const declared: keyof EnvelopeMatchers<void> = 'toBeSuccessEnvelope';
  expect(Object.keys(matchers)).toContain(declared);

  const options: ConformanceOptions = { knownPath: '/orders/1', timeoutMs: 2000 };
  // @ts-expect-error: exactOptionalPropertyTypes: an option is left out, not set to undefined
  const unset: ConformanceOptions = { crashPath: undefined };
  void unset;
  // @ts-expect-error: maxBodySize is a number of bytes
  void ({ maxBodySize: '100mb' } satisfies ConformanceOptions);
  const deviations: string[] = await checkConformance(app, options);
  expect(deviations).toEqual([]);
});
