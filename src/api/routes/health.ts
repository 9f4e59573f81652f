import { Router } from 'express';
import type { Readiness } from '../../store/readiness';

/** Returns the probe routes: /healthz (the process is up) and /readyz (it can do its work). */
export function healthRoutes(readiness: () => Promise<Readiness>): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const result = await readiness();
    res.status(result.ready ? 200 : 503).json(result);
  });
  return router;
}
