import { Router } from 'express';
import type { ApiToken } from '../../config/tokens';
import { requireScope } from '../middleware/auth';

/** Returns GET /api/v1/status (read scope) and GET /api/v1/admin/config (admin scope). */
export function statusRoutes(
  tokens: readonly ApiToken[],
  status: () => Promise<Record<string, unknown>>,
  effectiveConfig: () => Record<string, unknown>,
): Router {
  const router = Router();
  router.get('/api/v1/status', requireScope(tokens, 'read'), async (_req, res) => {
    res.json(await status());
  });
  router.get('/api/v1/admin/config', requireScope(tokens, 'admin'), (_req, res) => {
    res.json(effectiveConfig());
  });
  return router;
}
