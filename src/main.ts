import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { DriftCommand } from './cli/drift';
import { ALL_ROLES, parseRoles } from './cli/roles';
import { ConfigError, errorMessage } from './errors';
import {
  DEFAULT_REPORT_WINDOW_MS,
  parseReportWindow,
  REPORT_FORMATS,
  type ReportFormat,
} from './report/request';
import type { SidecarFlags } from './sidecar/server-config';
import { parseDuration, parseRate } from './simulate/options';
import type { Scenario } from './simulate/scenario';
import { SCENARIOS, withRate } from './simulate/scenarios';
import { SQL_FORMATS, type SqlFormat } from './sql/render';
import { VERSION } from './version';

// A command's module is loaded when the command runs: `sidecar` must not load the store (chDB's
// native engine, ~0.4 s) nor `serve` the sidecar.
function load<T>(path: string): T {
  return require(path) as T;
}

/** Exit statuses: 0 done, 1 failed while running, 2 bad usage or configuration. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

const ENVIRONMENT_HELP = `
Configuration comes from the environment (see README.md, "Configuration"):
  INSIGHTAGENT_DATA_DIR, CLICKHOUSE_URL, CLICKHOUSE_USER, CLICKHOUSE_PASSWORD,
  CLICKHOUSE_DATABASE, CLICKHOUSE_CLUSTER, INSIGHTAGENT_HOST, INSIGHTAGENT_OTLP_PORT,
  INSIGHTAGENT_API_PORT, INSIGHTAGENT_CONFIG, INSIGHTAGENT_TOKENS, INSIGHTAGENT_RETENTION_DAYS,
  INSIGHTAGENT_ROLLUP_RETENTION_DAYS, LOG_LEVEL, OTEL_EXPORTER_OTLP_ENDPOINT`;

/** Returns the CLI: one command per role, each documenting its flags. */
export function buildProgram(): Command {
  const program = new Command('insightagent')
    .description(
      'Model-performance monitoring: OTLP telemetry into ClickHouse, SLOs, drift, alerts, reports.',
    )
    .version(VERSION, '-V, --version')
    .addHelpText('after', ENVIRONMENT_HELP)
    .showHelpAfterError()
    .exitOverride();

  program
    .command('serve')
    .description('Run the REST API and web UI, the OTLP receiver and the scheduler in one process.')
    .addOption(
      new Option(
        '--insecure',
        'allow listening on a non-loopback address without INSIGHTAGENT_TOKENS',
      ),
    )
    .addOption(
      new Option(
        '--no-migrate',
        'do not apply pending migrations on start (/readyz stays false until they are)',
      ),
    )
    .addOption(
      new Option(
        '--role <roles>',
        'comma-separated parts to run: ingest (OTLP receiver), api (/api/v1), scheduler ' +
          '(scheduled jobs; run exactly one process with it)',
      ).default(ALL_ROLES.join(',')),
    )
    .addOption(
      new Option(
        '--demo',
        'also run the demo: an hour of chimera history, a sidecar and live chimera traffic ' +
          '(npm start; deploy/demo/insightagent.yaml unless INSIGHTAGENT_CONFIG is set, LOG_LEVEL warn unless set)',
      ),
    )
    .action(
      async (opts: { insecure?: boolean; migrate: boolean; role: string; demo?: boolean }) => {
        const roles = parseRoles(opts.role);
        // Signals are caught before startup: /healthz (and even /readyz) answer before runServe
        // returns, and a signal then must not kill the process mid-step. One that arrives during
        // startup shuts down once startup is over; a second one of the same kind kills at once.
        let shutdown: (() => Promise<number>) | undefined;
        let received: NodeJS.Signals | undefined;
        const finish = (run: () => Promise<number>) => {
          void run().then((code) => process.exit(code));
        };
        const stop = (signal: NodeJS.Signals) => {
          if (received !== undefined) return;
          received = signal;
          process.stderr.write(`insightagent: ${signal} received, shutting down\n`);
          if (shutdown !== undefined) finish(shutdown);
        };
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
        const { runServe } = load<typeof import('./cli/serve')>('./cli/serve');
        shutdown = await runServe(
          {
            insecure: opts.insecure === true,
            migrate: opts.migrate,
            roles,
            demo: opts.demo === true,
          },
          process.env,
        );
        if (received !== undefined) finish(shutdown);
      },
    );

  program
    .command('sidecar')
    .description(
      'Run the batched inference sidecar (OpenAI-compatible and KServe v2) in front of a model server.',
    )
    .option('--port <port>', 'port to listen on', parsePort, 8000)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .addOption(
      new Option('--backend <kind>', 'model server behind it (default emulated)').choices([
        'emulated',
        'openai',
        'kserve',
      ]),
    )
    .option('--upstream <url>', 'base URL of the openai or kserve model server')
    .addOption(
      new Option('--profile <name>', 'emulated device profile (default chimera)').choices([
        'chimera',
        'bench',
      ]),
    )
    .option('--config <file>', 'YAML file: models and batcher options, rate limits, cache')
    .addHelpText('after', '\nSee docs/sidecar.md for endpoints, headers, status codes and metrics.')
    .action(async (opts: SidecarFlags) => {
      // As for serve: signals are caught before startup; one during startup stops after it.
      let shutdown: (() => Promise<number>) | undefined;
      let received = false;
      const finish = (run: () => Promise<number>) => {
        void run().then((code) => process.exit(code));
      };
      const stop = (signal: NodeJS.Signals) => {
        if (received) return;
        received = true;
        process.stderr.write(`insightagent: ${signal} received, draining the sidecar\n`);
        if (shutdown !== undefined) finish(shutdown);
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
      const { runSidecar } = load<typeof import('./cli/sidecar')>('./cli/sidecar');
      shutdown = await runSidecar(opts, process.env, process.stdout);
      if (received) finish(shutdown);
    });

  program
    .command('migrate')
    .description('Apply pending migrations/ to the store (serve also does this on start).')
    .option('--dry-run', 'print the statements that would run and change nothing', false)
    .option(
      '--with <set...>',
      'also apply an optional migration set: clickhouseexporter (views over the Collector exporter tables)',
    )
    .option('--otel-database <name>', "the clickhouseexporter's database", 'otel')
    .option('--otel-traces-table <name>', "the clickhouseexporter's traces table", 'otel_traces')
    .option('--otel-logs-table <name>', "the clickhouseexporter's logs table", 'otel_logs')
    .action(async (opts: import('./cli/migrate').MigrateOptions) => {
      const { runMigrate } = load<typeof import('./cli/migrate')>('./cli/migrate');
      await runMigrate(opts, process.env, process.stdout);
    });

  const slo = program.command('slo').description('Service level objectives.');
  slo
    .command('import')
    .description(
      'Validate OpenSLO v1 documents (kind SLO; metric sources of type insightagent) and print the equivalent slos: YAML.',
    )
    .argument('<file>', 'OpenSLO YAML file, one or more documents')
    .option('--out <file>', 'write the YAML to this file instead of stdout')
    .action(async (file: string, opts: { out?: string }) => {
      const { runSloImport } = load<typeof import('./cli/slo-import')>('./cli/slo-import');
      runSloImport({ file, ...(opts.out === undefined ? {} : { out: opts.out }) }, process.stdout);
    });

  program
    .command('sql')
    .description(
      'Run one read-only SQL statement over the store (through a running server when one owns it).',
    )
    .argument('<query>', 'one SELECT, WITH, SHOW, DESCRIBE, EXPLAIN or EXISTS statement')
    .addOption(
      new Option('--format <format>', 'output format').choices(SQL_FORMATS).default('table'),
    )
    .addHelpText(
      'after',
      '\nINSIGHTAGENT_URL and INSIGHTAGENT_TOKEN (an admin token) send the query to a running server.',
    )
    .action(async (query: string, opts: { format: SqlFormat }) => {
      const { runSql } = load<typeof import('./cli/sql')>('./cli/sql');
      await runSql({ query, format: opts.format }, process.env, process.stdout, process.stderr);
    });

  addDriftCommands(program);
  addReportCommand(program);
  addSimulateCommand(program);
  return program;
}

/** Returns a --port value: an integer from 0 to 65535. */
export function parsePort(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 65_535)
    throw new InvalidArgumentError('expected an integer from 0 to 65535');
  return Number(text);
}

