// An application instrumented with the real OpenTelemetry SDK for the store-failure suite: a
// BatchSpanProcessor and the OTLP/HTTP protobuf exporter, run as its own process (the exporter
// loads node:http through a dynamic import, which jest's VM cannot run). It creates SPANS GenAI
// spans, one every INTERVAL ms, then shuts the SDK down (which waits for every export, retries
// included) and prints one JSON line: the ids of the spans created and each export's outcome.
//   node store-failure-client.js <traces url> <model> <spans> <interval ms> <export timeout ms>
const { BasicTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');

const [url, model, spansArg, intervalArg, timeoutArg] = process.argv.slice(2);
const spans = Number(spansArg);
const intervalMs = Number(intervalArg);
const timeoutMillis = Number(timeoutArg);

const exporter = new OTLPTraceExporter({ url, timeoutMillis });
const outcomes = [];
const send = exporter.export.bind(exporter);
exporter.export = (batch, done) =>
  send(batch, (result) => {
    outcomes.push({ spans: batch.length, code: result.code, error: result.error?.message });
    done(result);
  });

const provider = new BasicTracerProvider({
  spanProcessors: [
    new BatchSpanProcessor(exporter, {
      scheduledDelayMillis: 100,
      maxExportBatchSize: 512,
      // Larger than anything the suite creates: the SDK must not drop spans while it retries.
      maxQueueSize: 1_000_000,
      exportTimeoutMillis: timeoutMillis + 5_000,
    }),
  ],
});
const tracer = provider.getTracer('store-failure-client');

async function main() {
  const spanIds = [];
  for (let i = 0; i < spans; i++) {
    const span = tracer.startSpan(`chat ${model}`, {
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': model,
        'gen_ai.usage.input_tokens': 10 + (i % 50),
        'gen_ai.usage.output_tokens': 20 + (i % 70),
      },
    });
    span.end();
    spanIds.push(span.spanContext().spanId);
    if (intervalMs > 0) await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  // A failed export rejects the shutdown; the outcomes above say which one.
  const shutdown = await provider.shutdown().then(
    () => 'ok',
    (err) => String(err),
  );
  process.stdout.write(`${JSON.stringify({ spanIds, exports: outcomes, shutdown })}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
