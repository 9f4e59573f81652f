// Decode + map throughput of OTLP ingest, in process, on one core: a 512-span GenAI
// ExportTraceServiceRequest (each span: tokens, TTFT, queue, batch, cache flag, 4 features,
// 2 evaluation events) decoded and mapped to rows, over and over. Baseline measured in the same
// run: the stock protobufjs decoder (Type.decode on a Buffer) alone on the same body.
// Each figure runs in a fresh child process: figures measured one after another in one process
// disturb each other (JIT feedback and GC heap sizing carry over). Children run with
// --max-semi-space-size=64: a 512-span request allocates megabytes of message objects while it
// decodes, and with V8's default young generation the scavenges copy that live set over and over
// (measured: the same figure then lands anywhere between ~45k and ~200k spans/s from run to
// run). The last figure repeats decode+map with the default heap to show the difference.
// Run: node -r ./bench/ts-register.js bench/decode-map.ts [seconds per figure, default 5]
// Prints one JSON line per figure, then the ratios to the baseline.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { DEFAULT_REQUEST_SPAN_KEYS, DEFAULT_SCORE_RANGES, mapExport } from '../src/ingest/genai';
import {
  decodeExport,
  type Encoding,
  encodeExportRequest,
  type OtlpExport,
} from '../src/ingest/otlp';
import { SERVICES } from '../src/ingest/otlp/schema';
import { genaiTracesRequest } from '../test/helpers/genai-otlp';

const SPANS = 512;
const FIGURES = [
  'baseline_stock_protobufjs_decode',
  'decode_protobuf',
  'map',
  'decode_and_map_protobuf',
  'decode_and_map_json',
] as const;
type Figure = (typeof FIGURES)[number];
const HEAP_FLAGS = ['--max-semi-space-size=64'];

function runFigure(figure: Figure, seconds: number): void {
  const now = new Date();
  const options = {
    now,
    retentionDays: 30,
    requestSpanKeys: DEFAULT_REQUEST_SPAN_KEYS,
    scoreRanges: DEFAULT_SCORE_RANGES,
  };
  const encoding: Encoding = figure === 'decode_and_map_json' ? 'json' : 'protobuf';
  const body = encodeExportRequest('traces', encoding, genaiTracesRequest(SPANS, now.getTime()));
  const decoded: OtlpExport = decodeExport(
    'traces',
    'protobuf',
    encodeExportRequest('traces', 'protobuf', genaiTracesRequest(SPANS, now.getTime())),
  );
  const check = mapExport('traces', decodeExport('traces', encoding, body), options);
  if (
    check.rows.inference_requests.length !== SPANS ||
    check.rows.evaluations.length !== 2 * SPANS
  ) {
    throw new Error(`unexpected mapping: ${JSON.stringify(check.errorMessage)}`);
  }
  const runs: Record<Figure, () => void> = {
    baseline_stock_protobufjs_decode: () => SERVICES.traces.request.decode(body),
    decode_protobuf: () => decodeExport('traces', 'protobuf', body),
    map: () => mapExport('traces', decoded, options),
    decode_and_map_protobuf: () =>
      mapExport('traces', decodeExport('traces', 'protobuf', body), options),
    decode_and_map_json: () => mapExport('traces', decodeExport('traces', 'json', body), options),
  };
  const run = runs[figure];
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
  const flags = process.execArgv.filter((a) => a.startsWith('--max-semi'));
  const line = { figure, spans_per_s: spansPerS, requests, body_bytes: body.length, flags };
  console.log(JSON.stringify(line));
}

function main(): void {
  const seconds = Number(process.argv[2] ?? 5);
  const child = process.argv[3] as Figure | undefined;
  if (child !== undefined) {
    runFigure(child, seconds);
    return;
  }
  const results: Partial<Record<Figure, number>> = {};
  const measure = (figure: Figure, flags: string[]): number => {
    const script = [...flags, '-r', path.join(__dirname, 'ts-register.js'), __filename];
    const out = execFileSync(process.execPath, [...script, String(seconds), figure], {
      encoding: 'utf8',
    }).trim();
    console.log(out);
    return (JSON.parse(out) as { spans_per_s: number }).spans_per_s;
  };
  for (const figure of FIGURES) results[figure] = measure(figure, HEAP_FLAGS);
  measure('decode_and_map_protobuf', []);
  const baseline = results.baseline_stock_protobufjs_decode ?? Number.NaN;
  const ratio = (f: Figure) => Number(((results[f] ?? Number.NaN) / baseline).toFixed(3));
  console.log(
    JSON.stringify({
      figure: 'vs_baseline',
      decode_protobuf: ratio('decode_protobuf'),
      decode_and_map_protobuf: ratio('decode_and_map_protobuf'),
    }),
  );
}

main();
