import { Router } from 'express';
import { z } from 'zod';
import type { ApiToken } from '../../config/tokens';
import type { RetrainTriggerRow } from '../../store/repositories/retrain-triggers';
import { requireScope } from '../middleware/auth';
import { parseQuery } from '../query';

/** Lists retrain triggers, newest first (listRetrainTriggers over the store, bound by the caller). */
export type ListRetrainTriggers = (query: {
  model?: string;
  limit: number;
}) => Promise<RetrainTriggerRow[]>;

/** Most triggers one answer lists. */
export const MAX_TRIGGERS_LIMIT = 1000;

const limitError = `expected an integer from 1 to ${MAX_TRIGGERS_LIMIT}`;
const triggersQuery = z.strictObject({
  model: z.string({ error: 'expected a single value' }).min(1, 'expected a model name').optional(),
  limit: z
    .string({ error: 'expected a single value' })
    .regex(/^\d+$/, { error: limitError })
    .transform(Number)
    .pipe(z.number().min(1, { error: limitError }).max(MAX_TRIGGERS_LIMIT, { error: limitError }))
    .default(100),
});

/**
 * Returns GET /api/v1/retrain/triggers?model=&limit= (read scope): the triggers fired, newest
 * first, with their evidence — never a target's URL or credentials.
 */
export function retrainRoutes(tokens: readonly ApiToken[], list: ListRetrainTriggers): Router {
  const router = Router();
  router.get('/api/v1/retrain/triggers', requireScope(tokens, 'read'), async (req, res) => {
    const q = parseQuery(triggersQuery, req.query);
    const rows = await list(
      q.model === undefined ? { limit: q.limit } : { model: q.model, limit: q.limit },
    );
    res.json({
      triggers: rows.map((r) => ({
        trigger_id: r.triggerId,
        idempotency_key: r.idempotencyKey,
        model: r.model,
        model_version: r.modelVersion,
        reason: r.reason,
        target: r.target,
        target_kind: r.targetKind,
        window: { from: r.windowFrom, to: r.windowTo },
        report_id: r.reportId,
        created_at: new Date(r.createdAtMs).toISOString(),
        evidence: JSON.parse(r.evidence) as unknown,
      })),
    });
  });
  return router;
}
