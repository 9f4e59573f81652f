import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  countItems,
  decodeExport,
  type Encoding,
  encodeExportRequest,
  encodeExportResponse,
  encodeStatus,
  OtlpDecodeError,
  type Signal,
  toBigInt,
  toHex,
} from '../../../src/ingest/otlp';
import { otlpType, SERVICES, STATUS_TYPE } from '../../../src/ingest/otlp/schema';
import { genaiTracesRequest } from '../../helpers/genai-otlp';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'otlp-examples');
const fixture = (name: string): Buffer => readFileSync(path.join(FIXTURES, name));
const fixtureJson = (name: string): unknown => JSON.parse(fixture(name).toString('utf8'));

function decodeError(signal: Signal, encoding: Encoding, body: Uint8Array): OtlpDecodeError {
  try {
    decodeExport(signal, encoding, body);
  } catch (err) {
    expect(err).toBeInstanceOf(OtlpDecodeError);
    return err as OtlpDecodeError;
  }
  throw new Error('expected an OtlpDecodeError');
}

describe('the official OTLP/JSON examples', () => {
  const examples: [string, Signal, number][] = [
    ['trace.json', 'traces', 1],
    ['logs.json', 'logs', 1],
    ['events.json', 'logs', 1],
    ['metrics.json', 'metrics', 4],
  ];

  it.each(examples)('%s decodes, with %s items counted', (file, signal, items) => {
    const decoded = decodeExport(signal, 'json', fixture(file));
    expect(decoded.signal).toBe(signal);
    expect(countItems(decoded)).toBe(items);
  });

  it.each(examples)('%s decodes to the same thing from protobuf', (file, signal) => {
    const fromJson = decodeExport(signal, 'json', fixture(file));
    const body = encodeExportRequest(signal, 'protobuf', fixtureJson(file));
    expect(decodeExport(signal, 'protobuf', body)).toEqual(fromJson);
  });

  it('reads the trace example: hex ids (upper case accepted), exact fixed64 times, attributes', () => {
    const decoded = decodeExport('traces', 'json', fixture('trace.json'));
    if (decoded.signal !== 'traces') throw new Error('not traces');
    const span = decoded.resourceSpans[0]?.scopeSpans[0]?.spans[0];
    if (span === undefined) throw new Error('no span');
    expect(toHex(span.traceId)).toBe('5b8efff798038103d269b633813fc60c');
    expect(toHex(span.spanId)).toBe('eee19b7ec3c1b174');
    expect(toHex(span.parentSpanId)).toBe('eee19b7ec3c1b173');
    expect(toBigInt(span.startTimeUnixNano)).toBe(1544712660000000000n);
    expect(toBigInt(span.endTimeUnixNano)).toBe(1544712661000000000n);
    expect(span.kind).toBe(2);
    expect(span.attributes[0]?.key).toBe('my.span.attr');
    expect(span.attributes[0]?.value?.stringValue).toBe('some value');
  });

  it('reads the events example: event_name and a kvlist body', () => {
    const decoded = decodeExport('logs', 'json', fixture('events.json'));
    if (decoded.signal !== 'logs') throw new Error('not logs');
    const record = decoded.resourceLogs[0]?.scopeLogs[0]?.logRecords[0];
    expect(record?.eventName).toBe('browser.page_view');
    expect(record?.body?.kvlistValue?.values.map((kv) => kv.key)).toEqual([
      'type',
      'url',
      'referrer',
      'title',
    ]);
  });

  it('reads the metrics example: all four kinds with their points', () => {
    const decoded = decodeExport('metrics', 'json', fixture('metrics.json'));
    if (decoded.signal !== 'metrics') throw new Error('not metrics');
    const metrics = decoded.resourceMetrics[0]?.scopeMetrics[0]?.metrics ?? [];
    expect(metrics.map((m) => m.data)).toEqual([
      'sum',
      'gauge',
      'histogram',
      'exponentialHistogram',
    ]);
    const histogram = metrics[2]?.histogram?.dataPoints[0];
    expect(histogram?.explicitBounds).toEqual([1]);
    expect(histogram?.bucketCounts.map((c) => Number(toBigInt(c)))).toEqual([1, 1]);
    expect(metrics[3]?.exponentialHistogram?.dataPoints[0]?.positive?.offset).toBe(1);
  });
});

