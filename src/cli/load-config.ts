import { type ChannelConfig, parseChannels } from '../alerts/channels/config';
import { type Env, parseEnv } from '../config/env';
import { emptyFileConfig, type FileConfig, loadFileConfig } from '../config/file';

/** The validated configuration: environment, YAML file and its alert channels. */
export interface LoadedConfig {
  env: Env;
  file: FileConfig;
  channels: ChannelConfig[];
}

/** The environment and the YAML file, each validated once; throws ConfigError (exit 2). */
export function loadConfig(source: NodeJS.ProcessEnv): LoadedConfig {
  const env = parseEnv(source);
  const file =
    env.configFile === undefined ? emptyFileConfig() : loadFileConfig(env.configFile, source);
  const where = env.configFile === undefined ? 'channels' : `${env.configFile}: channels`;
  return { env, file, channels: parseChannels(file.channels, where) };
}
