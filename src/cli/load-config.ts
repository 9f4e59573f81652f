import { type ChannelConfig, parseChannels } from '../alerts/channels/config';
import { type Env, parseEnv } from '../config/env';
import { emptyFileConfig, type FileConfig, loadFileConfig } from '../config/file';
import { parseRetrainConfig, type RetrainConfig } from '../retrain/config';

/** The validated configuration: environment, YAML file and its alert channels. */
export interface LoadedConfig {
  env: Env;
  file: FileConfig;
  channels: ChannelConfig[];
  retrain: RetrainConfig;
}

/** The environment and the YAML file, each validated once; throws ConfigError (exit 2). */
export function loadConfig(source: NodeJS.ProcessEnv): LoadedConfig {
  const env = parseEnv(source);
  const file =
    env.configFile === undefined ? emptyFileConfig() : loadFileConfig(env.configFile, source);
  const where = env.configFile === undefined ? 'channels' : `${env.configFile}: channels`;
  const channels = parseChannels(file.channels, where);
  const retrainWhere = env.configFile === undefined ? 'retrain' : `${env.configFile}: retrain`;
  return { env, file, channels, retrain: parseRetrainConfig(file.retrain, channels, retrainWhere) };
}
