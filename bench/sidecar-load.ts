// Load generator for bench/sidecar.ts, run as its own process: non-streaming POST
// /v1/completions with temperature 1 and no seed (not cacheable: every request reaches the
// batcher) over keep-alive connections (node:http with a keep-alive agent: lighter on the CPU
// than fetch, and the generator shares this machine's cores with the sidecar), timing each answer.
//   closed: `concurrency` clients, each sending its next request as soon as the last is answered;
//   rate:   one request every 1/rate seconds (open loop, fixed schedule), at most `concurrency`
//           in flight (a request due while all are busy is counted as skipped); beside it, a
//           GET /v2/health/live every 50 ms times a bare HTTP round trip to the same server under
//           the same load (the transport floor of this machine, no inference work).
// Only answers that come within the measured window (after the warm-up) are counted. Each answer's
// Server-Timing header gives its batch's backend time, how long it queued and how much of that
// every in-flight slot was busy (device wait), and its time inside the sidecar, so that each
// request's latency splits into backend, device wait, the sidecar's own share and transport.
// Usage: node -r ./bench/ts-register.js bench/sidecar-load.ts <url> <closed|rate> <seconds>
//        <warm-up seconds> <concurrency> [requests per second]
// Prints one JSON line.

import { Agent, request } from 'node:http';

const AGENT = new Agent({ keepAlive: true, maxSockets: 1024 });

interface Tally {
  statuses: Record<string, number>;
  latencyMs: number[];
  addedMs: number[];
  queueMs: number[];
  deviceWaitMs: number[];
  backendMs: number[];
  /** Time inside the sidecar - device wait - backend: what the sidecar itself added. */
  sidecarAddedMs: number[];
  /** Client latency - time inside the sidecar: HTTP both ways and the client. */
  transportMs: number[];
  batchSizes: number[];
  healthMs: number[];
  skipped: number;
}

const BODY = JSON.stringify({
  model: 'bench',
  prompt: 'Summarise the incident report in one sentence.',
  max_tokens: 16,
  temperature: 1,
});

interface Timing {
  queue: number;
  device: number;
  backend: number;
  sidecar: number;
  size: number;
}

function timing(header: string | null): Timing | null {
  if (header === null) return null;
  const dur = (name: string) => new RegExp(`\\b${name};dur=([\\d.]+)`).exec(header)?.[1];
  const size = /size (\d+)/.exec(header)?.[1];
  const [queue, device, backend, sidecar] = ['queue', 'device', 'backend', 'sidecar'].map(dur);
  if ([queue, device, backend, sidecar, size].includes(undefined)) return null;
  return {
    queue: Number(queue),
    device: Number(device),
    backend: Number(backend),
    sidecar: Number(sidecar),
    size: Number(size),
  };
}

