import { Router } from 'express';
import type { ApiToken } from '../../config/tokens';
import type { SloStatus } from '../../store/repositories/slo-status';
import { requireScope } from '../middleware/auth';

/** Returns GET /api/v1/slos (scope read): the newest evaluation of every SLO x model. */
export function sloRoutes(tokens: readonly ApiToken[], latest: () => Promise<SloStatus[]>): Router {
  const router = Router();
  router.get('/api/v1/slos', requireScope(tokens, 'read'), async (_req, res) => {
    const statuses = await latest();
    res.json({
      slos: statuses.map((s) => ({
        slo: s.slo,
        model: s.model,
        evaluated_at: new Date(s.evaluated_at_ms).toISOString(),
        objective: s.objective,
        method: s.method,
        sli: s.sli,
        good: s.good,
        total: s.total,
        budget: {
          total: s.budget_total,
          consumed: s.budget_consumed,
          remaining_fraction: s.budget_remaining,
        },
        burn_rates: s.burn_rates,
        firing: s.firing === 'none' ? null : s.firing,
        conditions: s.conditions,
      })),
    });
  });
  return router;
}
