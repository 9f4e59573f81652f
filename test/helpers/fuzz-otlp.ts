// fast-check arbitraries of hostile OTLP/HTTP requests (shapes built in fuzz-shapes.ts): valid
// bodies (protobuf and JSON) with bit flips, truncations, splices and wrong wire types; JSON with
// confused types, bad ids and invalid UTF-8; 100,000-deep nesting in both encodings; huge strings
// and attribute counts; gzip bombs; wrong and missing content types and encodings.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { encodeExportRequest, type Signal } from '../../src/ingest/otlp';
import {
  deepGroups,
  deepJsonArrays,
  deepJsonKvlist,
  deepProtobufTraces,
  gzipBomb,
} from './fuzz-shapes';
import {
  genaiTracesRequest,
  logsRequest,
  metricsRequest,
  nanos,
  span,
  tracesRequest,
} from './genai-otlp';
import { reliabilitySize } from './reliability';

/** One request to the receiver. */
export interface OtlpCase {
  signal: Signal;
  /** The family of the case (mutated, content type, deep, huge, gzip bomb, invalid UTF-8). */
  family: string;
  /** What the case is exactly, for failure reports. */
  kind: string;
  headers: Record<string, string>;
  body: Buffer;
}

const SIGNALS: readonly Signal[] = ['traces', 'logs', 'metrics'];
const PROTO = 'application/x-protobuf';
const JSON_TYPE = 'application/json';

const EXAMPLES = join(__dirname, '..', 'fixtures', 'otlp-examples');
const example = (file: string): unknown => JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8'));

/** Returns valid OTLP/JSON requests of `signal` near `nowMs`: GenAI telemetry and the spec's examples. */
export function validRequests(signal: Signal, nowMs: number): unknown[] {
  if (signal === 'traces') return [genaiTracesRequest(3, nowMs), example('trace.json')];
  if (signal === 'logs') {
    return [
      logsRequest([evaluationRecord(nowMs, 'fuzz', { doubleValue: 0.5 })]),
      example('logs.json'),
    ];
  }
  return [metricsRequest([gauge('fuzz.gauge', nowMs, [1.5, 2])]), example('metrics.json')];
}

/** Returns an OTLP/JSON gen_ai.evaluation.result log record of `model` with `value`. */
export function evaluationRecord(nowMs: number, model: string, value: unknown): unknown {
  return {
    timeUnixNano: nanos(nowMs - 1_000),
    eventName: 'gen_ai.evaluation.result',
    attributes: [
      { key: 'gen_ai.request.model', value: { stringValue: model } },
      { key: 'gen_ai.evaluation.name', value: { stringValue: 'accuracy' } },
      { key: 'gen_ai.evaluation.score.value', value: value },
    ],
  };
}

/** Returns an OTLP/JSON gauge metric with one data point per value, `timeMs` each. */
export function gauge(name: string, timeMs: number, values: unknown[]): unknown {
  return {
    name,
    gauge: {
      dataPoints: values.map((v) => ({ timeUnixNano: nanos(timeMs), asDouble: v })),
    },
  };
}

const mutation = (body: Buffer) =>
  fc.oneof(
    // bit flips
    fc
      .array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 8 })
      .map((flips) => {
        const out = Buffer.from(body);
        for (const [at, bit] of flips) {
          const i = at % Math.max(out.length, 1);
          if (i < out.length) out[i] = (out[i] as number) ^ (1 << bit);
        }
        return { kind: 'bit-flips', body: out };
      }),
    // truncation
    fc.nat().map((n) => ({ kind: 'truncated', body: body.subarray(0, n % (body.length + 1)) })),
    // random bytes spliced in
    fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 32 })).map(([at, bytes]) => {
      const i = at % (body.length + 1);
      return {
        kind: 'spliced',
        body: Buffer.concat([body.subarray(0, i), Buffer.from(bytes), body.subarray(i)]),
      };
    }),
    // a tag byte's wire type changed
    fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })).map(([at, wire]) => {
      const out = Buffer.from(body);
      if (out.length > 0) {
        const i = at % out.length;
        out[i] = ((out[i] as number) & ~7) | wire;
      }
      return { kind: 'wire-type', body: out };
    }),
  );

// A value a JSON field should not hold.
const confusing = fc.oneof(
  fc.constantFrom(
    null,
    true,
    0,
    -1,
    1e308,
    '',
    'NaN',
    '-Infinity',
    '12',
    '0x1f',
    '1.5',
    '99999999999999999999999',
    'AAECAwQFBgcICQoLDA0ODw==',
    'zz',
    'abc',
    [],
    {},
    [null],
    { stringValue: 1 },
    { intValue: 'x' },
  ),
  fc.string(),
  fc.double(),
  fc.integer(),
  fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 3 }),
  fc.dictionary(fc.string(), fc.anything({ maxDepth: 2 }), { maxKeys: 3 }),
);

