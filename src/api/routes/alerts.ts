import { Router } from 'express';
import { z } from 'zod';
import type { AlertPhase } from '../../alerts/state';
import type { ApiToken } from '../../config/tokens';
import type { AlertView } from '../../store/repositories/alert-states';
import { requireScope } from '../middleware/auth';
import { parseQuery } from '../query';

/** Lists alert states (listAlerts over the store, bound by the caller). */
export type ListAlerts = (query: { phase?: AlertPhase }) => Promise<AlertView[]>;

/** The states GET /api/v1/alerts can filter on. */
export const ALERT_STATES = ['firing', 'resolved', 'inactive'] as const;

const alertsQuery = z.strictObject({
  state: z.enum(ALERT_STATES, { error: `expected one of ${ALERT_STATES.join(', ')}` }).optional(),
});

/**
 * Returns GET /api/v1/alerts?state=firing|resolved|inactive (read scope): the newest state of
 * every alert fingerprint (SLO x model x severity) with its episode times and last figures.
 */
export function alertRoutes(tokens: readonly ApiToken[], list: ListAlerts): Router {
  const router = Router();
  router.get('/api/v1/alerts', requireScope(tokens, 'read'), async (req, res) => {
    const { state } = parseQuery(alertsQuery, req.query);
    res.json({ alerts: await list(state === undefined ? {} : { phase: state }) });
  });
  return router;
}
