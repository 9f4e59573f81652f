// The retrainer: evidence in, triggers out. Loads the model's recent triggers, asks the pure
// policy which targets fire, records them (the record is what makes a retried or duplicated
// scheduler a no-op), then enqueues one outbox message per target (message id = trigger id) and
// one Slack message per evidence key when configured. Nothing here sends HTTP itself.
import type { ChannelConfig } from '../alerts/channels/config';
import type { Clock } from '../clock';
import type { Outbox } from '../outbox/outbox';
import { DEFAULT_RETRY_POLICY } from '../outbox/retry-policy';
import {
  insertRetrainTriggers,
  type RetrainTriggerRow,
  recentRetrainTriggers,
} from '../store/repositories/retrain-triggers';
import type { Store } from '../store/store';
import type { Logger } from '../telemetry/logger';
import { type ModelRetrainConfig, type RetrainConfig, retrainConfigFor } from './config';
import type { Evidence } from './evidence';
import type { TriggerContext } from './payload';
import { conditionMet, decideTriggers, idempotencyKey, type PlannedTrigger } from './policy';
import { renderRetrainSlack } from './slack';
import { destinationName, renderTrigger } from './targets/index';

/** What the retrainer needs. */
export interface RetrainerOptions {
  store: Store;
  outbox: Outbox;
  config: RetrainConfig;
  /** The alert channels (for the `slack:` channel of an entry). */
  channels?: readonly ChannelConfig[];
  log: Logger;
  clock: Clock;
}

/** A trigger that fired. */
export interface FiredTrigger {
  triggerId: string;
  idempotencyKey: string;
  model: string;
  reason: PlannedTrigger['reason'];
  target: string;
  targetKind: string;
  /** The outbox destination name the message was enqueued for. */
  destination: string;
  createdAt: Date;
}

/** Turns evidence into retrain triggers. */
export interface Retrainer {
  /** Returns the triggers fired for `evidence` (stored, then enqueued); [] when none. */
  onEvidence(evidence: Evidence): Promise<FiredTrigger[]>;
}

/** Returns the retrainer over `store` and `outbox`. */
export function createRetrainer(options: RetrainerOptions): Retrainer {
  return { onEvidence: (evidence) => onEvidence(options, evidence) };
}

/** How long after a trigger was recorded a replay re-enqueues it (the outbox keeps rows 30 days). */
export const REENQUEUE_WITHIN_MS = DEFAULT_RETRY_POLICY.maxAgeMs;

/** The id of the Slack message of one evidence key (target names cannot hold ":"). */
export function slackMessageId(idempotencyKey: string): string {
  return `${idempotencyKey}:slack`;
}

async function onEvidence(o: RetrainerOptions, evidence: Evidence): Promise<FiredTrigger[]> {
  const config = retrainConfigFor(o.config, evidence.model);
  if (config === undefined) return [];
  const now = o.clock.now();
  const reason = conditionMet(config.on, evidence);
  if (reason === null) {
    o.log.debug({ model: evidence.model, reason: evidence.reason }, 'retrain condition not met');
    return [];
  }
  // What the cooldown (triggers since now - cooldown) and idempotency (this key) checks need.
  const recent = await recentRetrainTriggers(
    o.store,
    evidence.model,
    now.getTime() - config.cooldownMs,
    [idempotencyKey(evidence.model, reason, evidence.window)],
  );
  const decision = decideTriggers(config, evidence, recent, now.getTime());
  for (const s of decision.skipped) {
    o.log.info(
      { model: evidence.model, trigger: s.triggerId, target: s.target, why: s.why },
      'retrain trigger skipped',
    );
  }
  // A duplicate was recorded by an earlier run that may have died before enqueueing: enqueue it
  // again (a no-op when the outbox has it, as the message id is the trigger id) — only while the
  // outbox surely still holds the message if it had it, so an old window replayed never resends.
  const duplicates = decision.skipped.filter((s) => s.why === 'duplicate');
  for (const s of duplicates) {
    const target = config.targets.find((t) => t.name === s.target);
    const row = recent.find((r) => r.triggerId === s.triggerId);
    if (target === undefined || row === undefined || decision.reason === null) continue;
    if (now.getTime() - row.createdAtMs > REENQUEUE_WITHIN_MS) continue;
    const trigger = {
      triggerId: s.triggerId,
      idempotencyKey: row.idempotencyKey,
      model: evidence.model,
      reason: decision.reason,
      target,
    };
    await enqueueTarget(o, config, { trigger, evidence, at: new Date(row.createdAtMs) });
  }
  if (decision.fire.length === 0) return [];

  const rows: RetrainTriggerRow[] = decision.fire.map((t) => ({
    triggerId: t.triggerId,
    idempotencyKey: t.idempotencyKey,
    model: t.model,
    modelVersion: evidence.modelVersion,
    reason: t.reason,
    target: t.target.name,
    targetKind: t.target.kind,
    windowFrom: evidence.window.from,
    windowTo: evidence.window.to,
    reportId: evidence.reportId ?? null,
    evidence: JSON.stringify(evidence),
    createdAtMs: now.getTime(),
  }));
  await insertRetrainTriggers(o.store, rows);

  const fired: FiredTrigger[] = [];
  for (const trigger of decision.fire) {
    const destination = await enqueueTarget(o, config, { trigger, evidence, at: now });
    fired.push({
      triggerId: trigger.triggerId,
      idempotencyKey: trigger.idempotencyKey,
      model: trigger.model,
      reason: trigger.reason,
      target: trigger.target.name,
      targetKind: trigger.target.kind,
      destination,
      createdAt: now,
    });
    o.log.info(
      {
        model: trigger.model,
        reason: trigger.reason,
        trigger: trigger.triggerId,
        target: trigger.target.name,
        kind: trigger.target.kind,
      },
      'retrain triggered',
    );
  }
  const first = decision.fire[0];
  if (config.slack !== undefined && first !== undefined) {
    const channel = o.channels?.find((c) => c.name === config.slack);
    if (channel?.kind === 'slack') {
      await o.outbox.enqueue({
        id: slackMessageId(first.idempotencyKey),
        channel: channel.name,
        kind: 'retrain.triggered',
        request: renderRetrainSlack(
          { trigger: first, evidence, at: now },
          decision.fire.map((t) => t.target.name),
          channel,
        ),
      });
    } else {
      o.log.warn(
        { model: evidence.model, channel: config.slack },
        'retrain slack channel not configured',
      );
    }
  }
  return fired;
}

// Enqueues the trigger for its target; returns the destination name.
async function enqueueTarget(
  o: RetrainerOptions,
  config: ModelRetrainConfig,
  context: TriggerContext,
): Promise<string> {
  const destination = destinationName(config.key, context.trigger.target.name);
  await o.outbox.enqueue({
    id: context.trigger.triggerId,
    channel: destination,
    kind: 'retrain.triggered',
    request: renderTrigger(context, context.trigger.target),
  });
  return destination;
}
