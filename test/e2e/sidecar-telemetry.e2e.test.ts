// End to end: the sidecar's request telemetry, in its own process, exports to a running
// `insightagent serve` (OTLP/protobuf, endpoint from OTEL_EXPORTER_OTLP_ENDPOINT); the summary
// API returns the batch size mean, queue time, TTFT, latency, tokens and errors of the records
// sent, and the gen_ai.server.* histograms arrive with the conventions' buckets. A collector that
// refuses connections or never answers costs the recorder nothing and shutdown at most 2 s.
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { SidecarRequestRecord } from '../../src/sidecar/request-record';
import { BUCKETS, METRIC } from '../../src/sidecar/telemetry-mapping';
import { freePort } from '../helpers/net';
import { cleanEnv, ROOT, serveForSuite, startNode, waitForExit } from '../helpers/spawn-cli';

const COUNT = 200;
const CLIENT = join(__dirname, 'clients', 'sidecar-telemetry-client.js');

interface ClientRun {
  endpoint: string;
  records: SidecarRequestRecord[];
  recordMs: number;
  shutdownMs: number;
  errors: string[];
}

interface Summary {
  requests: number;
  errors: number;
  latency_ms: { mean: number };
  ttft_ms: { mean: number };
  queue_ms: { mean: number };
  batch_size_mean: number;
  tokens: { input: number; output: number };
}

const serving = serveForSuite('sidecar-telemetry');

async function runClient(args: string[], endpoint: string): Promise<ClientRun> {
  const client = startNode(
    [CLIENT, ...args],
    cleanEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }),
    ROOT,
  );
  const exit = await waitForExit(client, 30_000);
  expect({ exit, stderr: client.stderr() }).toEqual({
    exit: { code: 0, signal: null },
    stderr: '',
  });
  return JSON.parse(client.stdout()) as ClientRun;
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const present = (values: readonly (number | null)[]) =>
  values.filter((v): v is number => v !== null);

async function sql<T>(query: string): Promise<T[]> {
  const res = await fetch(`${serving.apiBase}/api/v1/sql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { rows: T[] }).rows;
}

describe('sidecar request telemetry into a running server', () => {
  it('the summary returns the batch size mean, queue time, TTFT and latency of the records sent', async () => {
    const model = 'sidecar-e2e';
    const start = Date.now() - COUNT * 10 - 5_000;
    const run = await runClient(['send', model, String(start), String(COUNT)], serving.otlpBase);
    expect(run.endpoint).toBe(serving.otlpBase);
    expect(run.errors).toEqual([]);
    const sent = run.records;

    const query = `from=${start - 60_000}&to=${Date.now() + 60_000}`;
    const res = await fetch(`${serving.apiBase}/api/v1/models/${model}/summary?${query}`);
    expect(res.status).toBe(200);
    const summary = (await res.json()) as Summary;

    expect(summary.requests).toBe(COUNT);
    expect(summary.errors).toBe(sent.filter((r) => r.outcome !== 'ok').length);
    expect(summary.batch_size_mean).toBeCloseTo(mean(present(sent.map((r) => r.batchSize))), 9);
    expect(summary.queue_ms.mean).toBeCloseTo(mean(present(sent.map((r) => r.queueMs))), 6);
    expect(summary.ttft_ms.mean).toBeCloseTo(mean(present(sent.map((r) => r.ttftMs))), 6);
    expect(summary.latency_ms.mean).toBeCloseTo(mean(sent.map((r) => r.endMs - r.startMs)), 6);
    expect(summary.tokens).toEqual({
      input: present(sent.map((r) => r.inputTokens)).reduce((a, b) => a + b, 0),
      output: present(sent.map((r) => r.outputTokens)).reduce((a, b) => a + b, 0),
    });

    // The histograms: every request in the duration, successful first tokens in TTFT, each with
    // the conventions' bucket boundaries and the model as the point's model.
    const points = await sql<{ name: string; unit: string; n: string | number; bounds: number[] }>(
      `SELECT name, any(unit) AS unit, sum(count) AS n, any(bucket_bounds) AS bounds
       FROM metric_points WHERE model = '${model}' GROUP BY name ORDER BY name`,
    );
    const served = sent.filter((r) => r.outcome === 'ok' && r.ttftMs !== null).length;
    expect(points.map((p) => ({ ...p, n: Number(p.n) }))).toEqual([
      {
        name: METRIC.requestDuration,
        unit: 's',
        n: COUNT,
        bounds: [...BUCKETS[METRIC.requestDuration]],
      },
      {
        name: METRIC.timeToFirstToken,
        unit: 's',
        n: served,
        bounds: [...BUCKETS[METRIC.timeToFirstToken]],
      },
    ]);
  });

  it('a collector that refuses connections: recording stays fast, shutdown within 2 s', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const run = await runClient(
      ['dead', 'gone', String(Date.now() - 10_000), '1000', '1500'],
      dead,
    );
    expect(run.errors).toEqual([]);
    expect(run.recordMs).toBeLessThan(1_000);
    expect(run.shutdownMs).toBeLessThan(2_300);
  });

  it('a collector that accepts and never answers: shutdown within 2 s', async () => {
    const sockets = new Set<Socket>();
    let accepted = 0;
    const hung: Server = createServer((socket) => {
      accepted++;
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    const { port } = hung.address() as { port: number };
    try {
      const run = await runClient(
        ['dead', 'hung', String(Date.now() - 10_000), '1000', '1500'],
        `http://127.0.0.1:${port}`,
      );
      // Exports were in flight to it (and never answered) when shutdown began.
      expect(accepted).toBeGreaterThan(0);
      expect(run.recordMs).toBeLessThan(1_000);
      expect(run.shutdownMs).toBeLessThan(2_300);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => hung.close(resolve));
    }
  });
});
