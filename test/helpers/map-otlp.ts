// Maps OTLP/JSON-shaped requests through both encodings (JSON and protobuf built by our encoder)
// and insists both give the same result, so every mapping test also checks the two decoders agree.
import {
  DEFAULT_REQUEST_SPAN_KEYS,
  DEFAULT_SCORE_RANGES,
  type MappedExport,
  type MappingOptions,
  mapExport,
} from '../../src/ingest/genai';
import { decodeExport, encodeExportRequest, type Signal } from '../../src/ingest/otlp';

/** The clock of mapping tests. */
export const NOW = new Date('2026-03-01T12:00:00.000Z');

/** NOW in ms, for building spans around it. */
export const NOW_MS = NOW.getTime();

/** Mapping options of the tests: NOW, 30 days, default keys and ranges, plus `overrides`. */
export function options(overrides: Partial<MappingOptions> = {}): MappingOptions {
  return {
    now: NOW,
    retentionDays: 30,
    requestSpanKeys: DEFAULT_REQUEST_SPAN_KEYS,
    scoreRanges: DEFAULT_SCORE_RANGES,
    ...overrides,
  };
}

/** Returns the mapping of `json` sent as JSON, after checking protobuf maps to the same. */
export function mapBoth(
  signal: Signal,
  json: unknown,
  overrides: Partial<MappingOptions> = {},
): MappedExport {
  const opts = options(overrides);
  const viaJson = mapExport(
    signal,
    decodeExport(signal, 'json', encodeExportRequest(signal, 'json', json)),
    opts,
  );
  const viaProtobuf = mapExport(
    signal,
    decodeExport(signal, 'protobuf', encodeExportRequest(signal, 'protobuf', json)),
    opts,
  );
  expect(viaProtobuf).toEqual(viaJson);
  return viaJson;
}
