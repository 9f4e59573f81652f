import { Router } from 'express';
import { z } from 'zod';
import type { ApiToken } from '../../config/tokens';
import { type Delivery, OUTBOX_STATUSES, type OutboxStatus } from '../../store/repositories/outbox';
import { requireScope } from '../middleware/auth';
import { parseQuery } from '../query';

/** Lists outbox messages, newest first (listDeliveries over the store, bound by the caller). */
export type ListDeliveries = (query: {
  status?: OutboxStatus;
  limit: number;
}) => Promise<Delivery[]>;

/** Most messages one answer lists. */
export const MAX_DELIVERIES_LIMIT = 1000;

const deliveriesQuery = z.strictObject({
  status: z
    .enum(OUTBOX_STATUSES, { error: `expected one of ${OUTBOX_STATUSES.join(', ')}` })
    .optional(),
  limit: z
    .string({ error: 'expected a single value' })
    .regex(/^\d+$/, { error: `expected an integer from 1 to ${MAX_DELIVERIES_LIMIT}` })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(1, { error: `expected an integer from 1 to ${MAX_DELIVERIES_LIMIT}` })
        .max(MAX_DELIVERIES_LIMIT, {
          error: `expected an integer from 1 to ${MAX_DELIVERIES_LIMIT}`,
        }),
    )
    .default(100),
});

/**
 * Returns GET /api/v1/deliveries?status=&limit= (read scope): each outbound message's state,
 * attempts, next attempt and last error — never its URL, body or secrets.
 */
export function deliveryRoutes(tokens: readonly ApiToken[], list: ListDeliveries): Router {
  const router = Router();
  router.get('/api/v1/deliveries', requireScope(tokens, 'read'), async (req, res) => {
    const { status, limit } = parseQuery(deliveriesQuery, req.query);
    res.json({ deliveries: await list(status === undefined ? { limit } : { status, limit }) });
  });
  return router;
}
