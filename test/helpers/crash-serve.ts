// Crash tests' `insightagent serve`: started again and again on one persistent data directory and
// the same loopback ports, killed with SIGKILL, its log read as pino JSON lines.
import { type Cli, cleanEnv, startCli, waitForHttp } from './spawn-cli';

/** Where one serve lives across restarts: data directory, ports, extra environment. */
export interface ServeHome {
  dataDir: string;
  apiPort: number;
  otlpPort: number;
  env: Record<string, string>;
}

/** One life of the server: the process and how long it took to answer /readyz 200. */
export interface ServeLife {
  cli: Cli;
  readyMs: number;
}

/** Returns the API base URL of `home`. */
export const apiBase = (home: ServeHome) => `http://127.0.0.1:${home.apiPort}`;

/** Returns the OTLP base URL of `home`. */
export const otlpBase = (home: ServeHome) => `http://127.0.0.1:${home.otlpPort}`;

/** Starts `insightagent serve` on `home` (logging at info) without waiting for it. */
export function launchServe(home: ServeHome): Cli {
  return startCli(
    ['serve'],
    cleanEnv({
      INSIGHTAGENT_DATA_DIR: home.dataDir,
      INSIGHTAGENT_API_PORT: String(home.apiPort),
      INSIGHTAGENT_OTLP_PORT: String(home.otlpPort),
      LOG_LEVEL: 'info',
      ...home.env,
    }),
  );
}

/** Starts serve on `home` and waits for /readyz 200; returns the process and the wait. */
export async function startServeOn(home: ServeHome): Promise<ServeLife> {
  const cli = launchServe(home);
  const readyMs = await waitForHttp(cli, `${apiBase(home)}/readyz`, {
    status: 200,
    timeoutMs: 30_000,
  });
  return { cli, readyMs };
}

/** One log line (pino JSON; the level as its label). */
export interface LogLine {
  level: string;
  msg: string;
  [field: string]: unknown;
}

/** Returns the process's log (stderr) as pino lines; a line that is not JSON counts as fatal. */
export function logLines(cli: Cli): LogLine[] {
  return cli
    .stderr()
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as LogLine;
      } catch {
        return { level: 'fatal', msg: `not a log line: ${line.slice(0, 300)}` };
      }
    });
}

// The one plain line serve writes when all is well (src/main.ts).
const SIGNAL_NOTICE = /^not a log line: insightagent: SIG[A-Z]+ received, shutting down$/;

/** Returns the error and fatal lines of the log, and whatever else is not a log line. */
export function errorLines(cli: Cli): string[] {
  return logLines(cli)
    .filter((line) => line.level === 'error' || line.level === 'fatal')
    .filter((line) => !SIGNAL_NOTICE.test(line.msg))
    .map((line) => JSON.stringify(line).slice(0, 600));
}
