// Decode + map throughput of OTLP ingest, in process, on one core: a 512-span GenAI
// ExportTraceServiceRequest (each span: tokens, TTFT, queue, batch, cache flag, 4 features,
// 2 evaluation events) decoded and mapped to rows, over and over. Baseline measured in the same
// run: the stock protobufjs decoder (Type.decode on a Buffer) alone on the same body.
// Run: node -r ./bench/ts-register.js bench/decode-map.ts [seconds per figure, default 5]
// Prints one JSON line per figure.
import { DEFAULT_REQUEST_SPAN_KEYS, DEFAULT_SCORE_RANGES, mapExport } from '../src/ingest/genai';
import { decodeExport, type Encoding, encodeExportRequest } from '../src/ingest/otlp';
import { SERVICES } from '../src/ingest/otlp/schema';
import { genaiTracesRequest } from '../test/helpers/genai-otlp';

const SPANS = 512;
const seconds = Number(process.argv[2] ?? 5);
const now = new Date();
const options = {
  now,
  retentionDays: 30,
  requestSpanKeys: DEFAULT_REQUEST_SPAN_KEYS,
  scoreRanges: DEFAULT_SCORE_RANGES,
};
const request = genaiTracesRequest(SPANS, now.getTime());
const bodies: Record<Encoding, Buffer> = {
  protobuf: encodeExportRequest('traces', 'protobuf', request),
  json: encodeExportRequest('traces', 'json', request),
};

function measure(figure: string, encoding: Encoding, run: () => void): number {
  const warmUntil = performance.now() + 1000;
  while (performance.now() < warmUntil) run();
  let requests = 0;
  const start = performance.now();
  const until = start + seconds * 1000;
  while (performance.now() < until) {
    run();
    requests += 1;
  }
  const elapsedS = (performance.now() - start) / 1000;
  const spansPerS = Math.round((requests * SPANS) / elapsedS);
  const line = { figure, spans_per_s: spansPerS, requests, body_bytes: bodies[encoding].length };
  console.log(JSON.stringify(line));
  return spansPerS;
}

const sample = mapExport('traces', decodeExport('traces', 'protobuf', bodies.protobuf), options);
if (
  sample.rows.inference_requests.length !== SPANS ||
  sample.rows.evaluations.length !== 2 * SPANS
) {
  throw new Error(`unexpected mapping: ${JSON.stringify(sample.errorMessage)}`);
}
const decoded = decodeExport('traces', 'protobuf', bodies.protobuf);

const baseline = measure('baseline_stock_protobufjs_decode', 'protobuf', () => {
  SERVICES.traces.request.decode(bodies.protobuf);
});
const decode = measure('decode_protobuf', 'protobuf', () => {
  decodeExport('traces', 'protobuf', bodies.protobuf);
});
measure('map', 'protobuf', () => {
  mapExport('traces', decoded, options);
});
const both = measure('decode_and_map_protobuf', 'protobuf', () => {
  mapExport('traces', decodeExport('traces', 'protobuf', bodies.protobuf), options);
});
measure('decode_and_map_json', 'json', () => {
  mapExport('traces', decodeExport('traces', 'json', bodies.json), options);
});
const ratio = (x: number) => Number((x / baseline).toFixed(3));
console.log(
  JSON.stringify({
    figure: 'vs_baseline',
    decode_protobuf: ratio(decode),
    decode_and_map_protobuf: ratio(both),
  }),
);
