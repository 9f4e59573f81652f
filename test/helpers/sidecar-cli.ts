// End-to-end helper: `insightagent sidecar` as its own process, configured by a YAML file written
// to a temp dir, on port 0; its URL is the one it prints once listening.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';
import { type Cli, cleanEnv, startCli, tempDir, waitForHttp } from './spawn-cli';

/** A running sidecar process, the URL it listens on and the config file it was given. */
export interface SidecarUnderTest {
  cli: Cli;
  url: string;
  configFile: string;
}

const LISTENING = /listening on (http:\/\/127\.0\.0\.1:\d+)/;

/**
 * Starts `insightagent sidecar --backend emulated --port 0 --config <file>` with `config` as the
 * YAML file and exactly `env` (plus PATH and HOME); resolves once /v2/health/ready answers 200.
 * Throws, quoting stderr, when it exits first or does not listen within `timeoutMs`.
 */
export async function startSidecarCli(
  config: unknown,
  env: Record<string, string | undefined>,
  timeoutMs = 15_000,
): Promise<SidecarUnderTest> {
  const configFile = join(await tempDir('sidecar-cli'), 'sidecar.yaml');
  await writeFile(configFile, stringify(config));
  const cli = startCli(
    ['sidecar', '--backend', 'emulated', '--port', '0', '--config', configFile],
    cleanEnv(env),
  );
  const started = performance.now();
  let url: string | undefined;
  while (url === undefined) {
    url = LISTENING.exec(cli.stdout())?.[1];
    if (url !== undefined) break;
    if (cli.exit() !== undefined || performance.now() - started > timeoutMs)
      throw new Error(
        `sidecar did not listen (exit ${JSON.stringify(cli.exit())}); stdout:\n${cli.stdout()}\nstderr:\n${cli.stderr()}`,
      );
    await sleep(20);
  }
  await waitForHttp(cli, `${url}/v2/health/ready`, { status: 200, timeoutMs });
  return { cli, url, configFile };
}
