// A model-serving application instrumented with the real OpenTelemetry Node SDK, run as its own
// process (the OTLP exporters load their HTTP agent through a dynamic import, which jest's VM
// cannot run). It sends SPANS GenAI spans for one model — accuracy as a span event, coherence as
// a log record in the span's context (carrying no model: attributed by the server later) — then
// shuts the SDK down, which resolves only after the receiver acknowledged every export, and
// prints what it sent as one JSON line.
//   node otel-genai-client.js <proto|json> <otlp base url> <model> <start epoch ms> <spans>
const { context, trace } = require('@opentelemetry/api');
const { logs } = require('@opentelemetry/api-logs');
const { BatchLogRecordProcessor } = require('@opentelemetry/sdk-logs');
const { NodeSDK } = require('@opentelemetry/sdk-node');

const [encoding, otlpBase, model, startArg, spansArg] = process.argv.slice(2);
const startMs = Number(startArg);
const spans = Number(spansArg);

function exporters() {
  if (encoding === 'proto') {
    const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
    const { OTLPLogExporter } = require('@opentelemetry/exporter-logs-otlp-proto');
    return [
      new OTLPTraceExporter({ url: `${otlpBase}/v1/traces` }),
      new OTLPLogExporter({ url: `${otlpBase}/v1/logs` }),
    ];
  }
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http');
  const { OTLPLogExporter } = require('@opentelemetry/exporter-logs-otlp-http');
  return [
    new OTLPTraceExporter({ url: `${otlpBase}/v1/traces` }),
    new OTLPLogExporter({ url: `${otlpBase}/v1/logs` }),
  ];
}

function emit() {
  const tracer = trace.getTracer('chimera-client');
  const logger = logs.getLogger('chimera-client');
  const sent = { latencies: [], ttfts: [], errors: 0, inputTokens: 0, outputTokens: 0 };
  sent.accuracy = [];
  sent.coherence = [];
  for (let i = 0; i < spans; i++) {
    const start = startMs + i * 10;
    const latency = 120 + ((i * 37) % 880) + (i % 7) * 0.25;
    const ttft = 40 + ((i * 13) % 400);
    const input = 50 + (i % 50);
    const output = 100 + ((i * 3) % 200);
    const accuracy = ((i * 7) % 101) / 100;
    const coherence = 0.5 + ((i * 11) % 51) / 100;
    const span = tracer.startSpan(`chat ${model}`, {
      startTime: start,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': model,
        'gen_ai.response.id': `resp-${model}-${i}`,
        'gen_ai.usage.input_tokens': input,
        'gen_ai.usage.output_tokens': output,
        'gen_ai.response.time_to_first_chunk': ttft / 1000,
        'insightagent.model.version': 'v1',
        'insightagent.feature.prompt_length': input * 4,
      },
    });
    span.addEvent(
      'gen_ai.evaluation.result',
      { 'gen_ai.evaluation.name': 'accuracy', 'gen_ai.evaluation.score.value': accuracy },
      start + latency,
    );
    if (i % 10 === 0) {
      span.setStatus({ code: 2, message: 'upstream timeout' });
      span.setAttribute('error.type', 'timeout');
      sent.errors++;
    }
    context.with(trace.setSpan(context.active(), span), () => {
      logger.emit({
        eventName: 'gen_ai.evaluation.result',
        timestamp: start + latency,
        attributes: {
          'gen_ai.evaluation.name': 'coherence',
          'gen_ai.evaluation.score.value': coherence,
        },
      });
    });
    span.end(start + latency);
    sent.latencies.push(latency);
    sent.ttfts.push(ttft);
    sent.inputTokens += input;
    sent.outputTokens += output;
    sent.accuracy.push(accuracy);
    sent.coherence.push(coherence);
  }
  return sent;
}

async function main() {
  const [traceExporter, logExporter] = exporters();
  const sdk = new NodeSDK({
    serviceName: 'chimera-frontend',
    traceExporter,
    logRecordProcessors: [new BatchLogRecordProcessor({ exporter: logExporter })],
    instrumentations: [],
  });
  sdk.start();
  const sent = emit();
  await sdk.shutdown();
  process.stdout.write(`${JSON.stringify(sent)}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
