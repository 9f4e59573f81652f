// The retrain policy — pure: given one model's settings, a piece of evidence, the model's recent
// triggers and `now`, which targets fire. A target fires when a configured condition is met, no
// trigger of the same evidence key exists for it (idempotency: the same model, reason and window
// never trigger twice, whatever the scheduler replays), and its last trigger of this model is
// older than the cooldown.
import { createHash } from 'node:crypto';
import type { ModelRetrainConfig, RetrainConditions, RetrainTarget } from './config';
import type { Evidence, RetrainReason } from './evidence';

/** A trigger already recorded for the model (from the store). */
export interface RecentTrigger {
  triggerId: string;
  idempotencyKey: string;
  target: string;
  createdAtMs: number;
}

/** A trigger the policy decided to fire. */
export interface PlannedTrigger {
  /** `<idempotencyKey>.<target name>`: the outbox message id and the store key. */
  triggerId: string;
  idempotencyKey: string;
  model: string;
  reason: RetrainReason;
  target: RetrainTarget;
}

/** Why a target did not fire although the condition was met. */
export interface SkippedTarget {
  target: string;
  why: 'duplicate' | 'cooldown';
  triggerId: string;
}

/** The decision for one piece of evidence. */
export interface RetrainDecision {
  /** The condition met, or null when none was (then nothing fires or is skipped). */
  reason: RetrainReason | null;
  idempotencyKey: string | null;
  fire: PlannedTrigger[];
  skipped: SkippedTarget[];
}

/** Returns `rt_<32 hex>`: a hash of model, reason and window — the same inputs, the same key. */
export function idempotencyKey(
  model: string,
  reason: RetrainReason,
  window: { from: string; to: string },
): string {
  const text = JSON.stringify([model, reason, window.from, window.to]);
  return `rt_${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
}

/** Returns the trigger id of one target for one key (the target's outbox message id). */
export function triggerId(key: string, target: string): string {
  return `${key}.${target}`;
}

/** Returns how many of the evidence's drifted features count for the `features` condition. */
export function countedDriftedFeatures(on: RetrainConditions, evidence: Evidence): number {
  const names = on.features?.names;
  return evidence.features.filter(
    (f) => f.drifted && (names === undefined || names.includes(f.name)),
  ).length;
}

/**
 * Decides which condition the evidence meets, or null: drift evidence is judged against
 * `dataset_drift` first, then `features`; SLO evidence against `slo_burn` (a page meets a
 * `ticket` condition too).
 */
export function conditionMet(on: RetrainConditions, evidence: Evidence): RetrainReason | null {
  if (evidence.reason === 'slo_burn') {
    const slo = evidence.slo;
    const cond = on.slo_burn;
    if (slo === undefined || cond === undefined) return null;
    if (cond.slos !== undefined && !cond.slos.includes(slo.name)) return null;
    const severe = cond.severity === 'ticket' || slo.severity === 'page';
    return severe ? 'slo_burn' : null;
  }
  if (on.dataset_drift === true && evidence.datasetDrift === true) return 'dataset_drift';
  if (on.features !== undefined && countedDriftedFeatures(on, evidence) >= on.features.at_least) {
    return 'features_drift';
  }
  return null;
}

/** Decides which of the model's targets fire for `evidence` at `nowMs`, given its recent triggers. */
export function decideTriggers(
  config: ModelRetrainConfig,
  evidence: Evidence,
  recent: readonly RecentTrigger[],
  nowMs: number,
): RetrainDecision {
  const reason = conditionMet(config.on, evidence);
  if (reason === null) return { reason: null, idempotencyKey: null, fire: [], skipped: [] };
  const key = idempotencyKey(evidence.model, reason, evidence.window);
  const fire: PlannedTrigger[] = [];
  const skipped: SkippedTarget[] = [];
  for (const target of config.targets) {
    const id = triggerId(key, target.name);
    const mine = recent.filter((r) => r.target === target.name);
    if (mine.some((r) => r.triggerId === id)) {
      skipped.push({ target: target.name, why: 'duplicate', triggerId: id });
      continue;
    }
    const last = Math.max(...mine.map((r) => r.createdAtMs));
    if (mine.length > 0 && nowMs - last < config.cooldownMs) {
      skipped.push({ target: target.name, why: 'cooldown', triggerId: id });
      continue;
    }
    fire.push({ triggerId: id, idempotencyKey: key, model: evidence.model, reason, target });
  }
  return { reason, idempotencyKey: key, fire, skipped };
}
