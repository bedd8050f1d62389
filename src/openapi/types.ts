/**
 * The few OpenAPI 3.1 and JSON Schema 2020-12 shapes this entry point hands
 * out. Deliberately small: enough to type what the functions return, loose
 * enough to merge into a document built with any OpenAPI typing.
 */

/** A JSON Schema 2020-12 object (OpenAPI 3.1's Schema Object): any keywords. */
export interface JsonSchemaObject {
  readonly [keyword: string]: unknown;
}

/** A JSON Schema: an object, or `true` (anything) / `false` (nothing). */
export type JsonSchema = JsonSchemaObject | boolean;

/** An OpenAPI Reference Object: `{ $ref: '#/components/…' }`. */
export interface OpenApiReference {
  readonly $ref: string;
}

/** An OpenAPI 3.1 Header Object, as this library describes its headers. */
export interface OpenApiHeader {
  readonly description: string;
  readonly required?: boolean;
  readonly schema: JsonSchema;
}

/** An OpenAPI 3.1 Example Object. */
export interface OpenApiExample {
  readonly summary: string;
  readonly value: unknown;
}

/** An OpenAPI 3.1 Media Type Object. */
export interface OpenApiMediaType {
  readonly schema: JsonSchema;
  readonly examples?: Readonly<Record<string, OpenApiExample>>;
}

/** An OpenAPI 3.1 Response Object. */
export interface OpenApiResponse {
  readonly description: string;
  readonly headers?: Readonly<Record<string, OpenApiHeader | OpenApiReference>>;
  readonly content?: Readonly<Record<string, OpenApiMediaType>>;
}

/** An OpenAPI 3.1 Responses Object of one operation: status code → response or `$ref`. */
export type OpenApiResponses = Readonly<Record<string, OpenApiResponse | OpenApiReference>>;