// A --limit value: a whole number from 1 to 1000 (what the API accepts).
function parseLimit(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 1000)
    throw new InvalidArgumentError('expected an integer from 1 to 1000');
  return Number(text);
}

// `drift list|show|run`: on the store, or through a running server (INSIGHTAGENT_URL).
function addDriftCommands(program: Command): void {
  const drift = program
    .command('drift')
    .description('Drift reports: list, show (JSON, HTML, table), run a monitor now.')
    .addHelpText(
      'after',
      '\nINSIGHTAGENT_URL and INSIGHTAGENT_TOKEN (read scope; admin for run) send the command to a running server;\n' +
        'without them it opens the store, or asks the local server that owns it.',
    );
  const run = async (command: DriftCommand) => {
    const { runDriftCommand } = load<typeof import('./cli/drift')>('./cli/drift');
    return runDriftCommand(command, process.env, process.stdout);
  };
  drift
    .command('list')
    .description('List drift reports, newest first.')
    .option('--model <model>', 'only this model')
    .option('--limit <n>', 'at most this many (1..1000)', parseLimit, 50)
    .addOption(
      new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'),
    )
    .action(async (opts: { model?: string; limit: number; format: 'table' | 'json' }) => {
      await run({
        kind: 'list',
        limit: opts.limit,
        format: opts.format,
        ...(opts.model ? { model: opts.model } : {}),
      });
    });
  drift
    .command('show')
    .description('Show one drift report: every feature with its statistic, threshold and verdict.')
    .argument('<id>', 'report id (from drift list)')
    .addOption(
      new Option('--format <format>', 'output format: json, a standalone html page, or a table')
        .choices(['table', 'json', 'html'])
        .default('table'),
    )
    .action(async (id: string, opts: { format: 'table' | 'json' | 'html' }) => {
      await run({ kind: 'show', id, format: opts.format });
    });
  drift
    .command('run')
    .description(
      "Run the model's drift monitor now over the last complete window; prints the report.",
    )
    .requiredOption('--model <model>', 'the model to judge')
    .option(
      '--monitor <name>',
      'a configured monitor (default: the one for the model, else *, else the default)',
    )
    .addOption(
      new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'),
    )
    .action(async (opts: { model: string; monitor?: string; format: 'table' | 'json' }) => {
      await run({
        kind: 'run',
        model: opts.model,
        format: opts.format,
        ...(opts.monitor ? { monitor: opts.monitor } : {}),
      });
    });
}

