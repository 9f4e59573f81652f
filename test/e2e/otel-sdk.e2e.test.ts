// End to end with the real OpenTelemetry Node SDK as the client: GenAI spans (with evaluation
// span events) and evaluation log records go to a running `insightagent serve`, through the OTLP
// proto exporters for one model and the OTLP JSON exporters for another; the summary API must
// return exactly the counts and means sent, and quantiles within 1 %.
import { join } from 'node:path';
import { cleanEnv, ROOT, serveForSuite, startNode, waitForExit } from '../helpers/spawn-cli';

const SPANS = 300;

/** What one model's client sent, to compare the summary against. */
interface Sent {
  latencies: number[];
  ttfts: number[];
  errors: number;
  inputTokens: number;
  outputTokens: number;
  accuracy: number[];
  coherence: number[];
}

// numpy's default (linear interpolation between closest ranks).
function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

const CLIENT = join(__dirname, 'clients', 'otel-genai-client.js');

// Runs the instrumented client process; resolves with what it sent once the SDK has shut down
// (every export acknowledged by the receiver).
async function sendWith(encoding: 'proto' | 'json', model: string, startMs: number): Promise<Sent> {
  const client = startNode(
    [CLIENT, encoding, serving.otlpBase, model, String(startMs), String(SPANS)],
    cleanEnv({}),
    ROOT,
  );
  const exit = await waitForExit(client, 30_000);
  expect({ exit, stderr: client.stderr() }).toEqual({
    exit: { code: 0, signal: null },
    stderr: '',
  });
  return JSON.parse(client.stdout()) as Sent;
}

interface Summary {
  requests: number;
  errors: number;
  latency_ms: { mean: number; p50: number; p95: number; p99: number };
  ttft_ms: { mean: number; p50: number; p95: number; p99: number };
  tokens: { input: number; output: number };
  scores: Record<string, { mean: number; count: number }>;
}

const serving = serveForSuite('otel-sdk');

async function summary(model: string, from: number): Promise<Summary> {
  const query = `from=${from}&to=${Date.now() + 60_000}`;
  const res = await fetch(`${serving.apiBase}/api/v1/models/${model}/summary?${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Summary;
}

// Log-record scores wait for their request, then move into evaluations: poll until they did.
async function settledSummary(model: string, from: number): Promise<Summary> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const result = await summary(model, from);
    if ((result.scores.coherence?.count ?? 0) >= SPANS || Date.now() > deadline) return result;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function expectSummaryMatches(result: Summary, sent: Sent): void {
  expect(result.requests).toBe(SPANS);
  expect(result.errors).toBe(sent.errors);
  expect(result.tokens).toEqual({ input: sent.inputTokens, output: sent.outputTokens });
  expect(result.latency_ms.mean).toBeCloseTo(mean(sent.latencies), 6);
  expect(result.ttft_ms.mean).toBeCloseTo(mean(sent.ttfts), 6);
  for (const [key, q] of [
    ['p50', 0.5],
    ['p95', 0.95],
    ['p99', 0.99],
  ] as const) {
    const exactLatency = quantile(sent.latencies, q);
    expect(Math.abs(result.latency_ms[key] - exactLatency) / exactLatency).toBeLessThanOrEqual(
      0.01,
    );
    const exactTtft = quantile(sent.ttfts, q);
    expect(Math.abs(result.ttft_ms[key] - exactTtft) / exactTtft).toBeLessThanOrEqual(0.01);
  }
  expect(result.scores.accuracy?.count).toBe(SPANS);
  expect(result.scores.accuracy?.mean).toBeCloseTo(mean(sent.accuracy), 9);
  expect(result.scores.coherence?.count).toBe(SPANS);
  expect(result.scores.coherence?.mean).toBeCloseTo(mean(sent.coherence), 9);
}

describe('the OpenTelemetry Node SDK as a client of a running server', () => {
  it('OTLP proto exporters: the summary returns the counts and means sent, quantiles within 1 %', async () => {
    const start = Date.now() - SPANS * 10 - 5_000;
    const sent = await sendWith('proto', 'chimera-proto', start);
    expectSummaryMatches(await settledSummary('chimera-proto', start - 60_000), sent);
  });

  it('OTLP JSON exporters: the summary returns the counts and means sent, quantiles within 1 %', async () => {
    const start = Date.now() - SPANS * 10 - 5_000;
    const sent = await sendWith('json', 'chimera-json', start);
    expectSummaryMatches(await settledSummary('chimera-json', start - 60_000), sent);
  });
});
