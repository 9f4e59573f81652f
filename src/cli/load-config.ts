import { type ChannelConfig, parseChannels } from '../alerts/channels/config';
import { type Env, parseEnv } from '../config/env';
import { emptyFileConfig, type FileConfig, loadFileConfig } from '../config/file';
import { type DriftMonitor, defaultMonitor, parseDriftMonitors } from '../drift/config';
import { checkOutboundUrls, type OutboundPolicy } from '../outbox/allowlist';
import { parseReportsConfig, type ReportsConfig } from '../report/config';
import { parseRetrainConfig, type RetrainConfig } from '../retrain/config';
import { targetDestination } from '../retrain/targets/index';

/** The validated configuration: environment, YAML file and its alert channels. */
export interface LoadedConfig {
  env: Env;
  file: FileConfig;
  channels: ChannelConfig[];
  retrain: RetrainConfig;
  /** The drift monitors; with no `drift:` section, the default monitor for every model. */
  drift: DriftMonitor[];
  /** Per model, what its insight report measures against. */
  reports: ReportsConfig;
  /** Which hosts outbound HTTP may reach (every channel and target URL is within it). */
  outbound: OutboundPolicy;
}

/** The environment and the YAML file, each validated once; throws ConfigError (exit 2). */
export function loadConfig(source: NodeJS.ProcessEnv): LoadedConfig {
  const env = parseEnv(source);
  const file =
    env.configFile === undefined ? emptyFileConfig() : loadFileConfig(env.configFile, source);
  const where = env.configFile === undefined ? 'channels' : `${env.configFile}: channels`;
  const channels = parseChannels(file.channels, where);
  const retrainWhere = env.configFile === undefined ? 'retrain' : `${env.configFile}: retrain`;
  const retrain = parseRetrainConfig(file.retrain, channels, retrainWhere);
  const monitors = parseDriftMonitors(file.drift, env.configFile ?? 'configuration');
  const drift = monitors.length > 0 ? monitors : [defaultMonitor()];
  const reportsWhere = env.configFile === undefined ? 'reports' : `${env.configFile}: reports`;
  const slack = channels.filter((c) => c.kind === 'slack').map((c) => c.name);
  const reports = parseReportsConfig(file.reports, reportsWhere, slack);
  const outbound = file.outbound;
  checkOutboundUrls(outbound, env.configFile ?? 'configuration', [
    ...channels.map((c) => ({ what: `channel "${c.name}"`, url: c.url })),
    ...[...retrain.values()].flatMap((entry) =>
      entry.targets.map((t) => ({
        what: `retrain target "${t.name}" of ${entry.key}`,
        url: targetDestination(t).url,
      })),
    ),
  ]);
  return { env, file, channels, retrain, drift, reports, outbound };
}
