import express, { type Express } from 'express';
import { pinoHttp } from 'pino-http';
import type { ApiToken } from '../config/tokens';
import type { ModelStats } from '../model-stats/service';
import type { InsightReports } from '../report/service';
import type { Readiness } from '../store/readiness';
import type { SloStatus } from '../store/repositories/slo-status';
import type { SqlRunner } from '../store/repositories/sql';
import type { Logger } from '../telemetry/logger';
import type { Metrics } from '../telemetry/metrics';
import { loggedUrl } from './log-url';
import { errorHandler, notFound } from './middleware/errors';
import { requestMetrics } from './middleware/request-metrics';
import { alertRoutes, type ListAlerts } from './routes/alerts';
import { deliveryRoutes, type ListDeliveries } from './routes/deliveries';
import { type DriftApiDeps, driftRoutes } from './routes/drift';
import { type FeedbackDeps, feedbackRoutes } from './routes/feedback';
import { healthRoutes } from './routes/health';
import { metricsRoutes } from './routes/metrics';
import { modelRoutes } from './routes/models';
import { reportRoutes } from './routes/reports';
import { type ListRetrainTriggers, retrainRoutes } from './routes/retrain';
import { type SilenceDeps, silenceRoutes } from './routes/silences';
import { sloRoutes } from './routes/slos';
import { sqlRoutes } from './routes/sql';
import { statusRoutes } from './routes/status';
import { uiRoutes } from './routes/ui';

/** What the API needs from the rest of the service; handlers never reach the store themselves. */
export interface ApiDeps {
  tokens: readonly ApiToken[];
  log: Logger;
  metrics: Metrics;
  readiness: () => Promise<Readiness>;
  status: () => Promise<Record<string, unknown>>;
  effectiveConfig: () => Record<string, unknown>;
  /** GET /api/v1/models[/:model/summary|timeseries]; the routes exist only when given. */
  modelStats?: ModelStats;
  /** POST /api/v1/feedback; the route exists only when given. */
  feedback?: FeedbackDeps;
  /** GET /api/v1/slos: the newest SLO evaluations; the route exists only when given. */
  sloStatus?: () => Promise<SloStatus[]>;
  /** GET /api/v1/deliveries; the route exists only when given. */
  deliveries?: ListDeliveries;
  /** POST/GET/DELETE /api/v1/silences; the routes exist only when given. */
  silences?: SilenceDeps;
  /** GET /api/v1/alerts; the route exists only when given. */
  alerts?: ListAlerts;
  /** GET /api/v1/retrain/triggers; the route exists only when given. */
  retrainTriggers?: ListRetrainTriggers;
  /** POST /api/v1/sql: read-only SQL (admin); the route exists only when given. */
  sql?: SqlRunner;
  /** /api/v1/drift/* and /api/v1/references; the routes exist only when given. */
  drift?: DriftApiDeps;
  /** GET /api/v1/reports/insight; the route exists only when given. */
  reports?: InsightReports;
}

const QUIET = /^\/(healthz|readyz|metrics)(\?|$)/;

/** Returns the REST API: probes and metrics (open), /api/v1 (token scopes), the web UI at /, JSON errors. */
export function createApp(deps: ApiDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(
    pinoHttp({
      logger: deps.log,
      autoLogging: { ignore: (req) => QUIET.test(req.url ?? '') },
      serializers: {
        req: (req: { method: string; url: string }) => ({
          method: req.method,
          url: loggedUrl(req.url),
        }),
        res: (res: { statusCode: number }) => ({ status: res.statusCode }),
      },
    }),
  );
  app.use(requestMetrics(deps.metrics));
  app.use(healthRoutes(deps.readiness));
  app.use(metricsRoutes(deps.metrics.registry));
  app.use(statusRoutes(deps.tokens, deps.status, deps.effectiveConfig));
  if (deps.modelStats !== undefined) app.use(modelRoutes(deps.tokens, deps.modelStats));
  if (deps.feedback !== undefined) app.use(feedbackRoutes(deps.tokens, deps.feedback));
  if (deps.sloStatus !== undefined) app.use(sloRoutes(deps.tokens, deps.sloStatus));
  if (deps.deliveries !== undefined) app.use(deliveryRoutes(deps.tokens, deps.deliveries));
  if (deps.silences !== undefined) app.use(silenceRoutes(deps.tokens, deps.silences));
  if (deps.alerts !== undefined) app.use(alertRoutes(deps.tokens, deps.alerts));
  if (deps.retrainTriggers !== undefined) {
    app.use(retrainRoutes(deps.tokens, deps.retrainTriggers));
  }
  if (deps.sql !== undefined) app.use(sqlRoutes(deps.tokens, deps.sql));
  if (deps.drift !== undefined) app.use(driftRoutes(deps.tokens, deps.drift));
  if (deps.reports !== undefined) app.use(reportRoutes(deps.tokens, deps.reports));
  // The web UI's static files need no token: the data they show comes from /api/v1 with one.
  app.use(uiRoutes());
  app.use(notFound);
  app.use(errorHandler(deps.log));
  return app;
}
