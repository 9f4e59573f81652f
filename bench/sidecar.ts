// Sidecar batching benchmark: a real `insightagent sidecar --backend emulated --profile bench`
// (20 ms fixed + 2 ms per item, no jitter, one batch at a time) loaded by an out-of-process
// generator (bench/sidecar-load.ts) with non-cacheable completions (temperature 1, no seed).
//  1. throughput, closed loop: max_batch_size 1 with 16 clients and max_batch_size 8 with 64
//     clients, each against the device's limit B / (fixed + per_item x B) (the baseline: what the
//     emulated device itself allows), and B = 8 over B = 1;
//  2. added latency at half load: max_batch_size 8, open loop at half the throughput measured
//     in 1 (after 30 s at that load), for each batching delay (max_queue_delay_ms) given. Each answer's Server-Timing splits
//     its latency: `backend` (its batch on the device, as the backend states it), `device` (time
//     queued while the one in-flight slot was busy: the device's own queue, which any server in
//     front of one device has), `sidecar` (arrival to answer inside the sidecar). The sidecar's
//     added latency = sidecar - device - backend: parsing, admission, the batching delay it chose,
//     dispatch, delivery, JSON. Transport (client latency - sidecar) is reported beside it with
//     the bare HTTP round trip to the same server under the same load (GET /v2/health/live), and
//     so is client latency - backend, everything but the batch itself.
// Each phase runs on a fresh sidecar process; telemetry goes to a closed port (export fails at
// once, nothing is retried into the load).
// Run: npm run bench:sidecar -- [seconds per phase, default 10] [delays ms, default 5,0]
// Prints one JSON line per figure.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DEVICE_PROFILES, throughputLimit } from '../src/sidecar/backends/emulated';
import { freePort } from '../test/helpers/net';

const ROOT = path.join(__dirname, '..');
const REGISTER = path.join(__dirname, 'ts-register.js');
const PROFILE = DEVICE_PROFILES.bench as NonNullable<(typeof DEVICE_PROFILES)['bench']>;
const WARM_UP_SECONDS = '2';
// The half-load phases measure a sidecar in its steady state: at 108 requests/s its added latency
// p50 fell from ~0.76 to ~0.5 ms over the first ~3,600 requests on one process (V8 optimising the
// request path), then held. 30 s at the phase's own load is ~3,200 requests before the window.
const HALF_LOAD_WARM_UP_SECONDS = '30';
const run = promisify(execFile);

interface Load {
  requests_per_s: number;
  ok: number;
  statuses: Record<string, number>;
  skipped: number;
  latency_ms: { p50: number; p99: number; mean: number };
  added_ms: { p50: number; p99: number; mean: number };
  queue_ms: { p50: number; p99: number; mean: number };
  device_wait_ms: { p50: number; p99: number; mean: number };
  backend_ms: { p50: number; p99: number; mean: number };
  sidecar_added_ms: { p50: number; p99: number; mean: number };
  transport_ms: { p50: number; p99: number; mean: number };
  health_round_trip_ms: { p50: number; p99: number; mean: number };
  batch_size_mean_per_request: number;
}

function emit(line: Record<string, unknown>): void {
  console.log(JSON.stringify(line));
}

