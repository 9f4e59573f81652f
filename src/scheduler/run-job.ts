// Runs the windows a job owes, recording each in job_runs: load → run → save, one window at a
// time, oldest first. A window that throws is recorded as failed and ends the pass; the next
// tick retries it (and everything after it), so a failing job never stops the server and never
// skips a window silently.
import type { Clock } from '../clock';
import { errorMessage } from '../errors';
import {
  lastSucceededWindowEnd,
  recordJobRun,
  windowAttempts,
} from '../store/repositories/job-runs';
import type { Store } from '../store/store';
import type { Logger } from '../telemetry/logger';
import { dueWindows, type JobWindow } from './windows';

/** A periodic job: one run per window of `periodMs`; returns details worth recording. */
export interface ScheduledJob {
  name: string;
  periodMs: number;
  /** After downtime, at most this many missed windows are run (the newest). */
  maxCatchUp: number;
  run(window: JobWindow): Promise<string | undefined>;
}

/** What the scheduler needs around a job. */
export interface JobDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  /** Who runs it (host/process), recorded with each window. */
  runner: string;
  /** Checked before each window: true ends the pass there (shutdown; the rest runs next time). */
  stopping?: () => boolean;
}

/** The outcome of one pass over a job's due windows. */
export interface JobPass {
  succeeded: number;
  skipped: number;
  failed?: JobWindow;
}

/** Runs every window `job` owes now, oldest first; stops at the first failure. */
export async function runDueWindows(job: ScheduledJob, deps: JobDeps): Promise<JobPass> {
  const lastDone = await lastSucceededWindowEnd(deps.store, job.name);
  const due = dueWindows(lastDone, deps.clock.now().getTime(), job.periodMs, job.maxCatchUp);
  if (due.skipped > 0) {
    deps.log.warn(
      { job: job.name, skipped: due.skipped, maxCatchUp: job.maxCatchUp },
      'missed windows beyond the catch-up bound were skipped',
    );
  }
  let succeeded = 0;
  for (const window of due.windows) {
    if (deps.stopping?.()) break;
    const attempt = (await windowAttempts(deps.store, job.name, window.startMs)) + 1;
    const startedAtMs = deps.clock.now().getTime();
    const base = {
      job: job.name,
      windowStartMs: window.startMs,
      windowEndMs: window.endMs,
      attempt,
      runner: deps.runner,
      startedAtMs,
    };
    await recordJobRun(deps.store, {
      ...base,
      status: 'running',
      finishedAtMs: null,
      error: '',
      details: '',
      updatedAtMs: startedAtMs,
    });
    try {
      const details = (await job.run(window)) ?? '';
      const finishedAtMs = Math.max(deps.clock.now().getTime(), startedAtMs + 1);
      await recordJobRun(deps.store, {
        ...base,
        status: 'succeeded',
        finishedAtMs,
        error: '',
        details,
        updatedAtMs: finishedAtMs,
      });
      succeeded++;
    } catch (err) {
      const finishedAtMs = Math.max(deps.clock.now().getTime(), startedAtMs + 1);
      deps.log.error(
        { err, job: job.name, window, attempt },
        'job window failed; retrying next tick',
      );
      await recordJobRun(deps.store, {
        ...base,
        status: 'failed',
        finishedAtMs,
        error: errorMessage(err),
        details: '',
        updatedAtMs: finishedAtMs,
      });
      return { succeeded, skipped: due.skipped, failed: window };
    }
  }
  return { succeeded, skipped: due.skipped };
}
