import { Router } from 'express';
import type { Clock } from '../../clock';
import type { ApiToken } from '../../config/tokens';
import { type FeedbackOptions, parseFeedback } from '../../ingest/feedback';
import { emptyRows, type RowSink } from '../../ingest/rows';
import { limitedJson } from '../body-limit';
import { requireScope } from '../middleware/auth';

/** What POST /api/v1/feedback needs: where rows go, the clock, retention and score ranges. */
export interface FeedbackDeps {
  sink: RowSink;
  clock: Clock;
  retentionDays: number;
  scoreRanges: FeedbackOptions['scoreRanges'];
  /** Largest body accepted, in bytes (default 8 MiB). */
  maxBodyBytes?: number;
}

const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;

/**
 * Returns POST /api/v1/feedback (ingest scope): delayed scores and labels, stored in
 * pending_evaluations until their request is known. Answers 200 {accepted, rejected, errors}
 * once the sink has committed the valid items; 400 when the body is not a JSON array or object.
 */
export function feedbackRoutes(tokens: readonly ApiToken[], deps: FeedbackDeps): Router {
  const router = Router();
  router.post(
    '/api/v1/feedback',
    requireScope(tokens, 'ingest'),
    // Any content type is read as JSON (curl -d sends form-urlencoded); primitives reach
    // parseFeedback, which says what was expected.
    ...limitedJson(deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, {
      type: () => true,
      strict: false,
    }),
    async (req, res) => {
      // body-parser turns an empty body into {}; an empty body is not one empty item.
      const length = req.headers['content-length'];
      const empty = req.headers['transfer-encoding'] === undefined && (length ?? '0') === '0';
      const verdict = parseFeedback(empty ? undefined : req.body, {
        now: deps.clock.now(),
        retentionDays: deps.retentionDays,
        scoreRanges: deps.scoreRanges,
      });
      if (verdict.rows.length > 0)
        await deps.sink.write({ ...emptyRows(), pending_evaluations: verdict.rows });
      res.json({
        accepted: verdict.rows.length,
        rejected: verdict.errors.length,
        errors: verdict.errors,
      });
    },
  );
  return router;
}