// Starts a sidecar with one batcher option set; resolves with it and its URL once it listens.
async function startSidecar(
  work: string,
  name: string,
  batcher: Record<string, number>,
): Promise<{ server: ChildProcess; url: string }> {
  const config = path.join(work, `${name}.yaml`);
  const lines = Object.entries(batcher).map(([k, v]) => `  ${k}: ${v}`);
  // Not cached anyway (temperature 1), but off so that no lookup is timed either.
  writeFileSync(config, `defaults:\n${lines.join('\n')}\ncache:\n  enabled: false\n`);
  const deadPort = await freePort();
  const server = spawn(
    process.execPath,
    [
      path.join(ROOT, 'bin', 'insightagent.js'),
      'sidecar',
      '--backend',
      'emulated',
      '--profile',
      'bench',
      '--port',
      '0',
      '--config',
      config,
    ],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        PATH: process.env.PATH,
        LOG_LEVEL: 'warn',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${deadPort}`,
      },
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('sidecar did not listen within 30 s')), 30_000);
    server.once('exit', (code) => reject(new Error(`sidecar exited with ${code}`)));
    server.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
  });
  return { server, url };
}

async function stop(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  await exited;
}

async function load(url: string, args: string[]): Promise<Load> {
  const { stdout } = await run(
    process.execPath,
    ['-r', REGISTER, path.join(__dirname, 'sidecar-load.ts'), url, ...args],
    { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Load;
}

// Batches and their time on the emulated device as the sidecar measured it (its /metrics):
// the emulator's real batch time, which its timers make longer than the profile's nominal one.
interface DeviceTime {
  batches: number;
  mean_batch_size: number;
  measured_ms_per_batch: number;
  nominal_ms_per_batch: number;
}

async function deviceTime(url: string): Promise<DeviceTime> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (name: string) =>
    Number(
      new RegExp(`^insightagent_sidecar_${name}\\{model="bench"\\} (\\S+)$`, 'm').exec(text)?.[1],
    );
  const batches = value('batch_size_count');
  const size = value('batch_size_sum') / batches;
  return {
    batches,
    mean_batch_size: r3(size),
    measured_ms_per_batch: r3((value('batch_duration_seconds_sum') * 1000) / batches),
    nominal_ms_per_batch: r3(PROFILE.fixedMs + PROFILE.perItemMs * size),
  };
}

async function phase(
  work: string,
  name: string,
  batcher: Record<string, number>,
  args: string[],
): Promise<Load & { device: DeviceTime }> {
  const { server, url } = await startSidecar(work, name, batcher);
  try {
    const result = await load(url, args);
    return { ...result, device: await deviceTime(url) };
  } finally {
    await stop(server);
  }
}

const r1 = (x: number) => Math.round(x * 10) / 10;
const r3 = (x: number) => Math.round(x * 1000) / 1000;

async function main(): Promise<void> {
  const seconds = process.argv[2] ?? '10';
  const delays = (process.argv[3] ?? '5,0').split(',').map(Number);
  const work = mkdtempSync(path.join(tmpdir(), 'insightagent-bench-sidecar-'));
  try {
    const results: Record<number, Load & { device: DeviceTime }> = {};
    for (const [size, clients] of [
      [1, 16],
      [8, 64],
    ] as const) {
      const r = await phase(
        work,
        `b${size}`,
        { max_batch_size: size, max_queue_delay_ms: 5, max_queue_size: 1024 },
        ['closed', seconds, WARM_UP_SECONDS, String(clients)],
      );
      results[size] = r;
      const limit = throughputLimit(PROFILE, size);
      emit({
        figure: `throughput_b${size}`,
        max_batch_size: size,
        clients,
        requests_per_s: r.requests_per_s,
        limit_per_s: r1(limit),
        ratio_to_limit: r3(r.requests_per_s / limit),
        target: size === 8 ? '>= 0.9 of the limit' : null,
        mean_batch_size: r.batch_size_mean_per_request,
        // The same-run baseline: what the emulated device allows at the batch time it really took.
        device_ms_per_batch_nominal: r.device.nominal_ms_per_batch,
        device_ms_per_batch_measured: r.device.measured_ms_per_batch,
        device_limit_measured_per_s: r1(
          (r.device.mean_batch_size * 1000) / r.device.measured_ms_per_batch,
        ),
        ratio_to_measured_device: r3(
          (r.requests_per_s * r.device.measured_ms_per_batch) / (r.device.mean_batch_size * 1000),
        ),
        latency_ms_p50: r.latency_ms.p50,
        latency_ms_p99: r.latency_ms.p99,
        added_ms_p50: r.added_ms.p50,
        added_ms_p99: r.added_ms.p99,
        statuses: r.statuses,
      });
    }
    const b1 = results[1] as Load;
    const b8 = results[8] as Load;
    emit({
      figure: 'batching_speedup',
      b8_over_b1: r3(b8.requests_per_s / b1.requests_per_s),
      limits_ratio: r3(throughputLimit(PROFILE, 8) / throughputLimit(PROFILE, 1)),
      target: '>= 4',
    });
    const half = Math.round(b8.requests_per_s / 2);
    for (const delay of delays) {
      const r = await phase(
        work,
        `half-d${delay}`,
        { max_batch_size: 8, max_queue_delay_ms: delay, max_queue_size: 1024 },
        ['rate', seconds, HALF_LOAD_WARM_UP_SECONDS, '256', String(half)],
      );
      emit({
        figure: 'added_latency_half_load',
        max_batch_size: 8,
        max_queue_delay_ms: delay,
        offered_per_s: half,
        warm_up_s: Number(HALF_LOAD_WARM_UP_SECONDS),
        requests_per_s: r.requests_per_s,
        skipped: r.skipped,
        statuses: r.statuses,
        sidecar_added_ms_p50: r.sidecar_added_ms.p50,
        sidecar_added_ms_p99: r.sidecar_added_ms.p99,
        target: 'p50 <= 1 ms, p99 <= 5 ms',
        device_wait_ms_p50: r.device_wait_ms.p50,
        device_wait_ms_p99: r.device_wait_ms.p99,
        queue_ms_p50: r.queue_ms.p50,
        queue_ms_p99: r.queue_ms.p99,
        backend_ms_p50: r.backend_ms.p50,
        backend_ms_p99: r.backend_ms.p99,
        transport_ms_p50: r.transport_ms.p50,
        transport_ms_p99: r.transport_ms.p99,
        bare_http_round_trip_ms_p50: r.health_round_trip_ms.p50,
        bare_http_round_trip_ms_p99: r.health_round_trip_ms.p99,
        client_minus_backend_ms_p50: r.added_ms.p50,
        client_minus_backend_ms_p99: r.added_ms.p99,
        latency_ms_p50: r.latency_ms.p50,
        latency_ms_p99: r.latency_ms.p99,
        mean_batch_size: r.batch_size_mean_per_request,
        device_ms_per_batch_nominal: r.device.nominal_ms_per_batch,
        device_ms_per_batch_measured: r.device.measured_ms_per_batch,
        // Share of the load's whole span (warm-up + window + 0.5 s tail) the device was busy.
        device_utilisation: r3(
          (r.device.batches * r.device.measured_ms_per_batch) /
            ((Number(HALF_LOAD_WARM_UP_SECONDS) + Number(seconds) + 0.5) * 1000),
        ),
      });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