describe('protobuf and JSON of the same data', () => {
  it('decode to the same GenAI request', () => {
    const json = genaiTracesRequest(8, Date.UTC(2026, 0, 1));
    const fromJson = decodeExport('traces', 'json', encodeExportRequest('traces', 'json', json));
    const fromProto = decodeExport(
      'traces',
      'protobuf',
      encodeExportRequest('traces', 'protobuf', json),
    );
    expect(fromProto).toEqual(fromJson);
    expect(countItems(fromJson)).toBe(8);
  });

  it.each([
    ['a string', '1700000000123456789'],
    ['a number', 1700000000123456],
  ])('read 64-bit integers given as %s', (_label, value) => {
    const json = {
      resourceSpans: [{ scopeSpans: [{ spans: [{ startTimeUnixNano: value }] }] }],
    };
    const decoded = decodeExport('traces', 'json', Buffer.from(JSON.stringify(json)));
    if (decoded.signal !== 'traces') throw new Error('not traces');
    const start = decoded.resourceSpans[0]?.scopeSpans[0]?.spans[0]?.startTimeUnixNano;
    expect(toBigInt(start)).toBe(BigInt(value));
  });

  it('keep the top bit of a fixed64 exactly', () => {
    const json = {
      resourceSpans: [{ scopeSpans: [{ spans: [{ endTimeUnixNano: '18446744073709551615' }] }] }],
    };
    for (const encoding of ['json', 'protobuf'] as const) {
      const decoded = decodeExport(
        'traces',
        encoding,
        encodeExportRequest('traces', encoding, json),
      );
      if (decoded.signal !== 'traces') throw new Error('not traces');
      const end = decoded.resourceSpans[0]?.scopeSpans[0]?.spans[0]?.endTimeUnixNano;
      expect(toBigInt(end)).toBe(2n ** 64n - 1n);
    }
  });

  it('ignore unknown fields (JSON keys and protobuf field numbers)', () => {
    const json = {
      resourceSpans: [
        {
          futureField: { a: 1 },
          scopeSpans: [{ spans: [{ name: 'x', trace_id: 'not-camel-case', somethingNew: [1] }] }],
        },
      ],
    };
    const decoded = decodeExport('traces', 'json', Buffer.from(JSON.stringify(json)));
    expect(countItems(decoded)).toBe(1);
    // Field 99 (varint) and field 98 (bytes) appended to a valid request are skipped.
    const known = encodeExportRequest('traces', 'protobuf', json);
    const unknown = Buffer.concat([known, Buffer.from([0x98, 0x06, 0x2a, 0x92, 0x06, 0x01, 0x00])]);
    expect(decodeExport('traces', 'protobuf', unknown)).toEqual(decoded);
  });
});

describe('empty requests', () => {
  it.each([
    ['protobuf', Buffer.alloc(0)],
    ['json', Buffer.alloc(0)],
    ['json', Buffer.from('{}')],
    ['json', Buffer.from('  \n')],
    ['json', Buffer.from('\ufeff{}')],
    ['json', Buffer.from('{"resourceSpans":[]}')],
    ['json', Buffer.from('{"resourceSpans":null}')],
  ] as const)('%s %j is a valid empty request', (encoding, body) => {
    const decoded = decodeExport('traces', encoding, body);
    expect(decoded).toEqual({ signal: 'traces', resourceSpans: [] });
    expect(countItems(decoded)).toBe(0);
  });

  it('accepts a plain Uint8Array (not a Buffer)', () => {
    const body = encodeExportRequest('logs', 'protobuf', fixtureJson('logs.json'));
    const copy = new Uint8Array(body.length);
    copy.set(body);
    expect(decodeExport('logs', 'protobuf', copy)).toEqual(decodeExport('logs', 'protobuf', body));
  });
});

