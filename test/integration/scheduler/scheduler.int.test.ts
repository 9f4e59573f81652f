// The node-cron registry on the real embedded store: a job ticking every second runs each
// window once, in order, and stop() waits for the pass in flight.
import { systemClock } from '../../../src/clock';
import type { ScheduledJob } from '../../../src/scheduler/run-job';
import { startScheduler } from '../../../src/scheduler/scheduler';
import { migrate } from '../../../src/store/migrate';
import { loadMigrationFiles } from '../../../src/store/migration-plan';
import type { Store } from '../../../src/store/store';
import { createLogger } from '../../../src/telemetry/logger';
import { closeTestStore, openTestStore } from '../../helpers/store';

let store: Store;

beforeAll(async () => {
  store = await openTestStore('scheduler');
  await migrate(store, loadMigrationFiles());
});

afterAll(async () => {
  await closeTestStore(store);
});

it('ticks a job on its cron expression, one run per window, in order; a throwing pass does not stop it', async () => {
  const windows: number[] = [];
  let calls = 0;
  const job: ScheduledJob = {
    name: 'every-second',
    periodMs: 1000,
    maxCatchUp: 10,
    async run(window) {
      calls++;
      if (calls === 2) throw new Error('first failure');
      windows.push(window.startMs);
      return undefined;
    },
  };
  const scheduler = startScheduler([{ job, cron: '* * * * * *' }], {
    store,
    clock: systemClock,
    log: createLogger('silent'),
    runner: 'test',
  });
  const deadline = Date.now() + 10_000;
  while (windows.length < 3 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await scheduler.stop();
  await scheduler.stop();
  expect(windows.length).toBeGreaterThanOrEqual(3);
  // Consecutive windows, none twice, none skipped — the failed one was retried.
  expect(windows).toEqual(windows.map((_, k) => (windows[0] as number) + k * 1000));
  expect(calls).toBe(windows.length + 1);
});
