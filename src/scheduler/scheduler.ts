// The one registry of periodic jobs, ticking on node-cron. Every tick runs the windows a job
// owes (runDueWindows), so the cron expression only decides how soon after a window ends it is
// evaluated; missed ticks (downtime, a slow pass) are made up from job_runs, not from cron.
// node-cron's noOverlap keeps one pass per job at a time; a pass that throws is logged and the
// next tick tries again. An unavailable store is an expected outage, not a bug: that pass is
// logged as skipped (warn), and the windows it would have run are caught up once the store answers.
import cron, { type ScheduledTask } from 'node-cron';
import { errorMessage } from '../errors';
import { StoreError } from '../store/store';
import { type JobDeps, runDueWindows, type ScheduledJob } from './run-job';

/** A job and when to tick it (a node-cron expression, seconds field allowed). */
export interface JobRegistration {
  job: ScheduledJob;
  cron: string;
}

/** The running scheduler: `stop` waits for passes in flight (safe to call twice). */
export interface Scheduler {
  stop(): Promise<void>;
}

/** Starts ticking every registered job; returns a handle to stop them. */
export function startScheduler(
  registrations: readonly JobRegistration[],
  deps: JobDeps,
): Scheduler {
  const inFlight = new Set<Promise<unknown>>();
  let stopped = false;
  // A catch-up pass can owe hours of windows: on stop it ends after the window in progress.
  const passDeps: JobDeps = { ...deps, stopping: () => stopped };
  const tasks: ScheduledTask[] = registrations.map(({ job, cron: expression }) =>
    cron.schedule(
      expression,
      async () => {
        const pass = runDueWindows(job, passDeps).catch((err) => {
          if (err instanceof StoreError && err.code === 'store_unavailable') {
            deps.log.warn(
              { job: job.name, err: errorMessage(err) },
              'store unavailable; job pass skipped, its windows run once the store answers',
            );
          } else deps.log.error({ job: job.name, err: errorMessage(err) }, 'scheduler pass failed');
        });
        inFlight.add(pass);
        await pass.finally(() => inFlight.delete(pass));
      },
      { name: job.name, noOverlap: true, timezone: 'Etc/UTC' },
    ),
  );
  let stopping: Promise<void> | undefined;
  return {
    stop() {
      stopping ??= (async () => {
        stopped = true;
        await Promise.all(tasks.map((task) => task.stop()));
        await Promise.all(inFlight);
      })();
      return stopping;
    },
  };
}
