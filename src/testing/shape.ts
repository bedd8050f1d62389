/**
 * What is wrong with a parsed body as an envelope of `response-fields.txt`:
 * plain functions returning one sentence per problem, shared by the Jest
 * matchers and `checkConformance()`. Nothing here throws or reads HTTP.
 */

/** The values `meta.status` may take. */
export type EnvelopeKind = 'SUCCESS' | 'ERROR' | 'BATCH_PROCESSED';

const KINDS: ReadonlySet<unknown> = new Set<EnvelopeKind>(['SUCCESS', 'ERROR', 'BATCH_PROCESSED']);
const PREVIEW_LENGTH = 120;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A short, single-line rendering of any value for a failure message. */
export function preview(value: unknown): string {
  let text: string;
  if (value === undefined) text = 'undefined';
  else if (typeof value === 'string') text = JSON.stringify(value);
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > PREVIEW_LENGTH ? `${text.slice(0, PREVIEW_LENGTH)}…` : text;
}

/** `meta.status` of a body, or `undefined` when the body has no such field. */
export function metaStatusOf(body: unknown): unknown {
  return isObject(body) && isObject(body['meta']) ? body['meta']['status'] : undefined;
}

/** `meta.trace_id` of a body, or `undefined`. */
export function traceIdOf(body: unknown): unknown {
  return isObject(body) && isObject(body['meta']) ? body['meta']['trace_id'] : undefined;
}

/** The first error's code of an ERROR envelope, or `undefined`. */
export function firstErrorCode(body: unknown): string | undefined {
  const errors = isObject(body) ? body['errors'] : undefined;
  const first: unknown = Array.isArray(errors) ? errors[0] : undefined;
  return isObject(first) && typeof first['code'] === 'string' ? first['code'] : undefined;
}

/** `errors: CODE "message", …` for a body that has an `errors` array, else ''. */
export function errorsSummary(body: unknown): string {
  const errors = isObject(body) ? body['errors'] : undefined;
  if (!Array.isArray(errors) || errors.length === 0) return '';
  const parts = errors.slice(0, 3).map((error: unknown) =>
    isObject(error) ? `${String(error['code'])} ${preview(error['message'])}` : preview(error),
  );
  return `errors: ${parts.join(', ')}${errors.length > 3 ? `, and ${errors.length - 3} more` : ''}`;
}

/** One phrase naming what a body is: "an ERROR envelope (errors: …)", "a body without meta: …". */
export function describeBody(body: unknown): string {
  const status = metaStatusOf(body);
  if (typeof status === 'string') {
    const summary = errorsSummary(body);
    // "an ERROR envelope", "a SUCCESS envelope"
    const article = /^[AEIOU]/i.test(status) ? 'an' : 'a';
    return `${article} ${status} envelope${summary === '' ? '' : ` (${summary})`}`;
  }
  return `a body that is not an envelope: ${preview(body)}`;
}

function objectProblems(list: unknown, field: string, what: string): string[] {
  if (!Array.isArray(list) || list.length === 0) {
    return [`expected ${field} to be a non-empty array of ${what} objects, got ${preview(list)}`];
  }
  const problems: string[] = [];
  list.forEach((item: unknown, index) => {
    if (!isObject(item) || typeof item['code'] !== 'string' || item['code'] === '' || typeof item['message'] !== 'string') {
      problems.push(`expected ${field}[${index}] to be { code: non-empty string, message: string }, got ${preview(item)}`);
    }
  });
  return problems;
}

/** True when the body is an object with a `meta` object (whatever is in it). */
export function hasMeta(body: unknown): boolean {
  return isObject(body) && isObject(body['meta']);
}

/**
 * The problems of `meta` that do not depend on the kind of envelope: an
 * object body, a `meta` object, a non-empty string `meta.trace_id`, a string
 * `meta.version` and well-formed `meta.warnings`. `meta.status` is left to
 * the caller, which knows which value it expects.
 */
export function metaProblems(body: unknown): string[] {
  if (!isObject(body)) return [`expected the body to be a JSON object, got ${preview(body)}`];
  const meta = body['meta'];
  if (!isObject(meta)) return [`expected a meta object, got ${preview(meta)}`];
  const problems: string[] = [];
  if (typeof meta['trace_id'] !== 'string' || meta['trace_id'] === '') {
    problems.push(`expected meta.trace_id to be a non-empty string, got ${preview(meta['trace_id'])}`);
  }
  if (typeof meta['version'] !== 'string') {
    problems.push(`expected meta.version to be a string, got ${preview(meta['version'])}`);
  }
  if (meta['warnings'] !== undefined) problems.push(...objectProblems(meta['warnings'], 'meta.warnings', 'warning'));
  return problems;
}

function batchResultProblems(results: unknown): string[] {
  if (!Array.isArray(results)) return [`expected results to be an array, got ${preview(results)}`];
  const problems: string[] = [];
  results.forEach((result: unknown, index) => {
    const at = `results[${index}]`;
    if (!isObject(result)) {
      problems.push(`expected ${at} to be an object, got ${preview(result)}`);
      return;
    }
    if (!('request' in result)) problems.push(`expected ${at}.request to be present`);
    if (result['status'] === 'SUCCESS') {
      if (!('data' in result)) problems.push(`expected ${at}.data to be present (status SUCCESS)`);
      if ('errors' in result) problems.push(`expected no ${at}.errors (status SUCCESS)`);
    } else if (result['status'] === 'ERROR') {
      problems.push(...objectProblems(result['errors'], `${at}.errors`, 'error'));
      if ('data' in result) problems.push(`expected no ${at}.data (status ERROR)`);
    } else {
      problems.push(`expected ${at}.status to be SUCCESS or ERROR, got ${preview(result['status'])}`);
    }
  });
  return problems;
}

/**
 * The problems of the fields a `kind` of envelope requires: `data` for
 * SUCCESS (and no top-level `errors`), a non-empty `errors` of
 * `{ code, message }` for ERROR (and no top-level `data`), `results` of
 * `{ status, request, data | errors }` for BATCH_PROCESSED.
 */
export function kindProblems(body: unknown, kind: EnvelopeKind): string[] {
  if (!isObject(body)) return [];
  switch (kind) {
    case 'SUCCESS':
      return [
        ...(body['data'] === undefined ? ['expected a top-level data field, got none'] : []),
        ...('errors' in body ? [`expected no top-level errors on a SUCCESS envelope, got ${preview(body['errors'])}`] : []),
      ];
    case 'ERROR':
      return [
        ...objectProblems(body['errors'], 'errors', 'error'),
        ...('data' in body ? [`expected no top-level data on an ERROR envelope, got ${preview(body['data'])}`] : []),
      ];
    case 'BATCH_PROCESSED':
      return batchResultProblems(body['results']);
  }
}

/** Every problem of a body as an envelope of whatever kind its `meta.status` says; `[]` when it is one. */
export function envelopeProblems(body: unknown): string[] {
  const problems = metaProblems(body);
  if (!hasMeta(body)) return problems;
  const status = metaStatusOf(body);
  if (!isEnvelopeKind(status)) {
    return [`expected meta.status to be SUCCESS, ERROR or BATCH_PROCESSED, got ${preview(status)}`, ...problems];
  }
  return [...problems, ...kindProblems(body, status)];
}

/** True for SUCCESS, ERROR and BATCH_PROCESSED. */
export function isEnvelopeKind(value: unknown): value is EnvelopeKind {
  return KINDS.has(value);
}
