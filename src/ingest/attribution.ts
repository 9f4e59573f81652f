// Attribution of delayed scores: every few seconds, move the pending scores whose request has
// arrived into evaluations (src/store/repositories/pending-evaluations.ts does the moving, crash
// safe). Passes never overlap; a failed pass is logged and retried at the next tick. Pending
// scores whose request never comes age out with pending_evaluations' TTL.
import type { Logger } from '../telemetry/logger';

/** Default pause between passes. */
export const DEFAULT_ATTRIBUTION_INTERVAL_MS = 2_000;
/** Default number of pending scores moved per batch. */
export const DEFAULT_ATTRIBUTION_BATCH = 5_000;
/** Default bound on batches per pass, so one pass cannot run unboundedly long. */
export const DEFAULT_ATTRIBUTION_MAX_BATCHES = 20;

/** What one pass did: distinct scores copied into evaluations, settled (copied now or before), batches. */
export interface AttributionPass {
  moved: number;
  settled: number;
  batches: number;
}

/** Options of the attribution loop; `move` is the I/O (one batch of at most `limit`). */
export interface AttributionOptions {
  move: (limit: number) => Promise<{ moved: number; settled: number }>;
  log: Logger;
  intervalMs?: number;
  batchSize?: number;
  maxBatchesPerPass?: number;
}

/** The attribution loop: `start` the timer, `runOnce` for one full pass, `stop` (safe twice). */
export interface Attribution {
  start(): void;
  /** Runs one pass after any pass in flight; rejects when the store fails. */
  runOnce(): Promise<AttributionPass>;
  /** Stops the timer and waits for the pass in flight; runOnce still works afterwards. */
  stop(): Promise<void>;
}

/** Returns the attribution loop over `move`; it does nothing until started or run. */
export function createAttribution(options: AttributionOptions): Attribution {
  const intervalMs = options.intervalMs ?? DEFAULT_ATTRIBUTION_INTERVAL_MS;
  const batchSize = options.batchSize ?? DEFAULT_ATTRIBUTION_BATCH;
  const maxBatches = options.maxBatchesPerPass ?? DEFAULT_ATTRIBUTION_MAX_BATCHES;
  let chain: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let running = false;

  const pass = async (): Promise<AttributionPass> => {
    const total: AttributionPass = { moved: 0, settled: 0, batches: 0 };
    while (total.batches < maxBatches) {
      const result = await options.move(batchSize);
      total.batches += 1;
      total.moved += result.moved;
      total.settled += result.settled;
      if (result.settled < batchSize) break;
    }
    if (total.settled > 0) options.log.debug(total, 'pending scores attributed');
    return total;
  };

  const runOnce = (): Promise<AttributionPass> => {
    const next = chain.then(pass, pass);
    chain = next.catch(() => undefined);
    return next;
  };

  const schedule = () => {
    if (!running) return;
    timer = setTimeout(async () => {
      try {
        await runOnce();
      } catch (err) {
        options.log.warn({ err }, 'attribution pass failed; retrying at the next tick');
      }
      schedule();
    }, intervalMs);
    timer.unref();
  };

  return {
    start() {
      if (running) return;
      running = true;
      schedule();
    },
    runOnce,
    async stop() {
      running = false;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      await chain;
    },
  };
}
