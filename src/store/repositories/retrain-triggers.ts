// retrain_triggers (migrations/0013): one row per trigger × target, read with FINAL so a
// replayed insert of the same trigger counts once.
import { z } from 'zod';
import type { Store } from '../store';

/** One recorded trigger. Times are epoch milliseconds; `evidence` is JSON text. */
export interface RetrainTriggerRow {
  triggerId: string;
  idempotencyKey: string;
  model: string;
  modelVersion: string | null;
  reason: string;
  target: string;
  targetKind: string;
  windowFrom: string;
  windowTo: string;
  reportId: string | null;
  evidence: string;
  createdAtMs: number;
}

const COLUMNS = `trigger_id, idempotency_key, model, model_version, reason, target, target_kind,
  window_from, window_to, report_id, evidence, toUnixTimestamp64Milli(created_at) AS created_at_ms`;

const rowSchema = z
  .object({
    trigger_id: z.string(),
    idempotency_key: z.string(),
    model: z.string(),
    model_version: z.string(),
    reason: z.string(),
    target: z.string(),
    target_kind: z.string(),
    window_from: z.string(),
    window_to: z.string(),
    report_id: z.string(),
    evidence: z.string(),
    created_at_ms: z.coerce.number(),
  })
  .transform(
    (r): RetrainTriggerRow => ({
      triggerId: r.trigger_id,
      idempotencyKey: r.idempotency_key,
      model: r.model,
      modelVersion: r.model_version === '' ? null : r.model_version,
      reason: r.reason,
      target: r.target,
      targetKind: r.target_kind,
      windowFrom: r.window_from,
      windowTo: r.window_to,
      reportId: r.report_id === '' ? null : r.report_id,
      evidence: r.evidence,
      createdAtMs: r.created_at_ms,
    }),
  );

/** Records triggers, one INSERT. */
export async function insertRetrainTriggers(
  store: Store,
  rows: readonly RetrainTriggerRow[],
): Promise<void> {
  if (rows.length === 0) return;
  await store.insert({
    tag: 'retrain_triggers.insert',
    table: 'retrain_triggers',
    rows: rows.map((r) => ({
      trigger_id: r.triggerId,
      idempotency_key: r.idempotencyKey,
      model: r.model,
      model_version: r.modelVersion ?? '',
      reason: r.reason,
      target: r.target,
      target_kind: r.targetKind,
      window_from: r.windowFrom,
      window_to: r.windowTo,
      report_id: r.reportId ?? '',
      evidence: r.evidence,
      created_at: (r.createdAtMs / 1000).toFixed(3),
    })),
  });
}

/**
 * Returns the model's triggers created at or after `sinceMs`, plus any with one of `keys` as
 * idempotency key whatever their age — what the policy needs for cooldown and idempotency.
 */
export async function recentRetrainTriggers(
  store: Store,
  model: string,
  sinceMs: number,
  keys: readonly string[],
): Promise<RetrainTriggerRow[]> {
  return store.query({
    tag: 'retrain_triggers.recent',
    sql: `SELECT ${COLUMNS} FROM {db:Identifier}.retrain_triggers FINAL
          WHERE model = {model:String}
            AND (created_at >= fromUnixTimestamp64Milli({since:Int64}, 'UTC')
                 OR has({keys:Array(String)}, idempotency_key))
          ORDER BY created_at DESC, trigger_id`,
    params: { model, since: sinceMs, keys: [...keys] },
    schema: rowSchema,
  });
}

/** Returns triggers newest first, optionally of one model and one reason. */
export async function listRetrainTriggers(
  store: Store,
  query: { model?: string; reason?: string; limit: number },
): Promise<RetrainTriggerRow[]> {
  return store.query({
    tag: 'retrain_triggers.list',
    sql: `SELECT ${COLUMNS} FROM {db:Identifier}.retrain_triggers FINAL
          WHERE ({model:String} = '' OR model = {model:String})
            AND ({reason:String} = '' OR reason = {reason:String})
          ORDER BY created_at DESC, trigger_id
          LIMIT {limit:UInt32}`,
    params: { model: query.model ?? '', reason: query.reason ?? '', limit: query.limit },
    schema: rowSchema,
  });
}
