// The durable outbox: the one way out of the service for outbound HTTP. A message is stored
// before anything is sent; a loop delivers due messages per destination in created_at order,
// signs each attempt afresh (same webhook-id), records every outcome as a new row version, and
// retries per retry-policy. Run it in one process only (the scheduler role): one loop never has
// two attempts of a message in flight, but two loops on one store could.
//
// Exactly once, in practice: before a request leaves, the attempt is claimed in the store
// (attempts + 1, next_attempt_at pushed past the timeout), so a process that dies mid-request
// retries that message only after the claim lapses, with the same webhook-id for the receiver
// to deduplicate on; a delivered message is never picked again. A request not answered within
// the timeout stays open until its retry is due, and a 2xx it gets meanwhile is the delivery
// (late-answers.ts): a slow receiver has usually taken the message, and Slack cannot dedupe.
//
// 410 Gone disables the destination (destination_key, a hash of kind and URL): its pending
// messages become `disabled` and so do later enqueues for it, until the channel's URL changes
// (a new URL is a new key). The state lives in the table, so it survives restarts.
import { randomUUID } from 'node:crypto';
import type { ChannelConfig } from '../alerts/channels/config';
import { channelSecrets } from '../alerts/channels/config';
import { signAttempt } from '../alerts/channels/index';
import { AppError, errorMessage } from '../errors';
import {
  findOutboxMessages,
  insertOutboxRows,
  isDestinationDisabled,
  type OutboxRow,
  type OutboxStatus,
  pendingQueueHeads,
} from '../store/repositories/outbox';
import type { Outbox, OutboxOptions, OutboxRunSummary } from './api';
import type { Destination } from './destination';
import { LateAnswers } from './late-answers';
import { MESSAGE_ID, type OutboxMessage, type StoredRequest, storedRequest } from './message';
import { disableDestination, recordChange, type StateChange } from './record';
import { scrubSecrets } from './redact';
import type { OutboundRequest } from './request';
import {
  type AttemptOutcome,
  DEFAULT_RETRY_POLICY,
  exhausted,
  networkFailure,
  nextStep,
  type OutboxRetryPolicy,
} from './retry-policy';
import { sendAttempt } from './send';

export type { Outbox, OutboxOptions, OutboxRunSummary } from './api';
export type { OutboxMessage } from './message';

const PER_DESTINATION = 20;
const HEADS_LIMIT = 2000;
const ERROR_CHARS = 500;

// An alert channel seen as a destination: its URL, its secrets, its kind's signing.
function channelDestination(config: ChannelConfig): Destination {
  return {
    url: config.url,
    secrets: channelSecrets(config),
    sign: (request, id, now) => signAttempt(request, id, now, config),
  };
}

/** Returns the outbox over `store`; nothing runs until start() or runOnce(). */
export function createOutbox(options: OutboxOptions): Outbox {
  return new DurableOutbox(options);
}

const truncate = (text: string) =>
  text.length <= ERROR_CHARS ? text : `${text.slice(0, ERROR_CHARS - 1)}…`;

class DurableOutbox implements Outbox {
  private readonly policy: OutboxRetryPolicy;
  private readonly fetchFn: typeof fetch;
  private readonly random: () => number;
  private readonly timeoutMs: number;
  private readonly pollMs: number;
  // When each destination was last sent to (this process only: a restart may send once early).
  private readonly lastSent = new Map<string, number>();
  private readonly late = new LateAnswers();
  private lastCreatedMs = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  private stopped = false;

  constructor(private readonly o: OutboxOptions) {
    this.policy = { ...DEFAULT_RETRY_POLICY, ...o.policy };
    this.fetchFn = o.fetch ?? fetch;
    this.random = o.random ?? Math.random;
    this.timeoutMs = o.timeoutMs ?? 10_000;
    this.pollMs = o.pollMs ?? 1000;
  }

