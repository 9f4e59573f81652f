// OTLP/HTTP wire decisions, pure: which encoding a Content-Type names, the Content-Type of an
// answer, and the google.rpc.Code that goes with an HTTP status in an error body.
import type { Encoding, Signal } from './otlp';

/** The OTLP/HTTP paths and their signals. */
export const OTLP_PATHS: Readonly<Record<string, Signal>> = {
  '/v1/traces': 'traces',
  '/v1/logs': 'logs',
  '/v1/metrics': 'metrics',
};

/** Content-Type of each encoding, as answered. */
export const CONTENT_TYPES: Readonly<Record<Encoding, string>> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

/**
 * Returns the encoding a Content-Type header names (parameters such as charset ignored, case
 * insensitive), or undefined for any other type.
 */
export function encodingOf(contentType: string | undefined): Encoding | undefined {
  // The media type is everything before the first ';' (RFC 9110 §8.3.1): too small for a library.
  const type = contentType?.split(';', 1)[0]?.trim().toLowerCase();
  if (type === CONTENT_TYPES.protobuf) return 'protobuf';
  if (type === CONTENT_TYPES.json) return 'json';
  return undefined;
}

// google.rpc.Code values (google/rpc/code.proto).
const INVALID_ARGUMENT = 3;
const DEADLINE_EXCEEDED = 4;
const NOT_FOUND = 5;
const PERMISSION_DENIED = 7;
const RESOURCE_EXHAUSTED = 8;
const UNIMPLEMENTED = 12;
const INTERNAL = 13;
const UNAVAILABLE = 14;
const UNAUTHENTICATED = 16;

const GRPC_CODES: Readonly<Record<number, number>> = {
  400: INVALID_ARGUMENT,
  401: UNAUTHENTICATED,
  403: PERMISSION_DENIED,
  404: NOT_FOUND,
  405: UNIMPLEMENTED,
  413: RESOURCE_EXHAUSTED,
  415: INVALID_ARGUMENT,
  429: RESOURCE_EXHAUSTED,
  502: UNAVAILABLE,
  503: UNAVAILABLE,
  504: DEADLINE_EXCEEDED,
};

/** Returns the google.rpc.Code of an error answer's HTTP status. */
export function grpcCodeOf(httpStatus: number): number {
  return GRPC_CODES[httpStatus] ?? (httpStatus >= 500 ? INTERNAL : INVALID_ARGUMENT);
}
