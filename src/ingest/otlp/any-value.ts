// Reading decoded AnyValues and ids: which member is set, as text, as JSON, as a number.
import { int64ToString, toNumber } from './int64';
import type { AnyValue, Bytes } from './types';

/** The member of an AnyValue that is set. */
export type AnyValueKind = NonNullable<AnyValue['value']>;

const has = Object.prototype.hasOwnProperty;

/**
 * Returns which member of an AnyValue is set (undefined for an empty value). Decoders set only
 * own properties, so own-property checks answer without the allocating protobufjs oneof getter.
 */
export function anyValueKind(v: AnyValue | null | undefined): AnyValueKind | undefined {
  if (v === null || v === undefined) return undefined;
  if (has.call(v, 'stringValue')) return 'stringValue';
  if (has.call(v, 'intValue')) return 'intValue';
  if (has.call(v, 'doubleValue')) return 'doubleValue';
  if (has.call(v, 'boolValue')) return 'boolValue';
  if (has.call(v, 'arrayValue') && v.arrayValue !== null) return 'arrayValue';
  if (has.call(v, 'kvlistValue') && v.kvlistValue !== null) return 'kvlistValue';
  if (has.call(v, 'bytesValue')) return 'bytesValue';
  return undefined;
}

/** Returns the lowercase hex text of an id ('' when empty). */
export function toHex(bytes: Bytes): string {
  if (bytes.length === 0) return '';
  if (Buffer.isBuffer(bytes)) return bytes.toString('hex');
  return Buffer.from(bytes as Uint8Array).toString('hex');
}

function toBase64(bytes: Bytes): string {
  if (bytes.length === 0) return '';
  return (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes as Uint8Array)).toString('base64');
}

/**
 * Returns an AnyValue as text: strings as they are, booleans `true`/`false`, integers exact,
 * doubles in JavaScript notation (NaN, Infinity too), bytes base64, arrays and kvlists as JSON.
 */
export function anyValueToString(v: AnyValue | null | undefined): string {
  switch (anyValueKind(v)) {
    case 'stringValue':
      return (v as AnyValue).stringValue;
    case 'intValue':
      return int64ToString((v as AnyValue).intValue);
    case 'doubleValue':
      return String((v as AnyValue).doubleValue);
    case 'boolValue':
      return (v as AnyValue).boolValue ? 'true' : 'false';
    case 'bytesValue':
      return toBase64((v as AnyValue).bytesValue);
    case 'arrayValue':
    case 'kvlistValue':
      return JSON.stringify(anyValueToJson(v));
    default:
      return '';
  }
}

/**
 * Returns an AnyValue as a JSON value: integers as numbers when exact (else decimal strings),
 * non-finite doubles as strings, bytes base64, kvlists as objects, empty values as null.
 */
export function anyValueToJson(v: AnyValue | null | undefined): unknown {
  const value = v as AnyValue;
  switch (anyValueKind(v)) {
    case 'stringValue':
      return value.stringValue;
    case 'intValue': {
      const n = toNumber(value.intValue);
      return Number.isSafeInteger(n) ? n : int64ToString(value.intValue);
    }
    case 'doubleValue':
      return Number.isFinite(value.doubleValue) ? value.doubleValue : String(value.doubleValue);
    case 'boolValue':
      return value.boolValue;
    case 'bytesValue':
      return toBase64(value.bytesValue);
    case 'arrayValue':
      return (value.arrayValue?.values ?? []).map(anyValueToJson);
    case 'kvlistValue': {
      const out: Record<string, unknown> = {};
      for (const kv of value.kvlistValue?.values ?? []) out[kv.key] = anyValueToJson(kv.value);
      return out;
    }
    default:
      return null;
  }
}

/**
 * Returns an AnyValue as a number: integers and doubles as they are (NaN and ±Infinity
 * included, for the caller to refuse), numeric strings parsed; undefined for anything else.
 */
export function anyValueNumber(v: AnyValue | null | undefined): number | undefined {
  switch (anyValueKind(v)) {
    case 'doubleValue':
      return (v as AnyValue).doubleValue;
    case 'intValue':
      return toNumber((v as AnyValue).intValue);
    case 'stringValue': {
      const text = (v as AnyValue).stringValue.trim();
      if (text === '') return undefined;
      const n = Number(text);
      return Number.isNaN(n) && text !== 'NaN' ? undefined : n;
    }
    default:
      return undefined;
  }
}

/** Returns an AnyValue as a boolean: booleans, and the strings `true`/`false`; else undefined. */
export function anyValueBoolean(v: AnyValue | null | undefined): boolean | undefined {
  const kind = anyValueKind(v);
  if (kind === 'boolValue') return (v as AnyValue).boolValue;
  if (kind === 'stringValue') {
    const text = (v as AnyValue).stringValue.trim().toLowerCase();
    if (text === 'true') return true;
    if (text === 'false') return false;
  }
  return undefined;
}