describe('bodies that do not decode', () => {
  const span = (fields: object): string =>
    JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [fields] }] }] });

  it.each([
    ['not JSON', '{"resourceSpans": [', /invalid JSON ExportTraceServiceRequest/],
    ['a JSON array', '[]', /ExportTraceServiceRequest: expected an object, got an array/],
    ['a JSON string', '"x"', /expected an object, got the string/],
    ['null', 'null', /expected an object, got null/],
    ['resourceSpans not an array', '{"resourceSpans":{}}', /resourceSpans: expected an array/],
    [
      'a trace id that is not hex',
      span({ traceId: 'zz8efff798038103d269b633813fc60c' }),
      /spans\[0\]\.traceId: expected a hex id/,
    ],
    ['an odd-length hex id', span({ spanId: 'abc' }), /spanId: expected a hex id/],
    [
      'a time that is not an integer',
      span({ startTimeUnixNano: 'soon' }),
      /startTimeUnixNano: expected a 64-bit integer/,
    ],
    ['a fractional time', span({ startTimeUnixNano: 1.5 }), /expected a 64-bit integer/],
    [
      'a negative fixed64',
      span({ endTimeUnixNano: '-1' }),
      /endTimeUnixNano: expected an integer in \[0, /,
    ],
    [
      'a fixed64 past 2^64',
      span({ endTimeUnixNano: '18446744073709551616' }),
      /expected an integer in/,
    ],
    [
      'a name that is a number',
      span({ name: 7 }),
      /spans\[0\]\.name: expected a string, got number 7/,
    ],
    [
      'a kind that is not an integer',
      span({ kind: 1.5 }),
      /kind: expected an integer \(enum SpanKind\)/,
    ],
    ['attributes not an array', span({ attributes: {} }), /attributes: expected an array/],
    [
      'a bool attribute given as a string',
      span({ attributes: [{ key: 'k', value: { boolValue: 'yes' } }] }),
      /attributes\[0\]\.value\.boolValue: expected a boolean/,
    ],
    [
      'a double given as text',
      span({ attributes: [{ key: 'k', value: { doubleValue: 'many' } }] }),
      /doubleValue: expected a number/,
    ],
    [
      'bytes that are not base64',
      span({ attributes: [{ key: 'k', value: { bytesValue: '***' } }] }),
      /bytesValue: expected base64 bytes/,
    ],
  ])('%s → OtlpDecodeError naming it', (_label, body, message) => {
    const err = decodeError('traces', 'json', Buffer.from(body));
    expect(err.code).toBe('otlp_decode_failed');
    expect(err.status).toBe(400);
    expect(err.message).toMatch(message);
  });

  it('refuses AnyValues nested without bound', () => {
    let value: object = { stringValue: 'x' };
    for (let i = 0; i < 200; i++) value = { arrayValue: { values: [value] } };
    const err = decodeError(
      'traces',
      'json',
      Buffer.from(span({ attributes: [{ key: 'k', value }] })),
    );
    expect(err.message).toMatch(/nested deeper than/);
  });

  it.each([
    ['a truncated message', (b: Buffer) => b.subarray(0, b.length - 3)],
    [
      'garbage',
      () => Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
    ],
    ['an invalid wire type', () => Buffer.from([0x0f, 0x01])],
    ['a length past the end', () => Buffer.from([0x0a, 0x7f, 0x01])],
  ])('protobuf: %s → OtlpDecodeError', (_label, mangle) => {
    const body = encodeExportRequest('traces', 'protobuf', genaiTracesRequest(2, Date.now()));
    const err = decodeError('traces', 'protobuf', mangle(body));
    expect(err.message).toMatch(/^invalid protobuf ExportTraceServiceRequest: /);
  });
});

describe('responses', () => {
  const cases: [Signal, string, string][] = [
    ['traces', 'trace', 'rejectedSpans'],
    ['logs', 'logs', 'rejectedLogRecords'],
    ['metrics', 'metrics', 'rejectedDataPoints'],
  ];

  it.each(cases)('%s: protobuf partial_success round trips', (signal, _pkg, field) => {
    const body = encodeExportResponse(signal, 'protobuf', { rejected: 3, errorMessage: 'why' });
    const { response } = SERVICES[signal];
    const decoded = response.toObject(response.decode(body), { longs: Number });
    expect(decoded).toEqual({ partialSuccess: { [field]: 3, errorMessage: 'why' } });
  });

  it.each(cases)(
    '%s: JSON partialSuccess uses lowerCamelCase and int64 strings',
    (signal, _pkg, field) => {
      const body = encodeExportResponse(signal, 'json', { rejected: 2, errorMessage: 'bad' });
      expect(JSON.parse(body.toString())).toEqual({
        partialSuccess: { [field]: '2', errorMessage: 'bad' },
      });
    },
  );

  it.each(cases)('%s: without partial, the response is empty', (signal) => {
    expect(encodeExportResponse(signal, 'protobuf')).toHaveLength(0);
    expect(encodeExportResponse(signal, 'json').toString()).toBe('{}');
  });

  it('a warning keeps rejected 0 with its message', () => {
    const body = encodeExportResponse('traces', 'protobuf', { rejected: 0, errorMessage: 'warn' });
    const type = otlpType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse');
    const decoded = type.toObject(type.decode(body), { longs: Number, defaults: true });
    expect(decoded).toEqual({ partialSuccess: { rejectedSpans: 0, errorMessage: 'warn' } });
  });

  it('google.rpc.Status round trips in both encodings', () => {
    const proto = encodeStatus('protobuf', 3, 'invalid protobuf');
    expect(STATUS_TYPE.toObject(STATUS_TYPE.decode(proto))).toEqual({
      code: 3,
      message: 'invalid protobuf',
    });
    expect(JSON.parse(encodeStatus('json', 3, 'x').toString())).toEqual({ code: 3, message: 'x' });
  });
});
