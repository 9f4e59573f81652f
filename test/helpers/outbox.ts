// An outbox on the embedded store with an injected clock, a fixed jitter, channels from a map
// and a log captured in memory — for the outbox integration suites.
import { Writable } from 'node:stream';
import pino from 'pino';
import type { ChannelConfig } from '../../src/alerts/channels/config';
import { createOutbox, type Outbox, type OutboxOptions } from '../../src/outbox/outbox';
import { migrate } from '../../src/store/migrate';
import { loadMigrationFiles } from '../../src/store/migration-plan';
import type { Store } from '../../src/store/store';
import { type Answer, type Received, type Receiver, startReceiver } from './receiver';
import { closeTestStore, openTestStore } from './store';

/** A clock the test moves by hand. */
export interface ManualClock {
  now(): Date;
  set(ms: number): void;
  ms: number;
}

/** Returns a clock standing at `startMs`. */
export function manualClock(startMs: number): ManualClock {
  const clock = {
    ms: startMs,
    now: () => new Date(clock.ms),
    set: (ms: number) => {
      clock.ms = ms;
    },
  };
  return clock;
}

/** What each test works with. */
export interface OutboxHarness {
  store: Store;
  clock: ManualClock;
  channels: Map<string, ChannelConfig>;
  /** Every log line written so far, as JSON text. */
  logs: string[];
  /** A new Outbox on the same store (a restart); fixed jitter 0.5, 2 s timeout. */
  outbox(overrides?: Partial<OutboxOptions>): Outbox;
}

/** Opens and migrates the suite's store; call reset() before each test. */
export async function openOutboxHarness(
  suite: string,
  startMs: number,
): Promise<OutboxHarness & { reset(): Promise<void>; close(): Promise<void> }> {
  const store = await openTestStore(suite);
  await migrate(store, loadMigrationFiles());
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const log = pino({ level: 'debug' }, sink);
  const harness = {
    store,
    clock: manualClock(startMs),
    channels: new Map<string, ChannelConfig>(),
    logs,
    outbox: (overrides: Partial<OutboxOptions> = {}) =>
      createOutbox({
        store,
        clock: harness.clock,
        channels: (name) => harness.channels.get(name),
        log,
        random: () => 0.5,
        timeoutMs: 2000,
        ...overrides,
      }),
    reset: async () => {
      await store.command({ tag: 'test.truncate', sql: 'TRUNCATE TABLE {db:Identifier}.outbox' });
      harness.clock.set(startMs);
      harness.channels.clear();
      logs.length = 0;
    },
    close: () => closeTestStore(store),
  };
  return harness;
}

/**
 * Registers one outbox suite's jest hooks — harness opened once, reset before each test,
 * receivers closed after each — and returns the harness and a receiver starter.
 */
export function outboxSuite(suite: string, t0: number) {
  let harness: Awaited<ReturnType<typeof openOutboxHarness>> | undefined;
  const receivers: Receiver[] = [];
  beforeAll(async () => {
    harness = await openOutboxHarness(suite, t0);
  });
  afterAll(async () => {
    await harness?.close();
  });
  beforeEach(async () => {
    await harness?.reset();
  });
  afterEach(async () => {
    for (const r of receivers.splice(0)) await r.close();
  });
  return {
    get h(): OutboxHarness {
      if (harness === undefined) throw new Error('the outbox harness is opened in beforeAll');
      return harness;
    },
    async receiver(answer: (req: Received, index: number) => Answer): Promise<Receiver> {
      const r = await startReceiver(this.h.clock, answer);
      receivers.push(r);
      return r;
    },
  };
}
