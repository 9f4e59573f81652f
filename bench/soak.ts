// Soak: a real `insightagent serve` (embedded store, scheduler on) under OTLP ingest at half the
// maximum rate measured at the start of the same run, for `minutes` (default 10), while a poller
// asks every 15 s for what the web UI's model page asks for. Figures: the maximum and the soak
// rate, every answer's status, the server's RSS in the last minute of warm-up against the last
// minute (and its trend after warm-up), and each scheduled window of the SLO and drift jobs with
// how late it ran.
// Run: npm run soak -- [minutes, default 10] [warm-up minutes, default 3]
// Prints one JSON line per figure; exits 1 when a target is missed.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { linearRegression } from 'simple-statistics';
import { freePort } from '../test/helpers/net';
import { waitReady } from './serve-ready';

const ROOT = path.join(__dirname, '..');
const REGISTER = path.join(__dirname, 'ts-register.js');
const GENERATOR = path.join(__dirname, 'ingest-generator.ts');
const CONCURRENCY = 32;
const MAX_SECONDS = 20;
const WARM_UP_SECONDS = 5;
const POLL_MS = 15_000;
const RSS_SAMPLE_MS = 5_000;
const REFRESH_SECONDS = 5;
const MODEL = 'chimera';
const run = promisify(execFile);

// SLOs are the defaults (every minute); one drift monitor judging each minute against the one
// before, so both jobs have a window every minute of the soak.
const CONFIG = `drift:
  - model: ${MODEL}
    name: soak
    window: 1m
    every: 1m
    reference: {rolling: 1m}
`;

// What the UI's model page fetches on each refresh (src/ui/js/model.js, kpis.js).
const UI_PATHS = [
  '/',
  '/api/v1/models',
  `/api/v1/models/${MODEL}/summary`,
  `/api/v1/reports/insight?model=${MODEL}`,
  ...[
    'throughput_rps',
    'error_rate',
    'ttft_ms_p50',
    'ttft_ms_p95',
    'score:accuracy',
    'score:coherence',
    'batch_size_mean',
  ].map((m) => `/api/v1/models/${MODEL}/timeseries?metric=${encodeURIComponent(m)}`),
  '/api/v1/slos',
  '/api/v1/alerts',
  `/api/v1/drift/reports?model=${MODEL}&limit=20`,
  `/api/v1/retrain/triggers?model=${MODEL}&limit=20`,
];

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) / 1024);
}

