// Self-instrumentation with @opentelemetry/sdk-node. bin/insightagent.js starts it before any
// other module loads, so http (and with it express) is instrumented from the first require.

/** A started OpenTelemetry SDK, or nothing; shutdown is safe to call twice. */
export interface SelfTelemetry {
  enabled: boolean;
  endpoint?: string;
  /** Flushes and stops the SDK; resolves after at most `waitMs`, dropping what is left. */
  shutdown(waitMs?: number): Promise<void>;
}

/**
 * How long shutdown waits for the last export. The exporter retries an unreachable collector
 * for up to its own timeout (10 s by default), which is the whole SIGTERM budget.
 */
export const SELF_TELEMETRY_FLUSH_MS = 2_000;

const DISABLED: SelfTelemetry = { enabled: false, shutdown: async () => {} };
// Requests that must not produce spans: probes, scrapes, and OTLP exports (a service told to
// export to itself would otherwise trace its own exports forever).
const UNTRACED = /^\/(healthz|readyz|metrics|v1\/(traces|metrics|logs))(\?|$)/;

let current: SelfTelemetry = DISABLED;

/**
 * Returns whether the command in `argv` (process.argv) traces itself. The sidecar does not: each
 * request already becomes its GenAI span (src/sidecar/telemetry.ts) on the same endpoint, and an
 * HTTP server span beside it would double every request and put the SDK on its latency path.
 */
export function tracesItself(argv: readonly string[]): boolean {
  const command = argv.slice(2).find((arg) => !arg.startsWith('-'));
  return command !== 'sidecar';
}

/**
 * Starts the SDK when OTEL_EXPORTER_OTLP_ENDPOINT (or the traces endpoint) is set and the
 * command traces itself (`tracesItself`), else does nothing. The SDK reads the OTEL_* variables
 * itself (exporter, protocol, headers, timeouts); export failures are retried and dropped inside
 * the SDK, never thrown at the service.
 */
export function startSelfTelemetry(
  env: NodeJS.ProcessEnv,
  argv: readonly string[] = [],
): SelfTelemetry {
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint || env.OTEL_SDK_DISABLED === 'true' || current.enabled) return current;
  if (!tracesItself(argv)) return current;
  // Loaded only when enabled: the SDK costs start-up time that most commands do not need.
  const { NodeSDK } =
    require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { HttpInstrumentation } =
    require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME || 'insightagent',
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => UNTRACED.test(req.url ?? '') }),
    ],
  });
  sdk.start();
  let stopping: Promise<void> | undefined;
  current = {
    enabled: true,
    endpoint,
    shutdown(waitMs = SELF_TELEMETRY_FLUSH_MS) {
      // A collector that is gone must not hold up shutdown: errors are dropped here, and so is
      // whatever has not been exported after waitMs.
      stopping ??= sdk.shutdown().catch(() => {});
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, Math.max(waitMs, 0));
      });
      return Promise.race([stopping, gaveUp]).finally(() => clearTimeout(timer));
    },
  };
  return current;
}

/** Returns the SDK started by startSelfTelemetry, or a disabled stand-in. */
export function selfTelemetry(): SelfTelemetry {
  return current;
}
