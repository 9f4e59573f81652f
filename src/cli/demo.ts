// `serve --demo`: the running server gets a model to watch. An hour of `chimera` history is
// backfilled (unless the last hour already has some: a restarted demo), an emulated sidecar with
// the scenario's configuration starts on a free loopback port and exports its spans to this
// server's OTLP receiver, and the scenario's live traffic runs through it, scores and labels
// posted to this server's feedback API. A report is there at once and stays current.
import { randomInt } from 'node:crypto';
import { startSidecar } from '../sidecar/server';
import { parseSidecarFile, type SidecarConfig } from '../sidecar/server-config';
import { createSidecarTelemetry } from '../sidecar/telemetry';
import { backfill } from '../simulate/backfill';
import { runLive } from '../simulate/live';
import { scenarioByName } from '../simulate/scenarios';
import { minutesWithRequests } from '../store/repositories/report-evidence';
import type { Store } from '../store/store';
import type { Logger } from '../telemetry/logger';
import { VERSION } from '../version';

/** The scenario the demo runs. */
export const DEMO_SCENARIO = 'chimera';
const HOUR_MS = 3_600_000;

/** What the demo needs from the running server. */
export interface DemoDeps {
  store: Store;
  /** This server's API and OTLP receiver. */
  apiUrl: string;
  otlpUrl: string;
  /** The ingest token feedback is posted with, when the API needs one. */
  token?: string;
  log: Logger;
  out: NodeJS.WritableStream;
}

/** Starts the demo; resolves with the function that stops it (traffic, then the sidecar). */
export async function startDemo(deps: DemoDeps): Promise<() => Promise<void>> {
  const scenario = scenarioByName(DEMO_SCENARIO);
  const seed = randomInt(1, 1_000_000_000);
  const now = Date.now();
  const recent = await minutesWithRequests(deps.store, scenario.model, {
    fromMs: now - HOUR_MS,
    toMs: now + 60_000,
  });
  if (recent === 0) {
    const written = await backfill(deps.store, {
      scenario,
      startMs: now - HOUR_MS,
      durationMs: HOUR_MS,
      seed,
    });
    deps.log.info({ scenario: scenario.name, ...written }, 'demo: an hour of history backfilled');
  }
  const config: SidecarConfig = {
    ...parseSidecarFile(
      { defaults: scenario.sidecar, model_version: scenario.version },
      `scenario ${scenario.name}`,
    ),
    host: '127.0.0.1',
    port: 0,
    backend: 'emulated',
    profile: scenario.deviceProfile as SidecarConfig['profile'],
  };
  const telemetry = createSidecarTelemetry({
    serviceName: `${scenario.model}-sidecar`,
    serviceVersion: VERSION,
    endpoint: deps.otlpUrl,
    // With INSIGHTAGENT_TOKENS the receiver wants the ingest token, as the feedback API does.
    ...(deps.token === undefined ? {} : { headers: { authorization: `Bearer ${deps.token}` } }),
    onError: (err) => deps.log.warn({ err }, 'demo sidecar telemetry failed'),
  });
  const sidecar = await startSidecar({ config, log: deps.log, recorder: telemetry.recorder });
  const stop = new AbortController();
  let reported = 0;
  let lastWarn = 0;
  const live = runLive({
    scenario,
    seed,
    target: { kind: 'sidecar', url: sidecar.url },
    feedback: { url: deps.apiUrl, ...(deps.token === undefined ? {} : { token: deps.token }) },
    signal: stop.signal,
    // Failures show at warn, at most once a minute: a demo that stopped feeding is visible.
    onProgress: (p) => {
      if (p.errors > reported && Date.now() - lastWarn > 60_000) {
        lastWarn = Date.now();
        deps.log.warn({ ...p }, 'demo traffic: requests or feedback failing');
      }
      reported = p.errors;
    },
  }).catch((err: unknown) => {
    deps.log.error({ err }, 'demo traffic stopped');
  });
  const report = `${deps.apiUrl}/api/v1/reports/insight?model=${scenario.model}`;
  deps.out.write(
    `insightagent demo: ${scenario.model} at ${scenario.ratePerSec} requests/s through a sidecar on ${sidecar.url} ` +
      `(batching off: max_batch_size ${scenario.sidecar.max_batch_size})\n` +
      `  report:  ${report}&format=html   (open in a browser)\n` +
      `           npx insightagent report --model ${scenario.model}\n` +
      `  summary: ${deps.apiUrl}/api/v1/models/${scenario.model}/summary\n`,
  );
  return async () => {
    stop.abort();
    await live;
    try {
      await sidecar.close(2_000);
    } finally {
      await telemetry.shutdown();
    }
  };
}
