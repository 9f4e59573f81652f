import protobuf from 'protobufjs';
import {
  type AnyValue,
  anyValueBoolean,
  anyValueKind,
  anyValueNumber,
  anyValueToJson,
  anyValueToString,
  int64ToString,
  toBigInt,
  toHex,
  toNumber,
} from '../../../src/ingest/otlp';
import { OtlpReader } from '../../../src/ingest/otlp/reader';
import { otlpType } from '../../../src/ingest/otlp/schema';

const AnyValueType = otlpType('opentelemetry.proto.common.v1.AnyValue');

// An AnyValue as the protobuf decoder gives it, from its OTLP/JSON-like plain form.
function decoded(json: object): AnyValue {
  const bytes = AnyValueType.encode(AnyValueType.fromObject(json)).finish();
  return AnyValueType.decode(new OtlpReader(Buffer.from(bytes))) as unknown as AnyValue;
}

const Long = protobuf.util.Long as unknown as {
  fromString(text: string, unsigned: boolean): protobuf.Long;
};

describe('64-bit integers', () => {
  it.each([
    ['0', false],
    ['1544712660300000000', true],
    ['18446744073709551615', true],
    ['9223372036854775807', false],
    ['-9223372036854775808', false],
    ['-1', false],
    ['4294967296', true],
  ])('%s (unsigned %s) converts exactly', (text, unsigned) => {
    const long = Long.fromString(text, unsigned);
    expect(toBigInt(long)).toBe(BigInt(text));
    expect(int64ToString(long)).toBe(text);
    expect(toNumber(long)).toBe(Number(text));
  });

  it('treats absent as 0 and numbers as they are', () => {
    expect(toBigInt(undefined)).toBe(0n);
    expect(toBigInt(null)).toBe(0n);
    expect(toBigInt(42)).toBe(42n);
    expect(toNumber(null)).toBe(0);
    expect(int64ToString(7)).toBe('7');
  });
});

describe('AnyValue', () => {
  it.each<[string, object, string | undefined, string, unknown]>([
    ['string', { stringValue: 'chat' }, 'stringValue', 'chat', 'chat'],
    ['empty string', { stringValue: '' }, 'stringValue', '', ''],
    ['bool', { boolValue: false }, 'boolValue', 'false', false],
    ['int', { intValue: '-12' }, 'intValue', '-12', -12],
    [
      'big int',
      { intValue: '9007199254740993' },
      'intValue',
      '9007199254740993',
      '9007199254740993',
    ],
    ['double', { doubleValue: 0.25 }, 'doubleValue', '0.25', 0.25],
    ['NaN', { doubleValue: Number.NaN }, 'doubleValue', 'NaN', 'NaN'],
    ['bytes', { bytesValue: Buffer.from([1, 2, 255]) }, 'bytesValue', 'AQL/', 'AQL/'],
    [
      'array',
      { arrayValue: { values: [{ stringValue: 'a' }, { intValue: 2 }, {}] } },
      'arrayValue',
      '["a",2,null]',
      ['a', 2, null],
    ],
    [
      'kvlist',
      { kvlistValue: { values: [{ key: 'k', value: { boolValue: true } }] } },
      'kvlistValue',
      '{"k":true}',
      { k: true },
    ],
    ['empty', {}, undefined, '', null],
  ])('%s: kind, text and JSON', (_label, json, kind, text, asJson) => {
    const value = decoded(json);
    expect(anyValueKind(value)).toBe(kind);
    expect(anyValueToString(value)).toBe(text);
    expect(anyValueToJson(value)).toEqual(asJson);
  });

  it.each<[string, object, number | undefined]>([
    ['int', { intValue: 3 }, 3],
    ['double', { doubleValue: 1.5 }, 1.5],
    ['numeric string', { stringValue: ' 0.75 ' }, 0.75],
    ['NaN string', { stringValue: 'NaN' }, Number.NaN],
    ['Infinity double', { doubleValue: Number.POSITIVE_INFINITY }, Number.POSITIVE_INFINITY],
    ['word', { stringValue: 'fast' }, undefined],
    ['blank', { stringValue: ' ' }, undefined],
    ['bool', { boolValue: true }, undefined],
    ['empty', {}, undefined],
  ])('%s as a number', (_label, json, expected) => {
    expect(anyValueNumber(decoded(json))).toEqual(expected);
  });

  it.each<[object, boolean | undefined]>([
    [{ boolValue: true }, true],
    [{ stringValue: 'FALSE' }, false],
    [{ stringValue: 'yes' }, undefined],
    [{ intValue: 1 }, undefined],
  ])('%j as a boolean', (json, expected) => {
    expect(anyValueBoolean(decoded(json))).toBe(expected);
  });

  it('reads null and undefined as empty', () => {
    expect(anyValueKind(null)).toBeUndefined();
    expect(anyValueToString(undefined)).toBe('');
  });
});

describe('ids', () => {
  it('are lowercase hex, empty for empty', () => {
    expect(toHex(Buffer.from('5B8EFFF7', 'hex'))).toBe('5b8efff7');
    expect(toHex(new Uint8Array([0, 171]))).toBe('00ab');
    expect(toHex([])).toBe('');
  });
});

describe('OtlpReader', () => {
  const KeyValueType = otlpType('opentelemetry.proto.common.v1.KeyValue');
  const roundTrip = (key: string): string => {
    const bytes = Buffer.from(KeyValueType.encode(KeyValueType.fromObject({ key })).finish());
    return (KeyValueType.decode(new OtlpReader(bytes)) as unknown as { key: string }).key;
  };

  it.each([
    'gen_ai.request.model',
    'gen_ai.response.model',
    'modèle', // not ASCII
    '模型',
    'a'.repeat(64),
    'b'.repeat(65),
    'x',
    '',
    'emoji 🚀',
  ])('reads %j exactly, again and again', (text) => {
    for (let i = 0; i < 3; i++) expect(roundTrip(text)).toBe(text);
  });

  it('never confuses strings that share a cache slot', () => {
    // Same length and same sampled bytes; they differ only between the samples.
    const a = 'abcdefghijklmnopqrstuvwx';
    const b = `${a.slice(0, 3)}Z${a.slice(4)}`;
    for (let i = 0; i < 3; i++) {
      expect(roundTrip(a)).toBe(a);
      expect(roundTrip(b)).toBe(b);
    }
  });

  it('refuses a string running past the end', () => {
    const bytes = Buffer.from([0x0a, 0x05, 0x61, 0x62]);
    expect(() => KeyValueType.decode(new OtlpReader(bytes))).toThrow(RangeError);
  });
});
