// The job runner on the real embedded store: windows recorded in job_runs, catch-up in order
// after downtime, a failing window retried on the next pass without skipping or repeating.
import type { Clock } from '../../../src/clock';
import { runDueWindows, type ScheduledJob } from '../../../src/scheduler/run-job';
import type { JobWindow } from '../../../src/scheduler/windows';
import { migrate } from '../../../src/store/migrate';
import { loadMigrationFiles } from '../../../src/store/migration-plan';
import type { Store } from '../../../src/store/store';
import { createLogger } from '../../../src/telemetry/logger';
import { closeTestStore, openTestStore } from '../../helpers/store';

const MIN = 60_000;
const T = Date.parse('2026-11-28T12:00:00Z');
let store: Store;
let now = T;
const clock: Clock = { now: () => new Date(now) };
const log = createLogger('silent');

beforeAll(async () => {
  store = await openTestStore('run_job');
  await migrate(store, loadMigrationFiles());
});

afterAll(async () => {
  await closeTestStore(store);
});

function job(name: string, behaviour: (w: JobWindow) => void = () => {}) {
  const ran: number[] = [];
  const definition: ScheduledJob = {
    name,
    periodMs: MIN,
    maxCatchUp: 180,
    async run(window) {
      behaviour(window);
      ran.push(window.startMs);
      return `ran ${window.startMs}`;
    },
  };
  return { definition, ran };
}

const deps = () => ({ store, clock, log, runner: 'test' });

async function statuses(name: string) {
  return store.query<{ start: number; status: string; attempt: number }>({
    tag: 'test.job_runs',
    sql: `SELECT toUnixTimestamp64Milli(window_start) AS start, status, attempt
          FROM {db:Identifier}.job_runs FINAL WHERE job = {job:String} ORDER BY window_start`,
    params: { job: name },
  });
}

describe('runDueWindows', () => {
  it('runs the last whole window once, records it, and owes nothing more within that minute', async () => {
    now = T + 30_000;
    const { definition, ran } = job('once');
    expect(await runDueWindows(definition, deps())).toEqual({ succeeded: 1, skipped: 0 });
    expect(await runDueWindows(definition, deps())).toEqual({ succeeded: 0, skipped: 0 });
    expect(ran).toEqual([T - MIN]);
    expect(await statuses('once')).toEqual([{ start: T - MIN, status: 'succeeded', attempt: 1 }]);
  });

  it('catches up three hours of downtime in order, each window once', async () => {
    now = T;
    const { definition, ran } = job('catch-up');
    await runDueWindows(definition, deps());
    now = T + 3 * 60 * MIN + 5_000;
    const pass = await runDueWindows(definition, deps());
    expect(pass).toEqual({ succeeded: 180, skipped: 0 });
    expect(ran).toEqual([T - MIN, ...Array.from({ length: 180 }, (_, k) => T + k * MIN)]);
    expect(await runDueWindows(definition, deps())).toEqual({ succeeded: 0, skipped: 0 });
  });

  it('records a failing window, stops there, and retries it on the next pass', async () => {
    now = T;
    let fail = false;
    const { definition, ran } = job('flaky', (w) => {
      if (fail && w.startMs === T + MIN) throw new Error('store hiccup');
    });
    await runDueWindows(definition, deps());
    fail = true;
    now = T + 3 * MIN;
    expect(await runDueWindows(definition, deps())).toEqual({
      succeeded: 1,
      skipped: 0,
      failed: { startMs: T + MIN, endMs: T + 2 * MIN },
    });
    fail = false;
    expect(await runDueWindows(definition, deps())).toEqual({ succeeded: 2, skipped: 0 });
    expect(ran).toEqual([T - MIN, T, T + MIN, T + 2 * MIN]);
    expect(await statuses('flaky')).toEqual([
      { start: T - MIN, status: 'succeeded', attempt: 1 },
      { start: T, status: 'succeeded', attempt: 1 },
      { start: T + MIN, status: 'succeeded', attempt: 2 },
      { start: T + 2 * MIN, status: 'succeeded', attempt: 1 },
    ]);
  });

  it('ends a catch-up pass between windows once asked to stop; the rest runs next time', async () => {
    now = T;
    let stop = false;
    const { definition, ran } = job('stoppable', (w) => {
      if (w.startMs === T + MIN) stop = true;
    });
    await runDueWindows(definition, deps());
    now = T + 5 * MIN;
    const stopping = () => stop;
    expect(await runDueWindows(definition, { ...deps(), stopping })).toEqual({
      succeeded: 2,
      skipped: 0,
    });
    stop = false;
    expect(await runDueWindows(definition, deps())).toEqual({ succeeded: 3, skipped: 0 });
    expect(ran).toEqual([T - MIN, T, T + MIN, T + 2 * MIN, T + 3 * MIN, T + 4 * MIN]);
  });
});
