// The sidecar server: OpenAI-compatible and KServe v2 endpoints in front of one backend, a
// dynamic batcher per model, admission control, a response cache and its own /metrics.
import type { RequestListener } from 'node:http';
import express, { type Express } from 'express';
import { refuseOversizedBody } from '../api/body-limit';
import { closeServer, type Listening, listen } from '../api/http-server';
import { errorHandler, notFound } from '../api/middleware/errors';
import { createLogger, type Logger } from '../telemetry/logger';
import type { Backend } from './backend';
import { DEVICE_PROFILES, emulatedBackend } from './backends/emulated';
import { kserveBackend } from './backends/kserve';
import { openaiBackend } from './backends/openai';
import { ResponseCache } from './cache';
import type { CachedAnswer } from './inference';
import { ModelPool } from './model-pool';
import type { RequestRecorder } from './request-record';
import { adminRoutes } from './routes/admin';
import type { RouteDeps } from './routes/context';
import { BODY_LIMIT_BYTES, directListener } from './routes/direct';
import { kserveDirectRoutes, kserveRoutes } from './routes/kserve';
import { openaiDirectRoutes, openaiRoutes } from './routes/openai';
import type { SidecarConfig, SidecarFileConfig } from './server-config';
import { createSidecarMetrics, type SidecarMetrics } from './server-metrics';
import { noteArrival } from './server-timing';
import { RateLimiter, type RateLimiterConfigInput } from './token-bucket';

/** What a sidecar server is made of; only `config` is required. */
export interface SidecarServerOptions {
  config: SidecarConfig;
  /** Default: made from `config` (backend, upstream, profile). */
  backend?: Backend;
  /** Where each finished or refused request goes (telemetry); default: nowhere. */
  recorder?: RequestRecorder;
  log?: Logger;
  /** Epoch milliseconds for rate limits and records; default Date.now. */
  now?: () => number;
}

/** A running sidecar. */
export interface SidecarServer {
  url: string;
  host: string;
  port: number;
  metrics: SidecarMetrics;
  /** Stops accepting, lets in-flight requests finish within `graceMs`, then closes the batchers. */
  close(graceMs?: number): Promise<'drained' | 'forced'>;
}

/** Returns the backend the configuration names; a failed upstream version lookup is logged. */
export function backendFromConfig(config: SidecarConfig, log?: Logger): Backend {
  if (config.backend !== 'emulated') {
    const upstream = {
      url: config.upstream as string,
      ...(config.model_version === undefined ? {} : { modelVersion: config.model_version }),
      versionRefresh: {
        maxAgeMs: config.model_version_refresh_ms,
        onAskError: (model: string, err: unknown) =>
          log?.warn({ err, model }, 'upstream model version unknown; keeping the last known'),
      },
    };
    return config.backend === 'openai' ? openaiBackend(upstream) : kserveBackend(upstream);
  }
  const profile = DEVICE_PROFILES[config.profile];
  if (profile === undefined) throw new RangeError(`unknown profile ${config.profile}`);
  return emulatedBackend(profile, config.model_version ?? 'emulated-1');
}

/** Returns the rate limiter of the `rate_limits:` section, or undefined when it is empty. */
export function limiterFromConfig(
  limits: SidecarFileConfig['rate_limits'],
): RateLimiter | undefined {
  const dimensions: RateLimiterConfigInput['dimensions'] = {};
  const dimension = (d: NonNullable<typeof limits.api_key>) => ({
    default: { ratePerSec: d.default.rate_per_sec, burst: d.default.burst },
    overrides: Object.fromEntries(
      Object.entries(d.overrides).map(([k, r]) => [
        k,
        { ratePerSec: r.rate_per_sec, burst: r.burst },
      ]),
    ),
  });
  if (limits.request_type !== undefined) dimensions.requestType = dimension(limits.request_type);
  if (limits.api_key !== undefined) dimensions.apiKey = dimension(limits.api_key);
  return Object.keys(dimensions).length === 0 ? undefined : new RateLimiter({ dimensions });
}

/** The app and what it holds, before it listens. */
export interface SidecarApp {
  app: Express;
  /** What the server listens with: the inference POSTs served directly, the rest by `app`. */
  listener: RequestListener;
  deps: RouteDeps;
  pool: ModelPool;
  setDraining(): void;
}

/** Returns the Express app of a sidecar (no socket): routes, JSON errors, the pipeline. */
export function createSidecarApp(options: SidecarServerOptions): SidecarApp {
  const { config } = options;
  const log = options.log ?? createLogger('silent');
  const backend = options.backend ?? backendFromConfig(config, log);
  let pool: ModelPool | undefined;
  const cache = config.cache.enabled
    ? new ResponseCache<CachedAnswer>({
        maxEntries: config.cache.max_entries,
        maxBytes: config.cache.max_bytes,
      })
    : undefined;
  const metrics = createSidecarMetrics(
    () => pool,
    () => cache?.stats(),
  );
  pool = new ModelPool(backend, config.models, config.defaults, (model, size, ms) => {
    metrics.batchSize.observe({ model }, size);
    metrics.batchDuration.observe({ model }, ms / 1000);
  });
  for (const model of Object.keys(config.models))
    cache?.setModelVersion(model, backend.modelVersion);
  let draining = false;
  const limiter = limiterFromConfig(config.rate_limits);
  const deps: RouteDeps = {
    backend,
    pool,
    metrics,
    recorder: options.recorder ?? (() => {}),
    log,
    now: options.now ?? Date.now,
    draining: () => draining,
    ...(cache === undefined ? {} : { cache }),
    ...(limiter === undefined ? {} : { limiter }),
  };
  const app = express();
  app.disable('x-powered-by');
  // Answers are never conditional (POST): no body hash per answer for an ETag nobody sends back.
  app.disable('etag');
  app.use(noteArrival);
  // Only POST routes take a body: a GET's is never read (nor buffered).
  const checkBody = refuseOversizedBody(BODY_LIMIT_BYTES);
  const parseBody = express.json({ limit: BODY_LIMIT_BYTES });
  app.use((req, res, next) => {
    if (req.method !== 'POST') return next();
    checkBody(req, res, (err?: unknown) =>
      err === undefined ? parseBody(req, res, next) : next(err),
    );
  });
  app.use(openaiRoutes(deps)); // most traffic: first in the router's walk
  app.use(kserveRoutes(deps));
  app.use(adminRoutes(deps));
  app.use(notFound);
  app.use(errorHandler(log));
  const direct = [...openaiDirectRoutes(deps), ...kserveDirectRoutes(deps)];
  return {
    app,
    listener: directListener(direct, app, log),
    deps,
    pool,
    setDraining: () => {
      draining = true;
    },
  };
}

/** Starts a sidecar on `config.host:config.port` (0 = any free port). */
export async function startSidecar(options: SidecarServerOptions): Promise<SidecarServer> {
  const made = createSidecarApp(options);
  const listening: Listening = await listen(
    made.listener,
    options.config.host,
    options.config.port,
  );
  let closing: Promise<'drained' | 'forced'> | undefined;
  const shutdown = async (graceMs: number) => {
    made.setDraining();
    const outcome = await closeServer(listening.server, graceMs);
    await made.pool.close();
    return outcome;
  };
  return {
    url: `http://${listening.host}:${listening.port}`,
    host: listening.host,
    port: listening.port,
    metrics: made.deps.metrics,
    close: (graceMs = options.config.shutdown_grace_ms) => {
      closing ??= shutdown(graceMs);
      return closing;
    },
  };
}
