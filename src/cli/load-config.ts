import { type Env, parseEnv } from '../config/env';
import { emptyFileConfig, type FileConfig, loadFileConfig } from '../config/file';

/** The environment and the YAML file, each validated once; throws ConfigError (exit 2). */
export function loadConfig(source: NodeJS.ProcessEnv): { env: Env; file: FileConfig } {
  const env = parseEnv(source);
  const file =
    env.configFile === undefined ? emptyFileConfig() : loadFileConfig(env.configFile, source);
  return { env, file };
}
