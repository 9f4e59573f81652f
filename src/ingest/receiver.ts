// The OTLP/HTTP receiver (INSIGHTAGENT_OTLP_PORT): POST /v1/{traces,logs,metrics}, protobuf or
// JSON, gzip, answered in the request's encoding. Decode → map → the sink (the group-commit
// writer): 200 only once the rows are committed. Every error is a google.rpc.Status body.
import express, {
  type ErrorRequestHandler,
  type Express,
  type NextFunction,
  type Request,
  type Response,
} from 'express';
import { refuseOversizedBody } from '../api/body-limit';
import { requireScope } from '../api/middleware/auth';
import { toAppError } from '../api/middleware/errors';
import { requestMetrics } from '../api/middleware/request-metrics';
import { type Clock, systemClock } from '../clock';
import type { ApiToken } from '../config/tokens';
import { AppError } from '../errors';
import type { Logger } from '../telemetry/logger';
import type { Metrics } from '../telemetry/metrics';
import { mapExport } from './genai';
import {
  countItems,
  decodeExport,
  type Encoding,
  encodeExportResponse,
  encodeStatus,
} from './otlp';
import { CONTENT_TYPES, encodingOf, grpcCodeOf, OTLP_PATHS } from './otlp-http';
import type { RowSink } from './rows';
import type { IngestSettings } from './settings';

/** What the receiver needs: where rows go, auth, observability, mapping and body settings. */
export interface ReceiverDeps {
  sink: RowSink;
  tokens: readonly ApiToken[];
  log: Logger;
  metrics: Metrics;
  settings: IngestSettings;
  retentionDays: number;
  clock?: Clock;
}

/** Returns the OTLP/HTTP app: the three export paths, token scope `ingest`, Status errors. */
export function createReceiver(deps: ReceiverDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(requestMetrics(deps.metrics));
  app.use(countOutcome(deps.metrics));
  const readBody = express.raw({
    type: () => true,
    // body-parser inflates gzip/deflate/br and counts the limit on the inflated bytes, stopping
    // the decompression at the limit: a gzip bomb costs at most the limit.
    inflate: true,
    limit: deps.settings.maxBodyBytes,
  });
  for (const [path, signal] of Object.entries(OTLP_PATHS)) {
    app.post(
      path,
      (_req, res, next) => {
        res.locals.signal = signal;
        next();
      },
      requireScope(deps.tokens, 'ingest'),
      requireOtlpContentType,
      refuseOversizedBody(deps.settings.maxBodyBytes),
      // A closed intake (startup migrations) refuses before the body is read and decoded: a
      // storm of resends after a restart then costs no decoding.
      (_req, _res, next) => next(deps.sink.refusal?.()),
      readBody,
      async (req, res) => {
        const encoding = encodingOf(req.headers['content-type']) ?? 'json';
        const body: Buffer = Buffer.isBuffer(req.body) ? req.body : EMPTY;
        const request = decodeExport(signal, encoding, body);
        const items = countItems(request);
        const mapped = mapExport(signal, request, {
          now: (deps.clock ?? systemClock).now(),
          retentionDays: deps.retentionDays,
          requestSpanKeys: deps.settings.requestSpanKeys,
          scoreRanges: deps.settings.scoreRanges,
        });
        await deps.sink.write(mapped.rows);
        const partial = mapped.rejected > 0 || mapped.errorMessage !== '';
        deps.metrics.otlpItems.inc({ signal, result: 'accepted' }, items - mapped.rejected);
        if (mapped.rejected > 0)
          deps.metrics.otlpItems.inc({ signal, result: 'rejected' }, mapped.rejected);
        res.locals.outcome = partial ? 'partial' : 'ok';
        res
          .status(200)
          .type(CONTENT_TYPES[encoding])
          .send(
            encodeExportResponse(
              signal,
              encoding,
              partial
                ? { rejected: mapped.rejected, errorMessage: mapped.errorMessage }
                : undefined,
            ),
          );
      },
    );
    app.all(path, (req, res, next) => {
      res.locals.signal = signal;
      res.setHeader('Allow', 'POST');
      next(new AppError('method_not_allowed', 405, `${req.method} ${path}: only POST is allowed`));
    });
  }
  app.use((req, _res, next) => {
    next(
      new AppError(
        'not_found',
        404,
        `no route for ${req.method} ${req.path}; OTLP/HTTP paths are ${Object.keys(OTLP_PATHS).join(', ')}`,
      ),
    );
  });
  app.use(statusErrors(deps.log));
  return app;
}

const EMPTY = Buffer.alloc(0);

function requireOtlpContentType(req: Request, _res: Response, next: NextFunction): void {
  if (encodingOf(req.headers['content-type']) !== undefined) {
    next();
    return;
  }
  const got = req.headers['content-type'] ?? 'none';
  next(
    new AppError(
      'unsupported_media_type',
      415,
      `unsupported Content-Type ${JSON.stringify(got)}; send application/x-protobuf or application/json`,
    ),
  );
}

// One count per answered request: signal (or "unknown" off the OTLP paths) and outcome.
function countOutcome(metrics: Metrics) {
  return (_req: Request, res: Response, next: NextFunction) => {
    res.on('finish', () => {
      metrics.otlpRequests.inc({
        signal: (res.locals.signal as string | undefined) ?? 'unknown',
        outcome: (res.locals.outcome as string | undefined) ?? String(res.statusCode),
      });
    });
    next();
  };
}

/**
 * Returns the receiver's error middleware: a google.rpc.Status {code, message} in the request's
 * encoding (JSON when the request's type is neither), Retry-After on 429/503.
 */
export function statusErrors(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const known = toAppError(err);
    res.locals.outcome = known.code;
    if (known.status >= 500 && known.status !== 503) {
      log.error({ err, method: req.method, path: req.path }, 'OTLP request failed');
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const encoding: Encoding = encodingOf(req.headers['content-type']) ?? 'json';
    if (known.retryAfterSeconds !== undefined) {
      res.setHeader('Retry-After', String(Math.max(1, Math.ceil(known.retryAfterSeconds))));
    }
    res
      .status(known.status)
      .type(CONTENT_TYPES[encoding])
      .send(encodeStatus(encoding, grpcCodeOf(known.status), known.message));
  };
}
