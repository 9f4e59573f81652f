// A window replayed after a crash (its evaluations recorded, its alert states not saved) steps
// the alerts with what was recorded, even when late rows changed the data since: the same
// notifications, the same outbox ids, nothing sent twice.
import { parseChannels } from '../../../src/alerts/channels/config';
import type { Clock } from '../../../src/clock';
import { createOutbox } from '../../../src/outbox/outbox';
import { runDueWindows } from '../../../src/scheduler/run-job';
import { createSloJob } from '../../../src/slo/job';
import { migrate } from '../../../src/store/migrate';
import { loadMigrationFiles } from '../../../src/store/migration-plan';
import { sloStatusAt } from '../../../src/store/repositories/slo-status';
import type { Store } from '../../../src/store/store';
import { createLogger } from '../../../src/telemetry/logger';
import { INCIDENT_AT, seedIncidentTraffic, TTFT_SLO } from '../../helpers/incident-traffic';
import { closeTestStore, openTestStore } from '../../helpers/store';

const MIN = 60_000;
let store: Store;
let now = INCIDENT_AT;
const clock: Clock = { now: () => new Date(now) };
const log = createLogger('silent');

beforeAll(async () => {
  store = await openTestStore('slo_replay');
  await migrate(store, loadMigrationFiles());
  await seedIncidentTraffic(store);
});

afterAll(async () => {
  await closeTestStore(store);
});

it('replays a window with the recorded evaluations: one page message, one outbox id', async () => {
  // Nothing listens on port 1: messages stay pending in the outbox, which is what is counted.
  const channels = parseChannels([{ name: 'oncall', kind: 'slack', url: 'http://127.0.0.1:1/x' }]);
  const outbox = createOutbox({ store, clock, channels: () => channels[0], log });
  const job = createSloJob({ store, slos: [TTFT_SLO], channels, outbox, log });
  const deps = { store, clock, log, runner: 'test' };
  const window = INCIDENT_AT + 9 * MIN;
  now = window - MIN + 5_000;
  await runDueWindows(job, deps);
  now = window + 5_000;
  await runDueWindows(job, deps);
  const messages = async () =>
    store.query<{ id: string }>({
      tag: 'test.outbox',
      sql: 'SELECT DISTINCT id FROM {db:Identifier}.outbox ORDER BY id',
    });
  const sent = await messages();
  expect(sent).toHaveLength(1);
  const [recorded] = await sloStatusAt(store, window);
  expect(recorded?.firing).toBe('page');

  // The crash: the window's alert states and its job_runs record are lost; late rows arrive
  // that would change the window's numbers.
  await store.command({
    tag: 'test.crash',
    sql: `ALTER TABLE {db:Identifier}.alert_states DELETE WHERE updated_at = fromUnixTimestamp64Milli({at:Int64}, 'UTC')
          SETTINGS mutations_sync = 2`,
    params: { at: window },
  });
  await store.command({ tag: 'test.crash', sql: 'TRUNCATE TABLE {db:Identifier}.job_runs' });
  await store.command({
    tag: 'test.late_rows',
    sql: `INSERT INTO {db:Identifier}.inference_requests (ts, model, latency_ms, ttft_ms, status)
          SELECT fromUnixTimestamp64Milli({at:Int64} - 30000, 'UTC'), 'chimera', 500, 300, 'ok'
          FROM numbers(5000)`,
    params: { at: window },
  });

  now = window + 5_000;
  await runDueWindows({ ...job, maxCatchUp: 1 }, deps);
  expect(await messages()).toEqual(sent);
  expect(await sloStatusAt(store, window)).toEqual([recorded]);
  await outbox.stop();
});
