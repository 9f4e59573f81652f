// End to end with the real parts: a real `insightagent sidecar` process (emulated bench device,
// YAML config) serves real HTTP completions and exports one span per request to a running
// `insightagent serve` (OTEL_EXPORTER_OTLP_ENDPOINT); on SIGTERM it drains and flushes, and
// serve's summary API then shows each group's request count, batch size, queue time, TTFT and
// latency as the sidecar served them, and the cache hit.
//
// Traffic, one model per group so each summary is exact:
//   wave   4 concurrent non-cacheable completions  -> one batch of 4 (leaves when full)
//   lone   1 completion                             -> a batch of 1 after max_queue_delay_ms
//   stream 1 streaming completion                   -> a batch of 1; first token before the end
//   cached the same deterministic completion twice  -> a miss (batch of 1), then a cache hit
import { batchDurationMs, DEVICE_PROFILES } from '../../src/sidecar/backends/emulated';
import { startSidecarCli } from '../helpers/sidecar-cli';
import { type Exit, serveForSuite, stop } from '../helpers/spawn-cli';

const WAVE = 'e2e-wave';
const LONE = 'e2e-lone';
const STREAM = 'e2e-stream';
const CACHED = 'e2e-cached';
const WAVE_SIZE = 4;
const MAX_TOKENS = 4;
const VERSION = 'e2e-sidecar-1';
// A full batch leaves at once, so the wave's delay only bounds how far apart its four requests
// may arrive and still share a batch (generous: a loaded CI machine must not split it).
const WAVE_DELAY_MS = 200;
// A lone request waits exactly this long for company, then leaves as a batch of 1.
const DELAY_MS = 50;
// Timer lateness allowed above the delay on a busy machine.
const SLACK_MS = 100;
const BENCH = DEVICE_PROFILES.bench as NonNullable<(typeof DEVICE_PROFILES)['bench']>;

const CONFIG = {
  profile: 'bench',
  model_version: VERSION,
  models: {
    [WAVE]: { max_batch_size: WAVE_SIZE, max_queue_delay_ms: WAVE_DELAY_MS },
    [LONE]: { max_batch_size: WAVE_SIZE, max_queue_delay_ms: DELAY_MS },
    [STREAM]: { max_batch_size: WAVE_SIZE, max_queue_delay_ms: DELAY_MS },
    [CACHED]: { max_batch_size: WAVE_SIZE, max_queue_delay_ms: DELAY_MS },
  },
  cache: { enabled: true },
  shutdown_grace_ms: 5_000,
};

/** What the client saw of one completion. */
interface Answer {
  model: string;
  status: number;
  /** Client-side wall time, request sent to body read. */
  clientMs: number;
  xCache: string | null;
  /** From the Server-Timing header (one batched prompt, not streamed). */
  timing?: { queueMs: number; backendMs: number; batchSize: number };
  usage?: { prompt_tokens: number; completion_tokens: number };
  /** Streamed: the text of each chunk, in order. */
  chunks?: string[];
}

interface Summary {
  requests: number;
  errors: number;
  latency_ms: { mean: number | null };
  ttft_ms: { mean: number | null };
  queue_ms: { mean: number | null };
  batch_size_mean: number | null;
  tokens: { input: number; output: number };
}

interface Row {
  model: string;
  model_version: string;
  latency_ms: number;
  ttft_ms: number | null;
  queue_ms: number | null;
  batch_size: number | null;
  cache_hit: boolean | null;
  input_tokens: number | null;
  output_tokens: number | null;
  status: string;
}

const serving = serveForSuite('sidecar-serve');
let trafficStart = 0;
let sidecarExit: (Exit & { ms: number }) | undefined;
let sidecarStderr = '';
/** Rows stored when the sidecar had just exited, before any waiting. */
let rowsAtExit = -1;
const answers: Answer[] = [];

function parseTiming(header: string | null): Answer['timing'] {
  if (header === null) return undefined;
  const queue = /queue;dur=([\d.e+-]+)/.exec(header)?.[1];
  const backend = /backend;dur=([\d.e+-]+)/.exec(header)?.[1];
  const size = /batch;desc="size (\d+)"/.exec(header)?.[1];
  if (queue === undefined || backend === undefined || size === undefined) return undefined;
  return { queueMs: Number(queue), backendMs: Number(backend), batchSize: Number(size) };
}

async function complete(
  base: string,
  model: string,
  extra: Record<string, unknown> = {},
): Promise<Answer> {
  const started = performance.now();
  const res = await fetch(`${base}/v1/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model,
      prompt: `hello from ${model}`,
      max_tokens: MAX_TOKENS,
      ...extra,
    }),
  });
  const text = await res.text();
  const answer: Answer = {
    model,
    status: res.status,
    clientMs: performance.now() - started,
    xCache: res.headers.get('x-cache'),
  };
  const timing = parseTiming(res.headers.get('server-timing'));
  if (timing !== undefined) answer.timing = timing;
  if (extra.stream === true) {
    answer.chunks = text
      .split('\n\n')
      .filter((event) => event.startsWith('data: ') && event !== 'data: [DONE]')
      .map((event) => JSON.parse(event.slice('data: '.length)) as { choices: { text: string }[] })
      .map((chunk) => chunk.choices[0]?.text ?? '')
      .filter((t) => t !== '');
  } else if (res.status === 200) {
    answer.usage = (JSON.parse(text) as { usage: Answer['usage'] }).usage;
  }
  return answer;
}

async function sql<T>(query: string): Promise<T[]> {
  const res = await fetch(`${serving.apiBase}/api/v1/sql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`sql ${res.status}: ${text}`);
  return (JSON.parse(text) as { rows: T[] }).rows;
}