function parseSimulateDuration(text: string): number {
  const duration = parseDuration(text);
  if ('error' in duration) throw new InvalidArgumentError(duration.error);
  return duration.ms;
}

function parseSimulateRate(text: string): number {
  const rate = parseRate(text);
  if ('error' in rate) throw new InvalidArgumentError(rate.error);
  return rate.rps;
}

function parseSeed(text: string): number {
  if (!/^\d{1,9}$/.test(text))
    throw new InvalidArgumentError('expected an integer from 0 to 999999999');
  return Number(text);
}

// `simulate --scenario S`: live traffic through a sidecar or OTLP, or --backfill its history.
function addSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description(
      "Drive a scenario's traffic in real time (through a sidecar, or as OTLP spans), or backfill its history.",
    )
    .addOption(
      new Option('--scenario <name>', 'the scenario (docs/simulate.md)')
        .choices(Object.keys(SCENARIOS))
        .makeOptionMandatory(),
    )
    .addOption(
      new Option('--target <target>', 'live: send to a sidecar, or as OTLP spans')
        .choices(['sidecar', 'otlp'])
        .default('sidecar'),
    )
    .option('--sidecar-url <url>', 'the sidecar (target sidecar)', 'http://127.0.0.1:8000')
    .addOption(
      new Option(
        '--duration <duration>',
        'live: stop after 10m, 1h, ... (default: on Ctrl-C)',
      ).argParser(parseSimulateDuration),
    )
    .addOption(
      new Option(
        '--backfill <duration>',
        'instead: write this much history, ending now, into the store',
      )
        .argParser(parseSimulateDuration)
        .conflicts(['target', 'duration', 'sidecarUrl']),
    )
    .addOption(
      new Option(
        '--force',
        'backfill even when the window already holds requests of the model (doubles them)',
      ),
    )
    .addOption(
      new Option('--rps <n>', "offered requests/s (default: the scenario's)").argParser(
        parseSimulateRate,
      ),
    )
    .addOption(
      new Option('--seed <n>', 'the seed of every random draw').argParser(parseSeed).default(1),
    )
    .addHelpText(
      'after',
      '\nLive scores and labels go to POST /api/v1/feedback of INSIGHTAGENT_URL (INSIGHTAGENT_TOKEN,\n' +
        'ingest scope), else the local serve; OTLP spans to OTEL_EXPORTER_OTLP_ENDPOINT\n' +
        '(default http://127.0.0.1:4318). A backfill opens the store itself.',
    )
    .action(
      async (opts: {
        scenario: string;
        target: 'sidecar' | 'otlp';
        sidecarUrl: string;
        duration?: number;
        backfill?: number;
        rps?: number;
        seed: number;
        force?: boolean;
      }) => {
        const named = SCENARIOS[opts.scenario] as Scenario;
        const scenario = opts.rps === undefined ? named : withRate(named, opts.rps);
        const cli = load<typeof import('./cli/simulate')>('./cli/simulate');
        if (opts.backfill !== undefined) {
          await cli.runBackfillCommand(
            {
              scenario,
              durationMs: opts.backfill,
              seed: opts.seed,
              ...(opts.force === true ? { force: true } : {}),
            },
            process.env,
            process.stderr,
          );
          return;
        }
        const stop = new AbortController();
        const abort = () => stop.abort();
        process.once('SIGINT', abort);
        process.once('SIGTERM', abort);
        try {
          await cli.runLiveCommand(
            {
              scenario,
              seed: opts.seed,
              target: opts.target,
              sidecarUrl: opts.sidecarUrl,
              ...(opts.duration === undefined ? {} : { durationMs: opts.duration }),
            },
            process.env,
            process.stderr,
            stop.signal,
          );
        } finally {
          process.off('SIGINT', abort);
          process.off('SIGTERM', abort);
        }
      },
    );
}

