// Exact conversions of decoded 64-bit integers (protobufjs Long objects) without reconfiguring
// protobufjs: nanosecond times become bigint, counts become numbers.
import type { Int64 } from './types';

/** Returns the exact value of a decoded 64-bit integer as a bigint (0n when absent). */
export function toBigInt(value: Int64 | null | undefined): bigint {
  if (value === null || value === undefined) return 0n;
  if (typeof value === 'number') return BigInt(Math.trunc(value));
  // Long keeps two signed 32-bit halves; an unsigned value reads its high half unsigned.
  const high = value.unsigned ? value.high >>> 0 : value.high;
  return (BigInt(high) << 32n) + BigInt(value.low >>> 0);
}

/** Returns a decoded 64-bit integer as a number (exact up to 2^53). */
export function toNumber(value: Int64 | null | undefined): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'number') return value;
  const high = value.unsigned ? value.high >>> 0 : value.high;
  return high * 4294967296 + (value.low >>> 0);
}

/** Returns the decimal text of a decoded 64-bit integer, exact. */
export function int64ToString(value: Int64 | null | undefined): string {
  if (value === null || value === undefined) return '0';
  if (typeof value === 'number') return String(Math.trunc(value));
  const n = toNumber(value);
  return Number.isSafeInteger(n) ? String(n) : toBigInt(value).toString();
}
