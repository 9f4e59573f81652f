// The outbox's interface: what it needs (store, clock, where names lead, limits) and what it
// offers (enqueue, one pass, the loop).
import type { ChannelConfig } from '../alerts/channels/config';
import type { Clock } from '../clock';
import type { OutboxStatus } from '../store/repositories/outbox';
import type { Store } from '../store/store';
import type { Logger } from '../telemetry/logger';
import type { Destination } from './destination';
import type { OutboxMessage } from './message';
import type { OutboxRetryPolicy } from './retry-policy';

/** What the outbox needs; everything but store, clock, channels and log has a default. */
export interface OutboxOptions {
  store: Store;
  clock: Clock;
  channels: (name: string) => ChannelConfig | undefined;
  /** Other named destinations (retrain targets), looked up when no channel has the name. */
  destinations?: (name: string) => Destination | undefined;
  log: Logger;
  fetch?: typeof fetch;
  policy?: Partial<OutboxRetryPolicy>;
  /** Source of jitter in [0, 1). */
  random?: () => number;
  /** How long an attempt waits for its answer before its retry is scheduled (10 s). */
  timeoutMs?: number;
  /** Pause between loop passes after start() (1 s). */
  pollMs?: number;
}

/** What one pass did, by outcome; `deferred` counts messages held back by a rate limit. */
export interface OutboxRunSummary {
  attempted: number;
  delivered: number;
  retrying: number;
  failed: number;
  disabled: number;
  deferred: number;
}

/** The outbox: enqueue stores, runOnce delivers what is due, start/stop run the loop. */
export interface Outbox {
  /** Stores the message (resolved = durable) and returns its id and status. */
  enqueue(message: OutboxMessage): Promise<{ id: string; status: OutboxStatus }>;
  /** Delivers every due message once (serialised with any other pass) and says what happened. */
  runOnce(): Promise<OutboxRunSummary>;
  /** Starts the delivery loop (one pass now, then every pollMs); a second call does nothing. */
  start(): void;
  /**
   * Stops the loop, waits for the pass in progress and gives requests still open one more
   * timeout to answer; safe to call twice.
   */
  stop(): Promise<void>;
}