  async enqueue(message: OutboxMessage): Promise<{ id: string; status: OutboxStatus }> {
    const id = message.id ?? `msg_${randomUUID()}`;
    if (!MESSAGE_ID.test(id)) {
      throw new AppError(
        'outbox_bad_id',
        500,
        `outbox message id ${JSON.stringify(id)} is not 1-128 of [A-Za-z0-9_.:-]`,
      );
    }
    if (this.resolve(message.channel) === undefined) {
      throw new AppError(
        'channel_unknown',
        500,
        `no channel named "${message.channel}" is configured`,
      );
    }
    if (message.id !== undefined) {
      const [existing] = await findOutboxMessages(this.o.store, [id]);
      if (existing !== undefined) return { id, status: existing.status };
    }
    const key = message.request.destinationKey;
    const disabled = await isDestinationDisabled(this.o.store, key);
    // Strictly increasing per process, so messages enqueued in one millisecond keep their order.
    // created_at may run a millisecond ahead of the clock; next_attempt_at does not (due now).
    const nowMs = this.o.clock.now().getTime();
    const createdAtMs = Math.max(nowMs, this.lastCreatedMs + 1);
    this.lastCreatedMs = createdAtMs;
    const status: OutboxStatus = disabled ? 'disabled' : 'pending';
    await insertOutboxRows(this.o.store, [
      {
        id,
        version: 1,
        destinationKey: key,
        channel: message.channel,
        kind: message.kind,
        request: JSON.stringify(storedRequest(message.request)),
        status,
        attempts: 0,
        nextAttemptAtMs: nowMs,
        lastStatusCode: 0,
        lastError: disabled ? 'destination disabled (an earlier message got 410 Gone)' : '',
        createdAtMs,
        updatedAtMs: createdAtMs,
      },
    ]);
    this.o.log.info(
      { id, channel: message.channel, kind: message.kind, destination: key, status },
      'outbox message stored',
    );
    if (!disabled) this.schedule(0);
    return { id, status };
  }