type JsonValue = unknown;

// Replaces the node at the `pick`-th position (pre-order) of `tree` with `value`.
function replaceNode(tree: JsonValue, pick: number, value: JsonValue): JsonValue {
  const nodes: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (node: JsonValue) => {
    if (Array.isArray(node)) {
      node.forEach((child, i) => {
        nodes.push({ parent: node, key: i });
        walk(child);
      });
    } else if (typeof node === 'object' && node !== null) {
      for (const [k, child] of Object.entries(node)) {
        nodes.push({ parent: node as Record<string, unknown>, key: k });
        walk(child);
      }
    }
  };
  const copy = structuredClone(tree);
  walk(copy);
  if (nodes.length === 0) return value;
  const { parent, key } = nodes[pick % nodes.length] as (typeof nodes)[number];
  (parent as Record<string | number, unknown>)[key] = value;
  return copy;
}

const jsonMutation = (json: unknown) =>
  fc.oneof(
    fc.array(fc.tuple(fc.nat(), confusing), { minLength: 1, maxLength: 4 }).map((edits) => ({
      kind: 'json-types',
      body: Buffer.from(
        JSON.stringify(edits.reduce((tree, [at, v]) => replaceNode(tree, at, v), json)),
      ),
    })),
    // invalid UTF-8 inside the text (0x80 alone, 0xC0 overlong, 0xFF never valid)
    fc
      .tuple(fc.nat(), fc.constantFrom([0x80], [0xc0, 0xaf], [0xff, 0xfe], [0xed, 0xa0, 0x80]))
      .map(([at, bytes]) => {
        const text = Buffer.from(JSON.stringify(json));
        const i = at % (text.length + 1);
        return {
          kind: 'invalid-utf8',
          body: Buffer.concat([text.subarray(0, i), Buffer.from(bytes), text.subarray(i)]),
        };
      }),
  );

/** Returns a GenAI traces request with `keys` attributes and one string attribute of `size` chars. */
function hugeTraces(nowMs: number, keys: number, size: number): unknown {
  const attributes: Record<string, unknown> = {
    'gen_ai.request.model': 'fuzz-huge',
    'gen_ai.operation.name': 'chat',
    'insightagent.feature.big': 'x'.repeat(size),
  };
  for (let i = 0; i < keys; i++) attributes[`insightagent.feature.f${i}`] = i;
  return tracesRequest([span({ startMs: nowMs - 5_000, attributes })]);
}

/** Returns an invalid UTF-8 model name in an otherwise valid protobuf GenAI span. */
function invalidUtf8Protobuf(nowMs: number): Buffer {
  const marker = 'MODEL-NAME-MARK';
  const body = encodeExportRequest(
    'traces',
    'protobuf',
    tracesRequest([
      span({ startMs: nowMs - 5_000, attributes: { 'gen_ai.request.model': marker } }),
    ]),
  );
  const at = body.indexOf(marker);
  body[at] = 0xff;
  body[at + 1] = 0xc0;
  return body;
}

const CONTENT_TYPES = [
  undefined,
  '',
  'text/plain',
  'application/protobuf',
  'application/x-protobuf; charset=binary',
  'APPLICATION/JSON',
  'application/json; charset=utf-16',
  'application/jsonl',
  'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded',
  '*/*',
  'application/x-protobuf, application/json',
];
const ENCODINGS = ['gzip', 'deflate', 'br', 'compress', 'identity', 'x-gzip', 'gzip, gzip', 'zstd'];

