// Operator endpoints: POST /admin/cache/flush drops cached answers (all, or one model's) and
// GET /metrics serves the sidecar's own Prometheus registry (without the series of dropped models).
import { Router } from 'express';
import { z } from 'zod';
import { parseBody } from '../../api/body';
import { forgetModel } from '../server-metrics';
import type { RouteDeps } from './context';

const flushSchema = z.strictObject({ model: z.string().min(1).optional() });

/** Returns the admin and metrics routes; an evicted model's series leave the metrics. */
export function adminRoutes(deps: RouteDeps): Router {
  // Here because this is where the pool meets the metrics it labels (server.ts wires the rest).
  deps.pool.onEvict((model) => {
    forgetModel(deps.metrics, model).catch((err: unknown) =>
      deps.log?.error({ err, model }, 'sidecar: dropping metric series of an evicted model failed'),
    );
  });
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
