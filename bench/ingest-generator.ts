// Load generator for bench/ingest.ts, run as its own process: posts protobuf
// ExportTraceServiceRequests (512 GenAI spans each: tokens, TTFT, queue, batch, cache flag,
// 4 features, 2 evaluation events) over keep-alive connections and times each acknowledgement.
//   max:  `concurrency` requests always in flight (closed loop) — sustained throughput;
//   rate: one request every 512/rate seconds (open loop), at most `concurrency` in flight —
//         acknowledgement latency at a given load.
// Usage: node -r ./bench/ts-register.js bench/ingest-generator.ts <url> <max|rate> <seconds>
//        <concurrency> [spans per second] [refresh seconds]
// With a refresh period the bodies are rebuilt that often, so span times follow the clock (a
// long soak); without one they are built once (the throughput benchmark).
// Prints one JSON line with what it sent and what was acknowledged.
import { Agent, request } from 'node:http';
import { encodeExportRequest } from '../src/ingest/otlp';
import { genaiTracesRequest } from '../test/helpers/genai-otlp';

const SPANS_PER_REQUEST = 512;
const DISTINCT_BODIES = 8;

interface Tally {
  sent: number;
  acked: number;
  statuses: Record<string, number>;
  latenciesMs: number[];
  skipped: number;
}

function post(agent: Agent, url: URL, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function send(agent: Agent, url: URL, body: Buffer, tally: Tally): Promise<void> {
  const started = performance.now();
  tally.sent += 1;
  let status: number;
  try {
    status = await post(agent, url, body);
  } catch {
    status = 0;
  }
  tally.statuses[status] = (tally.statuses[status] ?? 0) + 1;
  if (status === 200) {
    tally.acked += 1;
    tally.latenciesMs.push(performance.now() - started);
  }
}

function percentile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? null;
}

async function main(): Promise<void> {
  const [target, mode, secondsArg, concurrencyArg, rateArg, refreshArg] = process.argv.slice(2);
  const url = new URL('/v1/traces', target);
  const seconds = Number(secondsArg);
  const concurrency = Number(concurrencyArg);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const build = (now: number) =>
    Array.from({ length: DISTINCT_BODIES }, (_, k) =>
      encodeExportRequest('traces', 'protobuf', genaiTracesRequest(SPANS_PER_REQUEST, now - k)),
    );
  let bodies = build(Date.now());
  const refresh =
    refreshArg === undefined
      ? undefined
      : setInterval(() => {
          bodies = build(Date.now());
        }, Number(refreshArg) * 1000);
  const tally: Tally = { sent: 0, acked: 0, statuses: {}, latenciesMs: [], skipped: 0 };
  const started = performance.now();
  const until = started + seconds * 1000;
  let next = 0;
  const body = () => bodies[next++ % bodies.length] as Buffer;

  if (mode === 'max') {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < until) await send(agent, url, body(), tally);
      }),
    );
  } else {
    const intervalMs = (SPANS_PER_REQUEST / Number(rateArg)) * 1000;
    const inFlight = new Set<Promise<void>>();
    for (let k = 0; ; k++) {
      const due = started + k * intervalMs;
      if (due >= until) break;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (inFlight.size >= concurrency) {
        tally.skipped += 1;
        continue;
      }
      const p = send(agent, url, body(), tally).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await Promise.all(inFlight);
  }
  const elapsedS = (performance.now() - started) / 1000;
  clearInterval(refresh);
  agent.destroy();
  const sorted = [...tally.latenciesMs].sort((a, b) => a - b);
  const round = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
  console.log(
    JSON.stringify({
      mode,
      offered_spans_per_s: mode === 'rate' ? Number(rateArg) : null,
      seconds: Math.round(elapsedS * 10) / 10,
      requests_sent: tally.sent,
      requests_acked: tally.acked,
      requests_skipped: tally.skipped,
      statuses: tally.statuses,
      spans_acked: tally.acked * SPANS_PER_REQUEST,
      spans_per_s: Math.round((tally.acked * SPANS_PER_REQUEST) / elapsedS),
      ack_ms_p50: round(percentile(sorted, 0.5)),
      ack_ms_p99: round(percentile(sorted, 0.99)),
    }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
