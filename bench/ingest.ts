// OTLP ingest benchmark, end to end on this machine: a real `insightagent serve` (embedded store)
// receives protobuf ExportTraceServiceRequests from an out-of-process generator, and the same
// run measures the raw engine baseline (bench/ingest-baseline.ts) for comparison.
// Figures: sustained spans/s with p50/p99 acknowledgement latency (closed loop), the
// acknowledgement latency at a fixed offered load (open loop, default 25,000 spans/s), the
// server's peak RSS, whether every acknowledged span is stored, and the ratio to the baseline.
// Run: npm run bench:ingest -- [seconds per phase, default 20] [offered spans/s, default 25000,5000]
// Prints one JSON line per figure.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../test/helpers/net';
import { waitReady } from './serve-ready';

const ROOT = path.join(__dirname, '..');
const REGISTER = path.join(__dirname, 'ts-register.js');
const CONCURRENCY_MAX = 32;
const CONCURRENCY_RATE = 32;
const WARM_UP_SECONDS = '5';
const run = promisify(execFile);

async function child(script: string, args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, ['-r', REGISTER, script, ...args], {
    cwd: ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = stdout.trim().split('\n').at(-1) ?? '{}';
  console.log(line);
  return JSON.parse(line) as Record<string, unknown>;
}

// Peak resident set size of a process, from the kernel's high-water mark.
function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]);
  return Math.round(kib / 1024);
}

async function storedRequests(base: string): Promise<number> {
  const from = Date.now() - 2 * 3600_000;
  const res = await fetch(`${base}/api/v1/models/chimera/summary?from=${from}&to=${Date.now()}`);
  return ((await res.json()) as { requests: number }).requests;
}

// Request rows committed and flushes so far, from the server's own Prometheus counters.
async function flushCounters(base: string): Promise<{ rows: number; flushes: number }> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const value = (re: RegExp) => Number(re.exec(text)?.[1] ?? Number.NaN);
  return {
    rows: value(/^insightagent_ingest_rows_total\{table="inference_requests"\} (\S+)$/m),
    flushes: value(/^insightagent_ingest_flush_duration_seconds_count\{outcome="ok"\} (\S+)$/m),
  };
}

async function main(): Promise<void> {
  const seconds = process.argv[2] ?? '20';
  const offered = (process.argv[3] ?? '25000,5000').split(',');
  const work = mkdtempSync(path.join(tmpdir(), 'insightagent-bench-'));
  try {
    const [apiPort, otlpPort] = [await freePort(), await freePort()];
    const server = spawn(process.execPath, [path.join(ROOT, 'bin', 'insightagent.js'), 'serve'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        PATH: process.env.PATH,
        INSIGHTAGENT_DATA_DIR: path.join(work, 'serve'),
        INSIGHTAGENT_API_PORT: String(apiPort),
        INSIGHTAGENT_OTLP_PORT: String(otlpPort),
        LOG_LEVEL: 'warn',
      },
    });
    const api = `http://127.0.0.1:${apiPort}`;
    const otlp = `http://127.0.0.1:${otlpPort}`;
    const generator = path.join(__dirname, 'ingest-generator.ts');
    let max: Record<string, unknown>;
    const paced: Record<string, unknown>[] = [];
    let flushSpans: number;
    let acked = 0;
    let stored: number;
    let peakRss: number;
    try {
      await waitReady(api, server);
      // Warm-up (JIT, first parts and merges), not reported: a fresh server is slower.
      const warm = await child(generator, [otlp, 'max', WARM_UP_SECONDS, String(CONCURRENCY_MAX)]);
      acked += Number(warm.spans_acked);
      const flushBase = await flushCounters(api);
      max = await child(generator, [otlp, 'max', seconds, String(CONCURRENCY_MAX)]);
      const flushEnd = await flushCounters(api);
      flushSpans = (flushEnd.rows - flushBase.rows) / (flushEnd.flushes - flushBase.flushes);
      acked += Number(max.spans_acked);
      for (const rate of offered) {
        const result = await child(generator, [
          otlp,
          'rate',
          seconds,
          String(CONCURRENCY_RATE),
          rate,
        ]);
        paced.push(result);
        acked += Number(result.spans_acked);
      }
      stored = await storedRequests(api);
      peakRss = peakRssMiB(server.pid as number);
    } finally {
      server.kill('SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));
    }
    // The baseline inserts flushes of the size the server's writer formed at full load.
    const requestsPerFlush = Math.max(1, Math.round(flushSpans / 512));
    const baseline = await child(path.join(__dirname, 'ingest-baseline.ts'), [
      path.join(work, 'baseline'),
      seconds,
      String(requestsPerFlush),
    ]);
    const e2e = Number(max.spans_per_s);
    const raw = Number(baseline.spans_per_s);
    console.log(
      JSON.stringify({
        figure: 'ingest_summary',
        e2e_spans_per_s: e2e,
        raw_baseline_spans_per_s: raw,
        ratio_to_baseline: Math.round((e2e / raw) * 1000) / 1000,
        server_spans_per_flush_at_max: Math.round(flushSpans),
        ack_ms_p50_at_max: max.ack_ms_p50,
        ack_ms_p99_at_max: max.ack_ms_p99,
        at_offered_load: paced.map((p) => ({
          offered_spans_per_s: p.offered_spans_per_s,
          achieved_spans_per_s: p.spans_per_s,
          ack_ms_p50: p.ack_ms_p50,
          ack_ms_p99: p.ack_ms_p99,
        })),
        server_peak_rss_mib: peakRss,
        generator_connections: { max: CONCURRENCY_MAX, paced: CONCURRENCY_RATE },
        spans_acked: acked,
        spans_stored: stored,
        targets: { e2e_spans_per_s: 50_000, ratio_to_baseline: 0.5, ack_ms_p99_at_25k: 250 },
      }),
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