/** Returns the arbitrary of hostile requests for every signal around `nowMs`. */
export function otlpCase(nowMs: number): fc.Arbitrary<OtlpCase> {
  const signal = fc.constantFrom(...SIGNALS);
  const base = signal.chain((s) =>
    fc.record({
      signal: fc.constant(s),
      json: fc.constantFrom(...validRequests(s, nowMs)),
      encoding: fc.constantFrom<'protobuf' | 'json'>('protobuf', 'json'),
    }),
  );
  const typeOf = (encoding: 'protobuf' | 'json') => (encoding === 'json' ? JSON_TYPE : PROTO);
  const mutated = base.chain(({ signal, json, encoding }) => {
    const body = encodeExportRequest(signal, encoding, json);
    const mutations =
      encoding === 'json' ? fc.oneof(mutation(body), jsonMutation(json)) : mutation(body);
    return fc.tuple(mutations, fc.boolean()).map(
      ([m, gzip]): OtlpCase => ({
        signal,
        family: `mutated ${encoding}`,
        kind: `${encoding} ${m.kind}${gzip ? ' gzip' : ''}`,
        headers: {
          'content-type': typeOf(encoding),
          ...(gzip ? { 'content-encoding': 'gzip' } : {}),
        },
        body: gzip ? gzipSync(m.body) : m.body,
      }),
    );
  });
  const deep = fc
    .tuple(signal, fc.integer({ min: 50, max: 100_000 }), fc.nat(3))
    .map(([s, depth, shape]): OtlpCase => {
      if (shape === 0)
        return {
          signal: 'traces',
          family: 'deep',
          kind: 'deep protobuf',
          headers: { 'content-type': PROTO },
          body: deepProtobufTraces(depth),
        };
      if (shape === 1)
        return {
          signal: s,
          family: 'deep',
          kind: 'deep protobuf groups',
          headers: { 'content-type': PROTO },
          body: deepGroups(depth),
        };
      if (shape === 2)
        return {
          signal: s,
          family: 'deep',
          kind: 'deep json arrays',
          headers: { 'content-type': JSON_TYPE },
          body: deepJsonArrays(s, depth),
        };
      return {
        signal: 'traces',
        family: 'deep',
        kind: 'deep json kvlist',
        headers: { 'content-type': JSON_TYPE },
        body: deepJsonKvlist(Math.min(depth, 20_000)),
      };
    });
  const huge = fc
    .tuple(
      fc.integer({ min: 0, max: reliabilitySize(5_000, 20_000) }),
      fc.integer({ min: 0, max: reliabilitySize(1, 8) * 1024 * 1024 }),
      fc.constantFrom<'protobuf' | 'json'>('protobuf', 'json'),
    )
    .map(
      ([keys, size, encoding]): OtlpCase => ({
        signal: 'traces',
        family: 'huge',
        kind: `${encoding} huge: ${keys} attributes, a ${size}-character string`,
        headers: { 'content-type': typeOf(encoding) },
        body: encodeExportRequest('traces', encoding, hugeTraces(nowMs, keys, size)),
      }),
    );
  const headers = fc
    .tuple(
      base,
      fc.constantFrom(...CONTENT_TYPES),
      fc.option(fc.constantFrom(...ENCODINGS)),
      fc.boolean(),
    )
    .map(([{ signal, json, encoding }, type, contentEncoding, compress]): OtlpCase => {
      const plain = encodeExportRequest(signal, encoding, json);
      return {
        signal,
        family: 'content type and encoding',
        kind: `${encoding} as ${type ?? 'no type'}${contentEncoding === null ? '' : ` ${contentEncoding}`}`,
        headers: {
          ...(type === undefined ? {} : { 'content-type': type }),
          ...(contentEncoding === null ? {} : { 'content-encoding': contentEncoding }),
        },
        body: compress ? gzipSync(plain) : plain,
      };
    });
  const bomb = fc
    .tuple(signal, fc.integer({ min: 2, max: 256 }), fc.constantFrom(PROTO, JSON_TYPE))
    .map(
      ([s, members, type]): OtlpCase => ({
        signal: s,
        family: 'gzip bomb',
        kind: `gzip bomb of ${members} x 16 MiB`,
        headers: { 'content-type': type, 'content-encoding': 'gzip' },
        body: gzipBomb(members),
      }),
    );
  const utf8 = fc.constant<OtlpCase>({
    signal: 'traces',
    family: 'invalid UTF-8 model',
    kind: 'protobuf invalid-utf8 model',
    headers: { 'content-type': PROTO },
    body: invalidUtf8Protobuf(nowMs),
  });
  return fc
    .oneof(
      { arbitrary: mutated, weight: 30 },
      { arbitrary: headers, weight: 6 },
      { arbitrary: deep, weight: 2 },
      { arbitrary: huge, weight: 1 },
      { arbitrary: bomb, weight: 1 },
      { arbitrary: utf8, weight: 1 },
    )
    .map((c) => described(c));
}

// A case as fast-check prints a counterexample: what it is and its size, not its bytes.
function described(c: OtlpCase): OtlpCase {
  return Object.assign({}, c, {
    [fc.toStringMethod]: () =>
      `${c.signal} ${c.kind} ${JSON.stringify(c.headers)} (${c.body.length} bytes)`,
  });
}