function parseWindow(text: string): number {
  const window = parseReportWindow(text);
  if ('error' in window) throw new InvalidArgumentError(window.error);
  return window.ms;
}

// `report --model M`: the insight report, on the store or through a running server.
function addReportCommand(program: Command): void {
  program
    .command('report')
    .description(
      "A model's insight report: executive summary against targets, recommendations, risks.",
    )
    .requiredOption('--model <model>', 'the model to report on')
    .addOption(
      new Option('--window <duration>', 'the window ending now: 30m, 1h, 24h, 7d (at most 31d)')
        .argParser(parseWindow)
        .default(DEFAULT_REPORT_WINDOW_MS, '1h'),
    )
    .addOption(
      new Option('--format <format>', 'markdown, a standalone html page, or json')
        .choices(REPORT_FORMATS)
        .default('md'),
    )
    .addHelpText(
      'after',
      '\nTargets and device profiles come from the reports: section of INSIGHTAGENT_CONFIG.\n' +
        'INSIGHTAGENT_URL and INSIGHTAGENT_TOKEN (read scope) send the command to a running server;\n' +
        'without them it opens the store, or asks the local server that owns it.',
    )
    .action(async (opts: { model: string; window: number; format: ReportFormat }) => {
      const { runReportCommand } = load<typeof import('./cli/report')>('./cli/report');
      await runReportCommand(
        { model: opts.model, windowMs: opts.window, format: opts.format },
        process.env,
        process.stdout,
      );
    });
}

/** Runs the CLI with `argv` and sets the exit status: 2 for usage and configuration errors. */
export async function main(argv: readonly string[]): Promise<void> {
  try {
    await buildProgram().parseAsync([...argv]);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return;
    }
    process.stderr.write(`insightagent: ${errorMessage(err)}\n`);
    process.exitCode = err instanceof ConfigError ? EXIT.usage : EXIT.failure;
  }
}
