// Hostile body shapes built byte by byte: protobuf and JSON nested 100,000 deep, nested protobuf
// groups, and gzip bombs. Shared by the fuzzing suites' arbitraries.
import { gzipSync } from 'node:zlib';
import type { Signal } from '../../src/ingest/otlp';

// Protobuf wire bytes, for shapes the encoder would not write (deep nesting, wrong wire types).
function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

function field(num: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([(num << 3) | 2, ...varint(payload.length)]), payload]);
}

/** Returns a protobuf ExportTraceServiceRequest whose span attribute is an AnyValue `depth` arrays deep. */
export function deepProtobufTraces(depth: number): Buffer {
  // AnyValue.array_value (5) → ArrayValue.values (1) → AnyValue …, built inside out as headers
  // only (one concatenation at the end: nesting by copying would cost O(depth²)).
  const reversed: number[] = [];
  for (let i = 0; i < depth; i++) {
    for (const tag of [(1 << 3) | 2, (5 << 3) | 2]) {
      const header = [tag, ...varint(reversed.length)];
      for (let j = header.length - 1; j >= 0; j--) reversed.push(header[j] as number);
    }
  }
  const value = Buffer.from(reversed.reverse());
  const keyValue = Buffer.concat([field(1, Buffer.from('deep')), field(2, value)]);
  const spanBytes = Buffer.concat([field(5, Buffer.from('deep')), field(9, keyValue)]);
  return field(1, field(2, field(2, spanBytes)));
}

/** Returns a protobuf body of `depth` nested start-group tags (wire type 3) in an unknown field. */
export function deepGroups(depth: number): Buffer {
  const start = Buffer.from([(15 << 3) | 3]);
  const end = Buffer.from([(15 << 3) | 4]);
  return Buffer.concat([...Array(depth).fill(start), ...Array(depth).fill(end)]);
}

/** Returns OTLP/JSON text with `depth` nested arrays where `signal`'s resource list belongs. */
export function deepJsonArrays(signal: Signal, depth: number): Buffer {
  const key = { traces: 'resourceSpans', logs: 'resourceLogs', metrics: 'resourceMetrics' }[signal];
  return Buffer.from(`{"${key}":${'['.repeat(depth)}${']'.repeat(depth)}}`);
}

/** Returns OTLP/JSON traces whose one attribute is a kvlist AnyValue nested `depth` deep. */
export function deepJsonKvlist(depth: number): Buffer {
  const open = '{"kvlistValue":{"values":[{"key":"k","value":';
  const value = `${open.repeat(depth)}{"stringValue":"x"}${'}]}}'.repeat(depth)}`;
  const spanJson = `{"traceId":"${'ab'.repeat(16)}","spanId":"${'cd'.repeat(8)}","name":"deep","attributes":[{"key":"deep","value":${value}}]}`;
  return Buffer.from(`{"resourceSpans":[{"scopeSpans":[{"spans":[${spanJson}]}]}]}`);
}

// A gzip stream that inflates ~1,000 times: members of 16 MiB of zeros, concatenated
// (multi-member gzip is one valid stream), so the bomb costs little to build.
let bombMember: Buffer | undefined;
/** Returns `members` gzip members of 16 MiB of zeros each (16 KB compressed apiece). */
export function gzipBomb(members: number): Buffer {
  bombMember ??= gzipSync(Buffer.alloc(16 * 1024 * 1024), { level: 9 });
  return Buffer.concat(Array(members).fill(bombMember));
}
