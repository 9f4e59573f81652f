import { Router } from 'express';
import { z } from 'zod';
import type { ApiToken } from '../../config/tokens';
import { timeParam } from '../../model-stats/window';
import { renderInsight } from '../../report/render';
import {
  DEFAULT_REPORT_WINDOW_MS,
  parseReportFormat,
  parseReportWindow,
} from '../../report/request';
import type { InsightReports } from '../../report/service';
import { requireScope } from '../middleware/auth';
import { parseQuery } from '../query';

const single = z.string({
  error: (issue) => (issue.input === undefined ? 'required' : 'expected a single value'),
});

const insightQuery = z.strictObject({
  model: single.min(1, 'required'),
  window: single
    .transform((text, ctx) => {
      const window = parseReportWindow(text);
      if ('ms' in window) return window.ms;
      ctx.addIssue({ code: 'custom', message: window.error });
      return z.NEVER;
    })
    .default(DEFAULT_REPORT_WINDOW_MS),
  to: timeParam().optional(),
  format: single
    .transform((text, ctx) => {
      const format = parseReportFormat(text);
      if ('format' in format) return format.format;
      ctx.addIssue({ code: 'custom', message: format.error });
      return z.NEVER;
    })
    .default('json'),
});

/**
 * Returns GET /api/v1/reports/insight?model=&window=&to=&format= (read scope): the model's
 * insight report over the window ending at `to` (default now) as JSON, Markdown or HTML.
 */
export function reportRoutes(tokens: readonly ApiToken[], reports: InsightReports): Router {
  const router = Router();
  router.get('/api/v1/reports/insight', requireScope(tokens, 'read'), async (req, res) => {
    const query = parseQuery(insightQuery, req.query);
    const report = await reports.insight(query.model, {
      windowMs: query.window,
      ...(query.to === undefined ? {} : { toMs: query.to }),
    });
    const rendered = renderInsight(report, query.format);
    // The HTML page is static: nothing in it may run or load (it opens on the UI's origin).
    if (query.format === 'html')
      res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    res.type(rendered.contentType).send(rendered.body);
  });
  return router;
}
