// Operator endpoints: POST /admin/cache/flush drops cached answers (all, or one model's) and
// GET /metrics serves the sidecar's own Prometheus registry.
import { Router } from 'express';
import { z } from 'zod';
import { parseBody } from '../../api/body';
import type { RouteDeps } from './context';

const flushSchema = z.strictObject({ model: z.string().min(1).optional() });

/** Returns the admin and metrics routes. */
export function adminRoutes(deps: RouteDeps): Router {
  const router = Router();
  router.post('/admin/cache/flush', (req, res) => {
    const body = parseBody(flushSchema, req.body ?? {});
    const flushed = deps.cache?.flush(body.model) ?? 0;
    res.json({ flushed, ...(body.model === undefined ? {} : { model: body.model }) });
  });
  router.get('/metrics', async (_req, res) => {
    const registry = deps.metrics.registry;
    res.type(registry.contentType).send(await registry.metrics());
  });
  return router;
}