async function generator(args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, ['-r', REGISTER, GENERATOR, ...args], {
    cwd: ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
}

// Polls the UI's paths every POLL_MS until `until`; counts answers by status.
async function pollUi(base: string, until: number): Promise<Record<string, number>> {
  const statuses: Record<string, number> = {};
  while (Date.now() < until) {
    const next = Date.now() + POLL_MS;
    await Promise.all(
      UI_PATHS.map(async (p) => {
        let status = 0;
        try {
          const res = await fetch(`${base}${p}`);
          await res.arrayBuffer();
          status = res.status;
        } catch {
          // counted as status 0: no answer
        }
        const key = status === 200 ? '200' : `${status} ${p}`;
        statuses[key] = (statuses[key] ?? 0) + 1;
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - Date.now())));
  }
  return statuses;
}

interface JobRun {
  job: string;
  end_text: string;
  status_text: string;
  lag_s: number;
}

async function jobRuns(base: string, fromMs: number, toMs: number): Promise<JobRun[]> {
  const query = `SELECT job, toString(window_end) AS end_text, toString(status) AS status_text,
      round(dateDiff('millisecond', window_end, started_at) / 1000, 1) AS lag_s
    FROM job_runs FINAL
    WHERE window_end > fromUnixTimestamp64Milli(${fromMs}) AND window_end <= fromUnixTimestamp64Milli(${toMs})
    ORDER BY job, window_end`;
  const res = await fetch(`${base}/api/v1/sql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  if (res.status !== 200) throw new Error(`job_runs query: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { rows: JobRun[] }).rows;
}

function jobFigures(runs: readonly JobRun[], fromMs: number, toMs: number) {
  // Windows are whole minutes: every minute end in (from, to] is due.
  const due: number[] = [];
  for (let t = Math.ceil(fromMs / 60_000) * 60_000; t <= toMs; t += 60_000) {
    if (t > fromMs) due.push(t);
  }
  return ['slo', 'drift:soak'].map((job) => {
    const mine = runs.filter((r) => r.job === job);
    const ends = new Set(mine.map((r) => Date.parse(`${r.end_text.replace(' ', 'T')}Z`)));
    return {
      job,
      windows_due: due.length,
      windows_run: mine.length,
      missing: due.filter((t) => !ends.has(t)).map((t) => new Date(t).toISOString()),
      not_succeeded: mine.filter((r) => r.status_text !== 'succeeded'),
      // On schedule: started within one period (a minute) of the window's end.
      late: mine.filter((r) => r.lag_s > 60),
      lag_s_max: Math.max(...mine.map((r) => r.lag_s)),
      lag_s_median: [...mine.map((r) => r.lag_s)].sort((a, b) => a - b)[
        Math.floor(mine.length / 2)
      ],
    };
  });
}

async function main(): Promise<void> {
  const minutes = Number(process.argv[2] ?? '10');
  const warmUpMinutes = Number(process.argv[3] ?? '3');
  const work = mkdtempSync(path.join(tmpdir(), 'insightagent-soak-'));
  const config = path.join(work, 'insightagent.yaml');
  writeFileSync(config, CONFIG);
  let server: ChildProcess | undefined;
  let failed = false;
  try {
    const [apiPort, otlpPort] = [await freePort(), await freePort()];
    let serverLog = '';
    server = spawn(process.execPath, [path.join(ROOT, 'bin', 'insightagent.js'), 'serve'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        INSIGHTAGENT_DATA_DIR: path.join(work, 'data'),
        INSIGHTAGENT_API_PORT: String(apiPort),
        INSIGHTAGENT_OTLP_PORT: String(otlpPort),
        INSIGHTAGENT_CONFIG: config,
        LOG_LEVEL: 'warn',
      },
    });
    for (const stream of [server.stdout, server.stderr]) {
      stream?.setEncoding('utf8').on('data', (chunk: string) => {
        serverLog += chunk;
      });
    }
    const api = `http://127.0.0.1:${apiPort}`;
    const otlp = `http://127.0.0.1:${otlpPort}`;
    await waitReady(api, server, 60_000);
    const pid = server.pid as number;

    // Warm-up (JIT, first parts and merges) as bench/ingest.ts does: a fresh server is slower.
    await generator([otlp, 'max', String(WARM_UP_SECONDS), String(CONCURRENCY)]);
    const max = await generator([otlp, 'max', String(MAX_SECONDS), String(CONCURRENCY)]);
    const maxRate = Number(max.spans_per_s);
    const soakRate = Math.round(maxRate / 2);
    console.log(JSON.stringify({ figure: 'max_ingest', ...max }));

    const started = Date.now();
    const until = started + minutes * 60_000;
    const rss: { atS: number; mib: number }[] = [];
    const sampler = setInterval(() => {
      rss.push({ atS: Math.round((Date.now() - started) / 1000), mib: rssMiB(pid) });
    }, RSS_SAMPLE_MS);
    const [soak, ui] = await Promise.all([
      generator([
        otlp,
        'rate',
        String(minutes * 60),
        String(CONCURRENCY),
        String(soakRate),
        String(REFRESH_SECONDS),
      ]),
      pollUi(api, until),
    ]);
    clearInterval(sampler);
    const ended = Date.now();
    // The last windows are given a minute to run before they are looked for.
    await new Promise((resolve) => setTimeout(resolve, 70_000));
    const jobs = jobFigures(await jobRuns(api, started, ended), started, ended);

    // RSS swings by ±10 % with the engine's merges: each end is a minute's mean, not a sample,
    // and the trend is the least-squares slope over everything after warm-up.
    const warmUpEndS = warmUpMinutes * 60;
    const after = rss.filter((s) => s.atS > warmUpEndS);
    const minuteBefore = (endS: number) => rss.filter((s) => s.atS > endS - 60 && s.atS <= endS);
    const mean = (xs: { mib: number }[]) => xs.reduce((a, s) => a + s.mib, 0) / xs.length;
    const atWarmUp = mean(minuteBefore(warmUpEndS));
    const lastMinute = minuteBefore(minutes * 60);
    const growth = mean(lastMinute) / atWarmUp - 1;
    const peakGrowth = Math.max(...after.map((s) => s.mib)) / atWarmUp - 1;
    const slope = linearRegression(after.map((s) => [s.atS / 60, s.mib])).m;
    const ingestErrors = Object.entries(soak.statuses as Record<string, number>)
      .filter(([status]) => status !== '200')
      .reduce((a, [, n]) => a + n, 0);
    const uiErrors = Object.entries(ui)
      .filter(([status]) => status !== '200')
      .reduce((a, [, n]) => a + n, 0);
    const logErrors = serverLog
      .split('\n')
      .filter((line) => /"level":(50|60)/.test(line) || /\bERROR\b/.test(line));
    const round3 = (v: number) => Math.round(v * 1000) / 1000;
    const summary = {
      figure: 'soak_summary',
      minutes,
      warm_up_minutes: warmUpMinutes,
      max_spans_per_s: maxRate,
      soak_offered_spans_per_s: soakRate,
      soak_achieved_spans_per_s: soak.spans_per_s,
      // Due while 32 requests were still unanswered, so not sent (an exporter's full queue).
      soak_requests_skipped: soak.requests_skipped,
      ingest_statuses: soak.statuses,
      ack_ms_p50: soak.ack_ms_p50,
      ack_ms_p99: soak.ack_ms_p99,
      ui_statuses: ui,
      rss_mib_warm_up_last_minute_mean: Math.round(atWarmUp),
      rss_mib_last_minute_mean: Math.round(mean(lastMinute)),
      rss_mib_peak_after_warm_up: Math.max(...after.map((s) => s.mib)),
      rss_growth: round3(growth),
      rss_trend_mib_per_minute: Math.round(slope * 10) / 10,
      rss_peak_growth: round3(peakGrowth),
      rss_samples_mib: rss.map((s) => s.mib),
      jobs,
      server_error_log_lines: logErrors.slice(0, 20),
      targets: { rss_growth: 0.1, errors: 0, jobs_missing_failed_or_late: 0, late_after_s: 60 },
    };
    console.log(JSON.stringify(summary));
    failed =
      growth > 0.1 ||
      ingestErrors > 0 ||
      uiErrors > 0 ||
      logErrors.length > 0 ||
      jobs.some((j) => j.missing.length + j.not_succeeded.length + j.late.length > 0);
  } finally {
    if (server !== undefined && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((resolve) => server?.once('exit', resolve));
    }
    rmSync(work, { recursive: true, force: true });
  }
  if (failed) {
    console.error('soak: a target was missed (see soak_summary)');
    process.exit(1);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