// One HTTP exchange over the shared keep-alive agent: status, Server-Timing and the whole body.
function exchange(
  url: URL,
  method: 'GET' | 'POST',
  body?: string,
): Promise<{ status: number; timing: string | null }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        agent: AGENT,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
      },
      (res) => {
        res.on('data', () => {});
        res.on('end', () => {
          const timing = res.headers['server-timing'];
          resolve({
            status: res.statusCode ?? 0,
            timing: typeof timing === 'string' ? timing : null,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

// Counts an answer that came within [from, until] (steady state: the load runs past both ends).
async function send(url: URL, tally: Tally, from: number, until: number): Promise<void> {
  const started = performance.now();
  let status = 0;
  let header: string | null = null;
  try {
    ({ status, timing: header } = await exchange(url, 'POST', BODY));
  } catch {
    status = 0;
  }
  const ended = performance.now();
  const elapsed = ended - started;
  if (ended < from || ended > until) return;
  tally.statuses[status] = (tally.statuses[status] ?? 0) + 1;
  if (status !== 200) return;
  tally.latencyMs.push(elapsed);
  const t = timing(header);
  if (t === null) return;
  tally.addedMs.push(elapsed - t.backend);
  tally.queueMs.push(t.queue);
  tally.deviceWaitMs.push(t.device);
  tally.backendMs.push(t.backend);
  tally.sidecarAddedMs.push(t.sidecar - t.device - t.backend);
  tally.transportMs.push(elapsed - t.sidecar);
  tally.batchSizes.push(t.size);
}

// Times one bare GET /v2/health/live within [from, until]: the HTTP round trip alone.
async function probe(url: URL, tally: Tally, from: number, until: number): Promise<void> {
  const started = performance.now();
  try {
    if ((await exchange(url, 'GET')).status !== 200) return;
  } catch {
    return;
  }
  const ended = performance.now();
  if (ended >= from && ended <= until) tally.healthMs.push(ended - started);
}

function percentile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? null;
}

const round = (x: number | null): number | null => (x === null ? null : Math.round(x * 100) / 100);

function summary(xs: number[]): { p50: number | null; p99: number | null; mean: number | null } {
  const s = [...xs].sort((a, b) => a - b);
  const mean = s.length === 0 ? null : s.reduce((a, b) => a + b, 0) / s.length;
  return { p50: round(percentile(s, 0.5)), p99: round(percentile(s, 0.99)), mean: round(mean) };
}

async function main(): Promise<void> {
  const [base, mode, secondsArg, warmArg, concurrencyArg, rateArg] = process.argv.slice(2);
  if (base === undefined || (mode !== 'closed' && mode !== 'rate'))
    throw new Error(
      'usage: sidecar-load.ts <url> <closed|rate> <seconds> <warm-up> <concurrency> [rate]',
    );
  const url = new URL('/v1/completions', base);
  const health = new URL('/v2/health/live', base);
  const seconds = Number(secondsArg);
  const warm = Number(warmArg);
  const concurrency = Number(concurrencyArg);
  const tally: Tally = {
    statuses: {},
    latencyMs: [],
    addedMs: [],
    queueMs: [],
    deviceWaitMs: [],
    backendMs: [],
    sidecarAddedMs: [],
    transportMs: [],
    batchSizes: [],
    healthMs: [],
    skipped: 0,
  };
  const t0 = performance.now();
  const measureFrom = t0 + warm * 1000;
  const until = measureFrom + seconds * 1000;
  const stop = until + 500; // load keeps running past the window's end
  if (mode === 'closed') {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < stop) await send(url, tally, measureFrom, until);
      }),
    );
  } else {
    const rate = Number(rateArg);
    const gapMs = 1000 / rate;
    const probes = (async () => {
      while (performance.now() < stop) {
        await probe(health, tally, measureFrom, until);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    let inFlight = 0;
    const running = new Set<Promise<void>>();
    for (let k = 0; ; k++) {
      const due = t0 + k * gapMs;
      if (due >= stop) break;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (inFlight >= concurrency) {
        if (due >= measureFrom && due <= until) tally.skipped += 1;
        continue;
      }
      inFlight += 1;
      const p: Promise<void> = send(url, tally, measureFrom, until).finally(() => {
        inFlight -= 1;
        running.delete(p);
      });
      running.add(p);
    }
    await Promise.all([...running, probes]);
  }
  AGENT.destroy();
  const ok = tally.latencyMs.length;
  const sizes = tally.batchSizes;
  console.log(
    JSON.stringify({
      mode,
      seconds,
      concurrency,
      offered_per_s: mode === 'rate' ? Number(rateArg) : null,
      ok,
      statuses: tally.statuses,
      skipped: tally.skipped,
      requests_per_s: round(ok / seconds),
      latency_ms: summary(tally.latencyMs),
      added_ms: summary(tally.addedMs),
      queue_ms: summary(tally.queueMs),
      device_wait_ms: summary(tally.deviceWaitMs),
      backend_ms: summary(tally.backendMs),
      sidecar_added_ms: summary(tally.sidecarAddedMs),
      transport_ms: summary(tally.transportMs),
      health_round_trip_ms: summary(tally.healthMs),
      batch_size_mean_per_request: round(
        sizes.length === 0 ? null : sizes.reduce((a, b) => a + b, 0) / sizes.length,
      ),
      timed: sizes.length,
    }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