  runOnce(): Promise<OutboxRunSummary> {
    const run = this.chain.then(() => this.pass());
    this.chain = run.catch(() => undefined);
    return run;
  }

  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.chain;
    await this.late.close(this.timeoutMs);
  }

  // Channels first, then the other named destinations.
  private resolve(name: string): Destination | undefined {
    const channel = this.o.channels(name);
    return channel === undefined ? this.o.destinations?.(name) : channelDestination(channel);
  }

  private schedule(delayMs: number): void {
    if (!this.started || this.stopped) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    try {
      await this.runOnce();
    } catch (err) {
      this.o.log.error({ err: errorMessage(err) }, 'outbox pass failed; retrying on the next tick');
    } finally {
      if (this.timer === undefined) this.schedule(this.pollMs);
    }
  }

  private async pass(): Promise<OutboxRunSummary> {
    const summary: OutboxRunSummary = {
      attempted: 0,
      delivered: 0,
      retrying: 0,
      failed: 0,
      disabled: 0,
      deferred: 0,
    };
    this.late.startPass();
    const heads = await pendingQueueHeads(this.o.store, {
      perDestination: PER_DESTINATION,
      limit: HEADS_LIMIT,
    });
    const queues = new Map<string, OutboxRow[]>();
    for (const row of heads) {
      const queue = queues.get(row.destinationKey);
      if (queue === undefined) queues.set(row.destinationKey, [row]);
      else queue.push(row);
    }
    // Destinations in parallel, each one's messages in order.
    const results = await Promise.allSettled(
      [...queues.values()].map((q) => this.drain(q, summary)),
    );
    for (const r of results) {
      if (r.status === 'rejected')
        this.o.log.error({ err: errorMessage(r.reason) }, 'outbox delivery failed');
    }
    return summary;
  }

  // Sends the queue's messages oldest first; stops at the first that is not due, rate-limited or
  // still pending afterwards, so a later message never overtakes an earlier one.
  private async drain(queue: readonly OutboxRow[], summary: OutboxRunSummary): Promise<void> {
    for (const row of queue) {
      if (row.nextAttemptAtMs > this.o.clock.now().getTime()) return;
      // The previous attempt's answer may still come; if it delivered, this one is done.
      if (await this.late.settle(row.id, this.timeoutMs)) {
        summary.delivered++;
        continue;
      }
      const now = this.o.clock.now().getTime();
      const request = JSON.parse(row.request) as StoredRequest;
      const last = this.lastSent.get(row.destinationKey);
      if (last !== undefined && now - last < (request.rateLimit?.minIntervalMs ?? 0)) {
        summary.deferred++;
        return;
      }
      const status = await this.attempt(row, request);
      summary.attempted++;
      summary[status === 'pending' ? 'retrying' : status]++;
      if (status === 'pending' || status === 'disabled') return;
    }
  }

  // One claimed, signed, recorded attempt; returns the message's new status.
  private async attempt(row: OutboxRow, stored: StoredRequest): Promise<OutboxStatus> {
    const { clock, log } = this.o;
    const config = this.resolve(row.channel);
    const at = clock.now();
    const attempts = row.attempts + 1;
    if (config === undefined) {
      const error = `no channel named "${row.channel}" is configured any more`;
      await this.record(row, 1, {
        status: 'failed',
        attempts: row.attempts,
        at: at.getTime(),
        code: 0,
        error,
      });
      log.warn(
        { id: row.id, channel: row.channel, destination: row.destinationKey },
        'outbox message failed: channel gone',
      );
      return 'failed';
    }
    const spent = exhausted(row, this.policy);
    if (spent !== undefined) {
      // Only after a crash mid-attempt: a finished attempt already failed it in nextStep.
      await this.record(row, 1, {
        status: 'failed',
        attempts: row.attempts,
        at: at.getTime(),
        code: row.lastStatusCode,
        error: spent,
      });
      log.error(
        { id: row.id, channel: row.channel, attempts: row.attempts, error: spent },
        'outbox message failed',
      );
      return 'failed';
    }
    // The claim: stored before the request leaves, pushed past the timeout.
    await this.record(row, 1, {
      status: 'pending',
      attempts,
      at: at.getTime(),
      next: at.getTime() + this.timeoutMs + this.policy.baseDelayMs,
      code: row.lastStatusCode,
      error: row.lastError,
    });
    this.lastSent.set(row.destinationKey, at.getTime());
    const secrets = config.secrets;
    let outcome: AttemptOutcome;
    try {
      const request = config.sign(
        { ...stored, url: config.url, destinationKey: row.destinationKey },
        row.id,
        at,
      );
      outcome = await this.send(row, attempts, request, config);
    } catch (err) {
      // Signing failed (a bad secret slipped past validation): retrying would not help.
      outcome = {
        kind: 'failed',
        statusCode: 0,
        error: `could not sign: ${scrubSecrets(errorMessage(err), secrets)}`,
      };
    }
    const doneAt = clock.now().getTime();
    const step = nextStep(
      outcome,
      { attempts, createdAtMs: row.createdAtMs },
      doneAt,
      this.policy,
      this.random,
    );
    const error =
      outcome.kind === 'delivered'
        ? ''
        : truncate(
            step.status === 'failed' || step.status === 'disabled' ? step.error : outcome.error,
          );
    await this.record(row, 2, {
      status: step.status,
      attempts,
      at: doneAt,
      next: step.status === 'pending' ? step.nextAttemptAtMs : undefined,
      code: outcome.statusCode,
      error,
    });
    const fields = {
      id: row.id,
      channel: row.channel,
      destination: row.destinationKey,
      attempt: attempts,
      statusCode: outcome.statusCode === 0 ? undefined : outcome.statusCode,
      outcome: step.status,
      nextAttemptAt:
        step.status === 'pending' ? new Date(step.nextAttemptAtMs).toISOString() : undefined,
      error: error === '' ? undefined : error,
    };
    if (step.status === 'delivered') log.info(fields, 'outbox message delivered');
    else if (step.status === 'pending') log.warn(fields, 'outbox attempt failed; will retry');
    else log.error(fields, `outbox message ${step.status}`);
    if (step.status === 'disabled') {
      await disableDestination(this.o.store, log, row, clock.now().getTime());
    }
    return step.status;
  }

  // Sends one attempt and waits up to the timeout; a request not answered by then stays open,
  // and a 2xx it gets later is recorded as the delivery (late-answers.ts).
  private async send(
    row: OutboxRow,
    attempts: number,
    request: OutboundRequest,
    config: Destination,
  ): Promise<AttemptOutcome> {
    const controller = new AbortController();
    const answer = sendAttempt(this.fetchFn, request, {
      signal: controller.signal,
      timeoutMs: this.timeoutMs,
      now: () => this.o.clock.now(),
      secrets: config.secrets,
    }).then(
      (o): AttemptOutcome =>
        o.kind === 'failed' && config.alreadyDelivered?.includes(o.statusCode)
          ? { kind: 'delivered', statusCode: o.statusCode }
          : o,
    );
    const outcome = await this.late.wait(
      row.id,
      answer,
      this.timeoutMs,
      this.policy.maxDelayMs + this.timeoutMs,
      () => controller.abort(),
      async (late) => {
        const at = this.o.clock.now().getTime();
        await this.record(row, 3, {
          status: 'delivered',
          attempts,
          at,
          code: late.statusCode,
          error: '',
        });
        this.o.log.info(
          {
            id: row.id,
            channel: row.channel,
            destination: row.destinationKey,
            attempt: attempts,
            statusCode: late.statusCode,
          },
          'outbox message delivered (answer after the timeout)',
        );
      },
    );
    return outcome ?? networkFailure(`no answer within ${this.timeoutMs} ms`);
  }

  private record(row: OutboxRow, bump: number, change: StateChange): Promise<void> {
    return recordChange(this.o.store, row, bump, change);
  }
}
