import { type Request, Router } from 'express';
import { z } from 'zod';
import type { ApiToken } from '../../config/tokens';
import { AppError } from '../../errors';
import type { ModelStats } from '../../model-stats/service';
import { parseMetric, parseStep } from '../../model-stats/timeseries';
import { timeParam } from '../../model-stats/window';
import { requireScope } from '../middleware/auth';

const single = z.string({ error: 'expected a single value' });

const rangeQuery = z.strictObject({ from: timeParam(), to: timeParam() });

const timeseriesQuery = rangeQuery.extend({
  metric: single.transform((text, ctx) => {
    const metric = parseMetric(text);
    if (!('error' in metric)) return metric;
    ctx.addIssue({ code: 'custom', message: metric.error });
    return z.NEVER;
  }),
  step: single
    .transform((text, ctx) => {
      const step = parseStep(text);
      if ('seconds' in step) return step.seconds;
      ctx.addIssue({ code: 'custom', message: step.error });
      return z.NEVER;
    })
    .optional(),
});

// zod's own texts for a missing key and an unknown key, said in the API's words.
function issueText(issue: z.core.$ZodIssue, query: Record<string, unknown>): string {
  if (issue.code === 'unrecognized_keys')
    return `unknown query parameter${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
  const key = String(issue.path[0] ?? '');
  if (issue.code === 'invalid_type' && query[key] === undefined) return `${key}: required`;
  return `${key}: ${issue.message}`;
}

/** Returns the parsed query, or throws a 400 naming every bad parameter. */
function parseQuery<T extends z.ZodType>(schema: T, req: Request): z.output<T> {
  const query = req.query as Record<string, unknown>;
  const result = schema.safeParse(query);
  if (result.success) return result.data;
  const message = result.error.issues.map((issue) => issueText(issue, query)).join('; ');
  throw new AppError('invalid_parameter', 400, message);
}

/**
 * Returns GET /api/v1/models, /api/v1/models/:model/summary and /api/v1/models/:model/timeseries
 * (read scope), answered from the minute rollups.
 */
export function modelRoutes(tokens: readonly ApiToken[], stats: ModelStats): Router {
  const router = Router();
  const read = requireScope(tokens, 'read');
  router.get('/api/v1/models', read, async (_req, res) => {
    res.json({ models: await stats.models() });
  });
  router.get('/api/v1/models/:model/summary', read, async (req, res) => {
    const query = parseQuery(rangeQuery, req);
    res.json(await stats.summary(String(req.params.model), query));
  });
  router.get('/api/v1/models/:model/timeseries', read, async (req, res) => {
    const query = parseQuery(timeseriesQuery, req);
    res.json(
      await stats.timeseries(String(req.params.model), {
        from: query.from,
        to: query.to,
        metric: query.metric,
        stepSeconds: query.step,
      }),
    );
  });
  return router;
}
