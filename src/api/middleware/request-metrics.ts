import type { RequestHandler } from 'express';
import type { Metrics } from '../../telemetry/metrics';

/** Returns middleware timing each request by method, matched route pattern and status. */
export function requestMetrics(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const end = metrics.httpRequests.startTimer();
    res.on('finish', () => {
      // The route pattern, not the URL, keeps the label set small; unmatched requests share one.
      const route =
        req.route?.path === undefined ? 'unmatched' : `${req.baseUrl}${String(req.route.path)}`;
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}
