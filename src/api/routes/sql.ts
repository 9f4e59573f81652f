import { Router } from 'express';
import { z } from 'zod';
import type { ApiToken } from '../../config/tokens';
import { renderSqlResult, SQL_FORMATS } from '../../sql/render';
import type { SqlRunner } from '../../store/repositories/sql';
import { parseBody } from '../body';
import { limitedJson } from '../body-limit';
import { requireScope } from '../middleware/auth';

/** Largest query text accepted, in characters. */
export const MAX_QUERY_CHARS = 100_000;

const sqlBody = z.strictObject({
  query: z.string({ error: 'expected a string holding one SELECT statement' }).max(MAX_QUERY_CHARS),
  format: z
    .enum(SQL_FORMATS, { error: `expected one of ${SQL_FORMATS.join(', ')}` })
    .default('json'),
});

/**
 * Returns POST /api/v1/sql (admin): one read-only statement over the store's database, answered
 * as JSON (default), CSV or a plain-text table. `X-InsightAgent-Truncated` says whether rows were
 * cut at the row limit; a refused or failing query is a 400 naming what is wrong.
 */
export function sqlRoutes(tokens: readonly ApiToken[], runner: SqlRunner): Router {
  const router = Router();
  router.post(
    '/api/v1/sql',
    requireScope(tokens, 'admin'),
    ...limitedJson(MAX_QUERY_CHARS * 4, { type: () => true, strict: false }),
    async (req, res) => {
      const { query, format } = parseBody(sqlBody, req.body);
      // A caller that hangs up stops waiting for its answer.
      const aborted = new AbortController();
      res.on('close', () => aborted.abort());
      const result = await runner.run(query, aborted.signal);
      const rendered = renderSqlResult(result, format);
      res
        .status(200)
        .setHeader('X-InsightAgent-Truncated', String(result.truncated))
        .setHeader('X-InsightAgent-Row-Count', String(result.rows.length))
        .type(rendered.contentType)
        .send(rendered.body);
    },
  );
  return router;
}
