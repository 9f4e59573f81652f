// Load generator for bench/sidecar.ts, run as its own process: non-streaming POST
// /v1/completions with temperature 1 and no seed (not cacheable: every request reaches the
// batcher) over keep-alive connections (fetch, undici's pool), timing each answer.
//   closed: `concurrency` clients, each sending its next request as soon as the last is answered;
//   rate:   one request every 1/rate seconds (open loop, fixed schedule), at most `concurrency`
//           in flight (a request due while all are busy is counted as skipped).
// Only answers that come within the measured window (after the warm-up) are counted. Each answer's Server-Timing header gives its
// batch's backend time and its queue time, so that the sidecar's added latency is measured per
// request: client latency - backend time of its batch.
// Usage: node -r ./bench/ts-register.js bench/sidecar-load.ts <url> <closed|rate> <seconds>
//        <warm-up seconds> <concurrency> [requests per second]
// Prints one JSON line.

interface Tally {
  statuses: Record<string, number>;
  latencyMs: number[];
  addedMs: number[];
  queueMs: number[];
  backendMs: number[];
  batchSizes: number[];
  skipped: number;
}

const BODY = JSON.stringify({
  model: 'bench',
  prompt: 'Summarise the incident report in one sentence.',
  max_tokens: 16,
  temperature: 1,
});

function timing(header: string | null): { queue: number; backend: number; size: number } | null {
  if (header === null) return null;
  const queue = /queue;dur=([\d.]+)/.exec(header)?.[1];
  const backend = /backend;dur=([\d.]+)/.exec(header)?.[1];
  const size = /size (\d+)/.exec(header)?.[1];
  if (queue === undefined || backend === undefined || size === undefined) return null;
  return { queue: Number(queue), backend: Number(backend), size: Number(size) };
}

// Counts an answer that came within [from, until] (steady state: the load runs past both ends).
async function send(url: string, tally: Tally, from: number, until: number): Promise<void> {
  const started = performance.now();
  let status = 0;
  let header: string | null = null;
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: BODY,
    });
    await res.arrayBuffer();
    status = res.status;
    header = res.headers.get('server-timing');
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
  tally.backendMs.push(t.backend);
  tally.batchSizes.push(t.size);
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
  const url = new URL('/v1/completions', base).toString();
  const seconds = Number(secondsArg);
  const warm = Number(warmArg);
  const concurrency = Number(concurrencyArg);
  const tally: Tally = {
    statuses: {},
    latencyMs: [],
    addedMs: [],
    queueMs: [],
    backendMs: [],
    batchSizes: [],
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
    await Promise.all(running);
  }
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
      backend_ms: summary(tally.backendMs),
      added_minus_queue_ms: summary(tally.addedMs.map((a, i) => a - (tally.queueMs[i] as number))),
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
