// job_runs (migrations/0006): one row per scheduled job x window, newest version wins
// (ReplacingMergeTree on updated_at). Makes each window's run idempotent and tells a restarted
// scheduler where to resume.
import { z } from 'zod';
import type { Store } from '../store';

/** The state of one job window. */
export type JobRunStatus = 'running' | 'succeeded' | 'failed' | 'skipped';

/** One version of a job window's record. */
export interface JobRun {
  job: string;
  windowStartMs: number;
  windowEndMs: number;
  status: JobRunStatus;
  attempt: number;
  runner: string;
  startedAtMs: number;
  finishedAtMs: number | null;
  error: string;
  details: string;
  updatedAtMs: number;
}

const dt = (ms: number) => (ms / 1000).toFixed(3);

/** Writes one version of a job window's record (the newest updated_at wins). */
export async function recordJobRun(store: Store, run: JobRun): Promise<void> {
  await store.insert({
    tag: 'job_runs.record',
    table: 'job_runs',
    rows: [
      {
        job: run.job,
        window_start: dt(run.windowStartMs),
        window_end: dt(run.windowEndMs),
        status: run.status,
        attempt: run.attempt,
        runner: run.runner,
        started_at: dt(run.startedAtMs),
        finished_at: run.finishedAtMs === null ? null : dt(run.finishedAtMs),
        error: run.error,
        details: run.details,
        updated_at: dt(run.updatedAtMs),
      },
    ],
  });
}

const lastDone = z.object({ end_ms: z.coerce.number().nullable() });

/** Returns the end (epoch ms) of the newest window of `job` that succeeded, or undefined. */
export async function lastSucceededWindowEnd(
  store: Store,
  job: string,
): Promise<number | undefined> {
  const [row] = await store.query({
    tag: 'job_runs.last_succeeded',
    sql: `SELECT if(count() = 0, NULL, toUnixTimestamp64Milli(max(window_end))) AS end_ms
          FROM {db:Identifier}.job_runs FINAL
          WHERE job = {job:String} AND status = 'succeeded'`,
    params: { job },
    schema: lastDone,
  });
  return row?.end_ms ?? undefined;
}

const attempts = z.object({ attempts: z.coerce.number() });

/** Returns how many times a job window has been attempted so far (0 when never). */
export async function windowAttempts(
  store: Store,
  job: string,
  windowStartMs: number,
): Promise<number> {
  const [row] = await store.query({
    tag: 'job_runs.attempts',
    sql: `SELECT max(attempt) AS attempts FROM {db:Identifier}.job_runs
          WHERE job = {job:String} AND window_start = fromUnixTimestamp64Milli({start:Int64}, 'UTC')`,
    params: { job, start: windowStartMs },
    schema: attempts,
  });
  return row?.attempts ?? 0;
}
