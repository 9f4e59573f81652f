// The sidecar's request telemetry (dist/sidecar/telemetry.js) run as its own process, as the
// sidecar runs it (the OTLP exporters load their HTTP agent through a dynamic import, which jest's
// VM cannot run). The endpoint comes from OTEL_EXPORTER_OTLP_ENDPOINT, as in production.
//   node sidecar-telemetry-client.js send <model> <start epoch ms> <count>
//     records <count> requests, shuts down (waiting as long as the receiver needs), prints what
//     was sent as one JSON line.
//   node sidecar-telemetry-client.js dead <model> <start epoch ms> <count> <wait ms>
//     records against a collector that is gone or hangs, waits <wait ms> so exports are in
//     flight, then shuts down with the default budget; prints how long recording and shutdown took.
const { createSidecarTelemetry } = require('../../../dist/sidecar/telemetry.js');

const [mode, model, startArg, countArg, waitArg] = process.argv.slice(2);
const startMs = Number(startArg);
const count = Number(countArg);

// Deterministic traffic: every 20th request a cache hit (no queue, no batch), every 10th other
// one a backend error (no first token, no tokens), the rest served from batches of 1–8.
function records() {
  const out = [];
  for (let i = 0; i < count; i++) {
    const start = startMs + i * 10;
    const latency = 100 + ((i * 37) % 400) + (i % 4) * 0.25;
    const cacheHit = i % 20 === 0;
    const failed = !cacheHit && i % 10 === 5;
    out.push({
      operation: 'text_completion',
      model,
      modelVersion: 'v7',
      requestType: i % 3 === 0 ? 'batch' : 'interactive',
      startMs: start,
      endMs: start + latency,
      queueMs: cacheHit ? null : 2 + ((i * 7) % 30) + 0.5,
      ttftMs: failed ? null : cacheHit ? 1 : 20 + ((i * 13) % 200),
      batchSize: cacheHit ? null : 1 + (i % 8),
      cacheHit,
      inputTokens: failed ? null : 10 + (i % 40),
      outputTokens: failed ? null : 30 + ((i * 3) % 90),
      outcome: failed ? 'backend_error' : 'ok',
      stream: true,
    });
  }
  return out;
}

async function main() {
  const errors = [];
  const telemetry = createSidecarTelemetry({
    serviceName: 'insightagent-sidecar',
    onError: (err) => errors.push(String(err)),
    // send: one metric export, at shutdown, so each point's count is the whole run's.
    ...(mode === 'send' ? { shutdownMs: 20_000, metricIntervalMs: 600_000 } : {}),
  });
  const sent = records();
  const recordStarted = performance.now();
  for (const r of sent) telemetry.recorder(r);
  const recordMs = performance.now() - recordStarted;
  if (mode === 'dead') await new Promise((resolve) => setTimeout(resolve, Number(waitArg)));
  const shutdownStarted = performance.now();
  await telemetry.shutdown();
  const shutdownMs = performance.now() - shutdownStarted;
  const line = JSON.stringify({
    endpoint: telemetry.endpoint,
    records: mode === 'send' ? sent : [],
    recordMs,
    shutdownMs,
    errors,
  });
  // An export still waiting on a hung collector would hold the process for up to its timeout;
  // the sidecar exits once shutdown resolved, and so does this client (after stdout drained).
  process.stdout.write(`${line}\n`, () => process.exit(0));
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
