// Writes a scenario's history straight into the store: the run's request rows and their scores,
// in inserts of FLUSH_REQUESTS requests, as the ingest writer inserts them (JSONEachRow, the
// same settings). Hours or days of history in seconds, where OTLP would take minutes.
import { randomBytes } from 'node:crypto';
import type { RequestRow } from '../ingest/rows';
import { encodeJsonEachRow, insertIngestRows } from '../store/repositories/ingest-rows';
import type { Store } from '../store/store';
import { outcomeRows, type ScoreRow } from './rows';
import { simulateRun } from './run';
import type { Scenario } from './scenario';

/** Requests per insert (with their scores in a second insert). */
export const FLUSH_REQUESTS = 50_000;

/** What to backfill: the scenario over [startMs, startMs + durationMs), from a seed. */
export interface BackfillOptions {
  scenario: Scenario;
  startMs: number;
  durationMs: number;
  seed: number;
  /** Called after each insert with the virtual time reached and the rows so far. */
  onProgress?: (progress: BackfillProgress) => void;
}

/** How far a backfill got. */
export interface BackfillProgress {
  /** Virtual time of the last request written. */
  reachedMs: number;
  requests: number;
  served: number;
  evaluations: number;
}

/** Writes the run into the store; resolves with the totals once every row is committed. */
export async function backfill(store: Store, options: BackfillOptions): Promise<BackfillProgress> {
  const { scenario, startMs, durationMs, seed } = options;
  const untilMs = startMs + durationMs;
  const runId = randomBytes(4).toString('hex');
  const progress: BackfillProgress = { reachedMs: startMs, requests: 0, served: 0, evaluations: 0 };
  let requests: RequestRow[] = [];
  let evaluations: ScoreRow[] = [];
  let flushes = 0;
  // One insert runs while the next batch is generated (the engine inserts off the event loop):
  // a batch waits for the insert before it, so at most two batches are held at once.
  let inserting: Promise<void> = Promise.resolve();
  const flush = async () => {
    const id = `backfill-${runId}-${flushes++}`;
    const counts = { requests: requests.length, evaluations: evaluations.length };
    const bodies = {
      requests: encodeJsonEachRow(requests),
      evaluations: evaluations.length > 0 ? encodeJsonEachRow(evaluations) : undefined,
    };
    requests = [];
    evaluations = [];
    await inserting;
    inserting = (async () => {
      await insertIngestRows(store, 'inference_requests', bodies.requests, id);
      if (bodies.evaluations !== undefined)
        await insertIngestRows(store, 'evaluations', bodies.evaluations, id);
      progress.requests += counts.requests;
      progress.evaluations += counts.evaluations;
      options.onProgress?.({ ...progress });
    })();
  };
  for (const outcome of simulateRun(scenario, { startMs, durationMs, seed })) {
    const rows = outcomeRows(outcome, runId, untilMs);
    requests.push(rows.request);
    for (const e of rows.evaluations) evaluations.push(e);
    if (outcome.status === 'ok') progress.served++;
    progress.reachedMs = Math.max(progress.reachedMs, outcome.request.arrivalMs);
    if (requests.length >= FLUSH_REQUESTS) await flush();
  }
  if (requests.length > 0) await flush();
  await inserting;
  return progress;
}
