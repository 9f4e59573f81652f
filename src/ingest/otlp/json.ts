// OTLP/JSON → the plain-object form protobufjs `fromObject` reads, checked against the schema.
// Written here because protobufjs alone would misread OTLP/JSON: it decodes every bytes field as
// base64 (OTLP ids are hex) and turns malformed 64-bit strings into 0 without a word.
// Rules (OTLP/JSON): lowerCamelCase keys, unknown keys ignored, null means absent; trace and span
// ids hex (either case), other bytes base64; 64-bit integers as decimal strings or integer
// numbers; enums as integers (names tolerated); doubles as numbers or "NaN"/"Infinity"/"-Infinity".
import type protobuf from 'protobufjs';
import { OtlpDecodeError } from './decode-error';

const HEX_ID_FIELDS = new Set(['traceId', 'spanId', 'parentSpanId']);
const INT64 = new Set(['int64', 'sint64', 'sfixed64']);
const UINT64 = new Set(['uint64', 'fixed64']);
const INT32 = new Set(['int32', 'sint32', 'sfixed32']);
const UINT32 = new Set(['uint32', 'fixed32']);
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const HEX = /^(?:[0-9a-fA-F]{2})*$/;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;
const INTEGER_TEXT = /^-?\d+$/;
// As protobufjs limits protobuf nesting (Reader.recursionLimit): nested AnyValues cannot recurse
// without bound.
const MAX_DEPTH = 100;

// A wrong value, thrown from where it is found; each level on the way up adds its key, so the
// path text is only built when there is an error to report.
class WrongValue extends Error {
  readonly path: (string | number)[] = [];

  constructor(readonly expected: string) {
    super(expected);
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 40))}`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

function fail(expected: string, value: unknown): never {
  throw new WrongValue(`${expected}, got ${describe(value)}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Returns the OTLP/JSON object `json` converted for `type.fromObject`: ids as Buffers, 64-bit
 * integers as checked Long bits, every value checked against its field's type. Throws
 * OtlpDecodeError naming the path (from `root`) of the first wrong value.
 */
export function normaliseJson(
  type: protobuf.Type,
  json: unknown,
  root: string,
): Record<string, unknown> {
  try {
    return normaliseMessage(type, json, 0);
  } catch (err) {
    if (!(err instanceof WrongValue)) throw err;
    let path = root;
    for (const part of err.path) path += typeof part === 'number' ? `[${part}]` : `.${part}`;
    throw new OtlpDecodeError(`invalid OTLP/JSON at ${path}: ${err.expected}`);
  }
}

function normaliseMessage(
  type: protobuf.Type,
  json: unknown,
  depth: number,
): Record<string, unknown> {
  if (!isObject(json)) fail('expected an object', json);
  if (depth > MAX_DEPTH) throw new WrongValue(`nested deeper than ${MAX_DEPTH}`);
  const out: Record<string, unknown> = {};
  const fields = type.fields;
  let key = '';
  let index = -1;
  try {
    for (key of Object.keys(json)) {
      index = -1;
      if (!Object.hasOwn(fields, key)) continue; // unknown fields are ignored
      const field = fields[key] as protobuf.Field;
      const value = json[key];
      if (value === null || value === undefined) continue;
      if (field.repeated) {
        if (!Array.isArray(value)) fail('expected an array', value);
        const items = new Array(value.length);
        for (index = 0; index < value.length; index++) {
          items[index] = normaliseValue(field, value[index], depth);
        }
        out[key] = items;
      } else {
        out[key] = normaliseValue(field, value, depth);
      }
    }
  } catch (err) {
    if (err instanceof WrongValue) {
      if (index >= 0) err.path.unshift(index);
      err.path.unshift(key);
    }
    throw err;
  }
  return out;
}

function normaliseValue(field: protobuf.Field, value: unknown, depth: number): unknown {
  const resolved = field.resolvedType;
  if (resolved !== null && 'fields' in resolved)
    return normaliseMessage(resolved, value, depth + 1);
  if (resolved !== null) return normaliseEnum(resolved, value);
  const type = field.type;
  if (type === 'string')
    return typeof value === 'string' ? value : fail('expected a string', value);
  if (type === 'bool')
    return typeof value === 'boolean' ? value : fail('expected a boolean', value);
  if (type === 'double' || type === 'float') return normaliseDouble(value);
  if (type === 'bytes') return normaliseBytes(field.name, value);
  if (INT64.has(type)) return normaliseInt64(value, INT64_MIN, INT64_MAX);
  if (UINT64.has(type)) return normaliseInt64(value, 0n, UINT64_MAX);
  if (INT32.has(type)) return normaliseInt32(value, -(2 ** 31), 2 ** 31 - 1);
  if (UINT32.has(type)) return normaliseInt32(value, 0, 2 ** 32 - 1);
  return fail(`expected a ${type}`, value);
}

function normaliseEnum(type: protobuf.Enum, value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && Object.hasOwn(type.values, value)) {
    return type.values[value] as number;
  }
  return fail(`expected an integer (enum ${type.name})`, value);
}

function normaliseDouble(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) {
    return Number(value);
  }
  return fail('expected a number', value);
}

// Returned as Long-like bits: fromObject then builds the Long without parsing decimal text again.
function normaliseInt64(
  value: unknown,
  min: bigint,
  max: bigint,
): { low: number; high: number; unsigned: boolean } {
  let big: bigint | undefined;
  if (typeof value === 'number' && Number.isInteger(value)) big = BigInt(value);
  else if (typeof value === 'string' && INTEGER_TEXT.test(value)) big = BigInt(value);
  if (big === undefined) return fail('expected a 64-bit integer (decimal string or number)', value);
  if (big < min || big > max) return fail(`expected an integer in [${min}, ${max}]`, value);
  return {
    low: Number(BigInt.asIntN(32, big)),
    high: Number(BigInt.asIntN(32, big >> 32n)),
    unsigned: min === 0n,
  };
}

function normaliseInt32(value: unknown, min: number, max: number): number {
  const n = typeof value === 'string' && INTEGER_TEXT.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) return fail('expected an integer', value);
  if (n < min || n > max) return fail(`expected an integer in [${min}, ${max}]`, value);
  return n;
}

function normaliseBytes(name: string, value: unknown): Buffer {
  if (typeof value !== 'string') return fail('expected a string', value);
  if (HEX_ID_FIELDS.has(name)) {
    return HEX.test(value) ? Buffer.from(value, 'hex') : fail('expected a hex id', value);
  }
  return BASE64.test(value) ? Buffer.from(value, 'base64') : fail('expected base64 bytes', value);
}
