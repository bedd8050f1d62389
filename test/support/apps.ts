import express5 from 'express';
import express4 from 'express4';

/** The Express majors every HTTP test runs on: `describe.each(EXPRESS_VERSIONS)`. */
export const EXPRESS_VERSIONS = [
  ['Express 4', express4],
  ['Express 5', express5],
] as const;

export type ExpressFactory = typeof express5;

/** A UUID as `newTraceId()` makes them (v4). */
export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
