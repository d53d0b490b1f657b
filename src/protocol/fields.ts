import { JsonNumber } from './json.js';

/** Thrown when a request field is missing or invalid; the message names the field. */
export class InvalidFieldError extends Error {
  override readonly name = 'InvalidFieldError';

  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** A JSON Schema fragment that documents a field (served in the OpenAPI document). */
export type JsonSchema = Record<string, unknown>;

/** One typed request field: how to read it from parsed JSON, and its JSON Schema. */
export interface Field<T> {
  readonly schema: JsonSchema;
  read(value: unknown, path: string): T;
}

export type FieldValue<F> = F extends Field<infer T> ? T : never;

/** A record of fields that together describe one JSON object. */
export type ObjectSpec = Record<string, Field<unknown>>;

export type ObjectValue<S extends ObjectSpec> = { [K in keyof S]: FieldValue<S[K]> };

// A JSON integer without fraction or exponent; negative zero is not one.
const INTEGER_TEXT = /^(?:0|-?[1-9][0-9]*)$/;

function describe(value: unknown): string {
  if (value instanceof JsonNumber) return value.text;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  return `a ${typeof value}`;
}

/**
 * An integer field in [min, max], read losslessly as a bigint. The schema's bounds are JSON
 * numbers, so bounds above 2^53 are shown rounded there; `read` enforces them exactly.
 */
export function integerField(min: bigint, max: bigint, format: string, description: string): Field<bigint> {
  return {
    schema: { type: 'integer', format, minimum: Number(min), maximum: Number(max), description },
    read(value, path) {
      if (!(value instanceof JsonNumber) || !INTEGER_TEXT.test(value.text)) {
        throw new InvalidFieldError(path, `must be an integer from ${min} to ${max}, got ${describe(value)}`);
      }

      const parsed = BigInt(value.text);
      if (parsed < min || parsed > max) {
        throw new InvalidFieldError(path, `must be an integer from ${min} to ${max}, got ${value.text}`);
      }
      return parsed;
    },
  };
}

const HEX_TEXT = /^[0-9a-fA-F]*$/;

/** A hex string of exactly `length` bytes, any letter case. */
export function hexField(length: number, description: string): Field<Buffer> {
  return {
    schema: { type: 'string', pattern: `^[0-9a-fA-F]{${length * 2}}$`, description },
    read(value, path) {
      if (typeof value !== 'string' || value.length !== length * 2 || !HEX_TEXT.test(value)) {
        throw new InvalidFieldError(path, `must be ${length * 2} hex characters (${length} bytes), got ${describe(value)}`);
      }
      return Buffer.from(value, 'hex');
    },
  };
}

/** A hex string of `minLength` to `maxLength` bytes, any letter case. */
export function variableHexField(minLength: number, maxLength: number, description: string): Field<Buffer> {
  return {
    schema: {
      type: 'string',
      pattern: '^([0-9a-fA-F]{2})+$',
      minLength: minLength * 2,
      maxLength: maxLength * 2,
      description,
    },
    read(value, path) {
      const valid =
        typeof value === 'string' &&
        value.length % 2 === 0 &&
        value.length >= minLength * 2 &&
        value.length <= maxLength * 2 &&
        HEX_TEXT.test(value);
      if (!valid) {
        throw new InvalidFieldError(
          path,
          `must be hex of ${minLength} to ${maxLength} bytes (an even number of hex characters), got ${describe(value)}`,
        );
      }
      return Buffer.from(value, 'hex');
    },
  };
}

/** One of a fixed set of names, each with its wire code. */
export function enumField<N extends string>(codes: Readonly<Record<N, number>>, description: string): Field<N> {
  const names = Object.keys(codes) as N[];
  return {
    schema: { type: 'string', enum: names, description },
    read(value, path) {
      if (typeof value !== 'string' || !Object.hasOwn(codes, value)) {
        throw new InvalidFieldError(path, `must be one of ${names.join(', ')}, got ${describe(value)}`);
      }
      return value as N;
    },
  };
}

/** Returns `value` as a plain JSON object, or throws naming `path`. */
export function readObjectValue(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof JsonNumber) {
    throw new InvalidFieldError(path, `must be a JSON object, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

/**
 * Reads every field of `spec` from a JSON object. Keys not in `spec` are ignored, as the
 * node's Kotlin decoder ignores them.
 */
export function readObject<S extends ObjectSpec>(value: unknown, path: string, spec: S): ObjectValue<S> {
  const object = readObjectValue(value, path);
  const result: Record<string, unknown> = {};

  for (const name of Object.keys(spec)) {
    const fieldPath = `${path}.${name}`;
    if (!Object.hasOwn(object, name)) {
      throw new InvalidFieldError(fieldPath, 'is missing');
    }
    result[name] = (spec[name] as Field<unknown>).read(object[name], fieldPath);
  }
  return result as ObjectValue<S>;
}

/** Builds the JSON Schema of an object described by `spec`, with every field required. */
export function objectSchema(spec: ObjectSpec, extra: Record<string, JsonSchema> = {}): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const [name, field] of Object.entries(spec)) {
    properties[name] = field.schema;
  }
  return { type: 'object', required: Object.keys(spec), properties: { ...properties, ...extra } };
}
