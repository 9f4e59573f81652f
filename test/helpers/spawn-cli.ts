// End-to-end helpers: start `node bin/insightagent.js` (the dist/ built by global-setup) with a
// clean environment, collect its output, wait for HTTP or for exit, and kill what is left.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './net';

/** The repository root and the CLI entry point the tests start. */
export const ROOT = join(__dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'insightagent.js');

/** How a child ended: its exit code, or the signal that killed it. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A started child: its output so far and a promise of its exit. */
export interface Cli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<Exit>;
  /** The exit once it happened, else undefined. */
  exit(): Exit | undefined;
}

const running = new Set<Cli>();
const tempDirs: string[] = [];

/**
 * Returns the environment a child gets: PATH and HOME plus `vars`, nothing else, so the
 * developer's INSIGHTAGENT_* and OTEL_* cannot leak in. An undefined value leaves a variable out.
 */
export function cleanEnv(vars: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir() };
  if (process.env.HOME !== undefined) env.HOME = process.env.HOME;
  for (const [name, value] of Object.entries(vars)) if (value !== undefined) env[name] = value;
  return env;
}

/** Returns a new empty directory, removed by removeTempDirs. */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `insightagent-${prefix}-`));
  tempDirs.push(dir);
  return dir;
}

/** Removes every directory tempDir made. */
export async function removeTempDirs(): Promise<void> {
  const dirs = tempDirs.splice(0);
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
}

/** Starts `node <args>` with exactly `env`; the child is tracked until it exits. */
export function startNode(args: readonly string[], env: NodeJS.ProcessEnv, cwd = tmpdir()): Cli {
  const child = spawn(process.execPath, [...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let ended: Exit | undefined;
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const cli: Cli = {
    child,
    stdout: () => out,
    stderr: () => err,
    exit: () => ended,
    exited: new Promise<Exit>((resolve, reject) => {
      child.once('error', reject);
      // 'close' rather than 'exit': by then stdout and stderr are read to the end.
      child.once('close', (code, signal) => {
        ended = { code, signal };
        running.delete(cli);
        resolve(ended);
      });
    }),
  };
  running.add(cli);
  return cli;
}

/** Starts `insightagent <args>` with exactly `env`. */
export function startCli(args: readonly string[], env: NodeJS.ProcessEnv, cwd?: string): Cli {
  return startNode([BIN, ...args], env, cwd);
}

/** Waits for the child to exit; after `timeoutMs` kills it and throws, quoting its stderr. */
export async function waitForExit(cli: Cli, timeoutMs: number): Promise<Exit> {
  const cancel = new AbortController();
  const timer = sleep(timeoutMs, 'timeout' as const, { signal: cancel.signal }).catch(
    () => 'cancelled' as const,
  );
  const outcome = await Promise.race([cli.exited, timer]).finally(() => cancel.abort());
  if (typeof outcome !== 'string') return outcome;
  await kill(cli);
  throw new Error(`child did not exit within ${timeoutMs} ms; stderr:\n${cli.stderr()}`);
}

/** Runs `insightagent <args>` to completion (killed after `timeoutMs`). */
export async function runCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 15_000,
): Promise<Exit & { stdout: string; stderr: string }> {
  const cli = startCli(args, env);
  const exit = await waitForExit(cli, timeoutMs);
  return { ...exit, stdout: cli.stdout(), stderr: cli.stderr() };
}

/** Sends `signal` and waits for the exit; returns it with how long it took. */
export async function stop(
  cli: Cli,
  signal: NodeJS.Signals,
  timeoutMs: number,
): Promise<Exit & { ms: number }> {
  const started = performance.now();
  cli.child.kill(signal);
  const exit = await waitForExit(cli, timeoutMs);
  return { ...exit, ms: Math.round(performance.now() - started) };
}

/**
 * Polls `url` until it answers `status`; returns the milliseconds it took. Throws when the
 * child exits first or after `timeoutMs`, quoting the child's stderr.
 */
export async function waitForHttp(
  cli: Cli,
  url: string,
  options: { status?: number; timeoutMs?: number } = {},
): Promise<number> {
  const status = options.status ?? 200;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const started = performance.now();
  let last = 'no answer';
  while (performance.now() - started < timeoutMs) {
    const exit = cli.exit();
    if (exit !== undefined) {
      throw new Error(
        `child exited (${JSON.stringify(exit)}) before ${url} answered ${status}; stderr:\n${cli.stderr()}`,
      );
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === status) return Math.round(performance.now() - started);
      last = `status ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(50);
  }
  throw new Error(
    `${url} did not answer ${status} within ${timeoutMs} ms (last: ${last}); stderr:\n${cli.stderr()}`,
  );
}

async function kill(cli: Cli): Promise<void> {
  if (cli.exit() === undefined) cli.child.kill('SIGKILL');
  await cli.exited.catch(() => undefined);
}

/** Kills every child still running and waits until they are gone; for afterEach. */
export async function killAll(): Promise<void> {
  await Promise.all([...running].map(kill));
}

/** A running `insightagent serve` on free loopback ports, with its embedded store in a temp dir. */
export interface ServeUnderTest {
  cli: Cli;
  apiBase: string;
  otlpBase: string;
}

/**
 * Starts `insightagent serve` (data in a fresh temp dir named after `name`) on free loopback ports
 * and waits for /readyz; `args` replace `serve` (e.g. `serve --demo`), `env` adds variables.
 */
export async function startServe(
  name: string,
  options: { args?: readonly string[]; env?: Record<string, string | undefined> } = {},
): Promise<ServeUnderTest> {
  const api = await freePort();
  let otlp = await freePort();
  while (otlp === api) otlp = await freePort();
  const cli = startCli(
    options.args ?? ['serve'],
    cleanEnv({
      INSIGHTAGENT_DATA_DIR: await tempDir(name),
      INSIGHTAGENT_API_PORT: String(api),
      INSIGHTAGENT_OTLP_PORT: String(otlp),
      LOG_LEVEL: 'warn',
      ...options.env,
    }),
  );
  const apiBase = `http://127.0.0.1:${api}`;
  await waitForHttp(cli, `${apiBase}/readyz`, { status: 200, timeoutMs: 30_000 });
  return { cli, apiBase, otlpBase: `http://127.0.0.1:${otlp}` };
}

/**
 * Runs one `insightagent serve` for the calling suite: started in a beforeAll, stopped in an
 * afterAll together with the suite's other processes and temp dirs. The returned object is
 * filled once the beforeAll has run.
 */
export function serveForSuite(name: string): ServeUnderTest {
  const serving = {} as ServeUnderTest;
  beforeAll(async () => {
    Object.assign(serving, await startServe(name));
  }, 30_000);
  afterAll(async () => {
    if (serving.cli !== undefined) await stop(serving.cli, 'SIGTERM', 10_000);
    await killAll();
    await removeTempDirs();
  });
  return serving;
}