const window = () => `from=${trafficStart - 60_000}&to=${Date.now() + 60_000}`;

/** Polls a model's summary until it counts `requests` (or 10 s pass); returns the last one. */
async function summaryOf(model: string, requests: number): Promise<Summary> {
  const started = Date.now();
  let last: Summary | undefined;
  while (Date.now() - started < 10_000) {
    const res = await fetch(`${serving.apiBase}/api/v1/models/${model}/summary?${window()}`);
    if (res.status === 200) {
      last = (await res.json()) as Summary;
      if (last.requests >= requests) return last;
    } else await res.arrayBuffer();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (last === undefined) throw new Error(`no summary of ${model} within 10 s`);
  return last;
}

async function rowsOf(model: string): Promise<Row[]> {
  return sql<Row>(
    `SELECT model, model_version, latency_ms, ttft_ms, queue_ms, batch_size, cache_hit,
            input_tokens, output_tokens, status
     FROM inference_requests WHERE model = '${model}' ORDER BY ts, cache_hit`,
  );
}

const of = (model: string) => answers.filter((a) => a.model === model);
const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

beforeAll(async () => {
  const sidecar = await startSidecarCli(CONFIG, {
    OTEL_EXPORTER_OTLP_ENDPOINT: serving.otlpBase,
    LOG_LEVEL: 'warn',
  });
  trafficStart = Date.now();
  answers.push(
    ...(await Promise.all(Array.from({ length: WAVE_SIZE }, () => complete(sidecar.url, WAVE)))),
  );
  answers.push(await complete(sidecar.url, LONE));
  answers.push(await complete(sidecar.url, STREAM, { stream: true }));
  // temperature 0 makes the request deterministic, hence cacheable; the second one is a hit.
  answers.push(await complete(sidecar.url, CACHED, { temperature: 0 }));
  answers.push(await complete(sidecar.url, CACHED, { temperature: 0 }));
  // At once: the last spans are still queued (the exporter sends every 500 ms), so only the
  // shutdown's flush can deliver them before the process exits.
  sidecarExit = await stop(sidecar.cli, 'SIGTERM', 10_000);
  sidecarStderr = sidecar.cli.stderr();
  const counted = await sql<{ n: string | number }>(
    `SELECT count() AS n FROM inference_requests WHERE model IN ('${WAVE}', '${LONE}', '${STREAM}', '${CACHED}')`,
  );
  rowsAtExit = Number(counted[0]?.n);
}, 60_000);

describe('a real sidecar process exporting to a running serve', () => {
  it('served every request; on SIGTERM it exits 0 and its spans are stored by then', () => {
    expect(answers.map((a) => [a.model, a.status])).toEqual([
      ...Array.from({ length: WAVE_SIZE }, () => [WAVE, 200]),
      [LONE, 200],
      [STREAM, 200],
      [CACHED, 200],
      [CACHED, 200],
    ]);
    expect(sidecarExit).toMatchObject({ code: 0, signal: null });
    expect(sidecarStderr).toContain('SIGTERM received');
    // Drain (nothing in flight) plus the telemetry's 2 s shutdown budget.
    expect(sidecarExit?.ms).toBeLessThan(3_000);
    // serve acknowledges an export only once its rows are stored: a flushing shutdown leaves
    // nothing to wait for.
    expect(rowsAtExit).toBe(answers.length);
  });

  it('wave: the summary counts 4 requests in one batch of 4, queue times as the sidecar measured', async () => {
    const sent = of(WAVE);
    // The client's view first: one batch of 4, 20 + 2 x 4 ms on the device (as it measured
    // them: timers may run late), the same batch time for all four.
    expect(sent.map((a) => a.timing?.batchSize)).toEqual([4, 4, 4, 4]);
    const device = sent.map((a) => a.timing?.backendMs as number);
    expect(new Set(device).size).toBe(1);
    expect(device[0]).toBeGreaterThanOrEqual(batchDurationMs(BENCH, WAVE_SIZE));
    expect(device[0]).toBeLessThan(batchDurationMs(BENCH, WAVE_SIZE) + 20);
    const summary = await summaryOf(WAVE, WAVE_SIZE);
    expect(summary.requests).toBe(WAVE_SIZE);
    expect(summary.errors).toBe(0);
    expect(summary.batch_size_mean).toBe(WAVE_SIZE);
    const queues = sent.map((a) => a.timing?.queueMs as number);
    expect(summary.queue_ms.mean).toBeCloseTo(mean(queues), 6);
    // The first three waited for the fourth; a full batch never waits out the delay.
    expect(summary.queue_ms.mean).toBeGreaterThan(0);
    expect(summary.queue_ms.mean).toBeLessThan(WAVE_DELAY_MS);
    expect(summary.tokens).toEqual({
      input: sum(sent.map((a) => a.usage?.prompt_tokens as number)),
      output: WAVE_SIZE * MAX_TOKENS,
    });
    // Latency: at least the batch on the device (whole-ms clocks: 1 ms either end), at most what
    // the client saw (plus the same rounding).
    const latency = summary.latency_ms.mean as number;
    expect(latency).toBeGreaterThanOrEqual(batchDurationMs(BENCH, WAVE_SIZE) - 2);
    expect(latency).toBeLessThanOrEqual(mean(sent.map((a) => a.clientMs)) + 2);
    // Not streamed: the first token reaches the client with the whole answer.
    expect(summary.ttft_ms.mean).toBeCloseTo(latency, 6);
  });

  it('lone: one request, a batch of 1 after the queue delay', async () => {
    const [sent] = of(LONE);
    expect(sent?.timing?.batchSize).toBe(1);
    const summary = await summaryOf(LONE, 1);
    expect(summary.requests).toBe(1);
    expect(summary.errors).toBe(0);
    expect(summary.batch_size_mean).toBe(1);
    expect(summary.queue_ms.mean).toBeCloseTo(sent?.timing?.queueMs as number, 6);
    expect(summary.queue_ms.mean).toBeGreaterThanOrEqual(DELAY_MS);
    expect(summary.queue_ms.mean).toBeLessThan(DELAY_MS + SLACK_MS);
    const latency = summary.latency_ms.mean as number;
    expect(latency).toBeGreaterThanOrEqual(
      (summary.queue_ms.mean as number) + batchDurationMs(BENCH, 1) - 2,
    );
    expect(latency).toBeLessThanOrEqual((sent?.clientMs as number) + 2);
    expect(summary.ttft_ms.mean).toBeCloseTo(latency, 6);
    expect(summary.tokens.output).toBe(MAX_TOKENS);
  });

  it('stream: the first token is timed when it left, before the end of the request', async () => {
    const [sent] = of(STREAM);
    expect(sent?.chunks).toEqual(['tok', ' tok', ' tok', ' tok']);
    const summary = await summaryOf(STREAM, 1);
    expect(summary.requests).toBe(1);
    expect(summary.errors).toBe(0);
    expect(summary.batch_size_mean).toBe(1);
    const queue = summary.queue_ms.mean as number;
    expect(queue).toBeGreaterThanOrEqual(DELAY_MS);
    expect(queue).toBeLessThan(DELAY_MS + SLACK_MS);
    const ttft = summary.ttft_ms.mean as number;
    const latency = summary.latency_ms.mean as number;
    // First token: after the queue and the device's prefill; the last one a whole batch later.
    const prefill = batchDurationMs(BENCH, 1) * BENCH.prefillShare;
    expect(ttft).toBeGreaterThanOrEqual(queue + prefill - 2);
    expect(latency).toBeGreaterThanOrEqual(queue + batchDurationMs(BENCH, 1) - 2);
    expect(ttft).toBeLessThan(latency);
    expect(summary.tokens.output).toBe(MAX_TOKENS);
  });

  it('cached: the repeat is a cache hit, without queue or batch; the hit rate is 1/2', async () => {
    expect(of(CACHED).map((a) => a.xCache)).toEqual(['miss', 'hit']);
    const summary = await summaryOf(CACHED, 2);
    expect(summary.requests).toBe(2);
    expect(summary.errors).toBe(0);
    // Only the miss went through a batch and the queue.
    expect(summary.batch_size_mean).toBe(1);
    expect(summary.queue_ms.mean).toBeGreaterThanOrEqual(DELAY_MS);
    expect(summary.queue_ms.mean).toBeLessThan(DELAY_MS + SLACK_MS);
    expect(summary.tokens.output).toBe(2 * MAX_TOKENS);

    const series = await fetch(
      `${serving.apiBase}/api/v1/models/${CACHED}/timeseries?${window()}&metric=cache_hit_rate&step=1d`,
    );
    expect(series.status).toBe(200);
    const points = ((await series.json()) as { points: { value: number | null }[] }).points;
    expect(points.map((p) => p.value).filter((v) => v !== null)).toEqual([0.5]);

    const rows = await rowsOf(CACHED);
    expect(
      rows.map((r) => ({ hit: r.cache_hit, batch: r.batch_size, queued: r.queue_ms !== null })),
    ).toEqual([
      { hit: false, batch: 1, queued: true },
      { hit: true, batch: null, queued: false },
    ]);
    // A served request's span keeps status UNSET (the conventions set ERROR only on failure).
    expect(rows.map((r) => ({ ttft: r.ttft_ms !== null, status: r.status }))).toEqual([
      { ttft: true, status: 'unset' },
      { ttft: true, status: 'unset' },
    ]);
    expect(rows.map((r) => r.model_version)).toEqual([VERSION, VERSION]);
  });
});
