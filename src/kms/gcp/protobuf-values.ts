import type { protos } from '@google-cloud/kms';

/**
 * Reads a `google.protobuf.Int64Value` as a number, or undefined when the field is absent.
 * google-gax decodes int64 fields as decimal strings, and CRC32C values fit a safe integer.
 */
export function readInt64Value(
  field: protos.google.protobuf.IInt64Value | null | undefined,
): number | undefined {
  const value = field?.value;
  if (value === null || value === undefined) {
    return undefined;
  }

  const number = Number(String(value));
  return Number.isSafeInteger(number) ? number : undefined;
}

/** Reads a `bytes` field, which google-gax decodes as a Buffer (base64 when it is a string). */
export function readBytes(field: Uint8Array | string | null | undefined): Uint8Array | undefined {
  if (field === null || field === undefined) {
    return undefined;
  }
  return typeof field === 'string' ? Buffer.from(field, 'base64') : field;
}
