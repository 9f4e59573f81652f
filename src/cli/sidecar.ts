// `insightagent sidecar`: the configuration from flags and file, the server, and a graceful stop.
import { type SidecarServer, startSidecar } from '../sidecar/server';
import { resolveSidecarConfig, type SidecarFlags } from '../sidecar/server-config';
import { createSidecarTelemetry } from '../sidecar/telemetry';
import { createLogger } from '../telemetry/logger';
import { VERSION } from '../version';

/** Starts the sidecar; returns the function that stops it (resolving to the exit status). */
export async function runSidecar(
  flags: SidecarFlags,
  env: NodeJS.ProcessEnv,
  out: NodeJS.WritableStream,
): Promise<() => Promise<number>> {
  const config = resolveSidecarConfig(flags);
  const log = createLogger(env.LOG_LEVEL ?? 'info');
  // Every request becomes a span and metric points, sent over OTLP to OTEL_EXPORTER_OTLP_ENDPOINT
  // (default: InsightAgent's own receiver); an absent collector costs nothing but the data.
  const telemetry = createSidecarTelemetry({
    serviceName: 'insightagent-sidecar',
    serviceVersion: VERSION,
    env,
    onError: (err) => log.debug({ err }, 'sidecar telemetry export failed'),
  });
  const server: SidecarServer = await startSidecar({ config, log, recorder: telemetry.recorder });
  out.write(
    `insightagent sidecar listening on ${server.url} (backend ${config.backend}${config.backend === 'emulated' ? `, profile ${config.profile}` : `, upstream ${config.upstream}`})\n`,
  );
  return async () => {
    const outcome = await server.close(config.shutdown_grace_ms);
    await telemetry.shutdown();
    log.info({ outcome, telemetry: telemetry.endpoint }, 'sidecar stopped');
    return 0;
  };
}
