import { type ChannelConfig, parseChannels } from '../alerts/channels/config';
import { type Env, parseEnv } from '../config/env';
import { emptyFileConfig, type FileConfig, loadFileConfig } from '../config/file';
import { type DriftMonitor, defaultMonitor, parseDriftMonitors } from '../drift/config';
import { parseReportsConfig, type ReportsConfig } from '../report/config';
import { parseRetrainConfig, type RetrainConfig } from '../retrain/config';

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
  return { env, file, channels, retrain, drift, reports };
}
