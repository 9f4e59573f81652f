// What Grafana and the grafana-clickhouse-datasource plugin do to a panel's rawSql before
// ClickHouse sees it, for a given time range and interval: Grafana's frontend first replaces
// template variables ($var, ${var}, ${var:format}), then the plugin's backend expands its macros.
// Macro expansions mirror the plugin's pkg/macros/macros.go (grafana/clickhouse-datasource, the
// same in v4.x) and its README's macro table; the parsing of `$__name(args)` mirrors
// grafana/sqlds (args split on commas, trimmed). Written here because no library exposes them.

/** The panel query's time range and interval, as Grafana hands them to the plugin. */
export interface GrafanaQueryContext {
  fromMs: number;
  toMs: number;
  intervalMs: number;
  /** Template variables: name → selected values (a multi-value or All selection lists them all). */
  variables: Readonly<Record<string, readonly string[]>>;
}

const seconds = (ms: number) => Math.floor(ms / 1000);
const toDateTime = (ms: number) => `toDateTime(${seconds(ms)})`;
const toDateTime64 = (ms: number) => `fromUnixTimestamp64Milli(${Math.trunc(ms)})`;
const toDate = (ms: number) => `toDate('${new Date(ms).toISOString().slice(0, 10)}')`;
const intervalSeconds = (ctx: GrafanaQueryContext) =>
  Math.max(Math.trunc(ctx.intervalMs / 1000), 1);

type Macro = (ctx: GrafanaQueryContext, args: string[]) => string;

function arity(name: string, args: string[], n: number): void {
  if (args.length !== n)
    throw new Error(`$__${name}: expected ${n} argument(s), received ${args.length}`);
}

// The plugin's macro table (pkg/macros/macros.go `Macros`).
const MACROS: Record<string, Macro> = {
  fromTime: (ctx) => toDateTime(ctx.fromMs),
  toTime: (ctx) => toDateTime(ctx.toMs),
  fromTime_ms: (ctx) => toDateTime64(ctx.fromMs),
  toTime_ms: (ctx) => toDateTime64(ctx.toMs),
  timeFilter: (ctx, a) => {
    arity('timeFilter', a, 1);
    return `${a[0]} >= ${toDateTime(ctx.fromMs)} AND ${a[0]} <= ${toDateTime(ctx.toMs)}`;
  },
  timeFilter_ms: (ctx, a) => {
    arity('timeFilter_ms', a, 1);
    return `${a[0]} >= ${toDateTime64(ctx.fromMs)} AND ${a[0]} <= ${toDateTime64(ctx.toMs)}`;
  },
  dateFilter: (ctx, a) => {
    arity('dateFilter', a, 1);
    return `${a[0]} >= ${toDate(ctx.fromMs)} AND ${a[0]} <= ${toDate(ctx.toMs)}`;
  },
  dateTimeFilter: (ctx, a) => {
    arity('dateTimeFilter', a, 2);
    return (
      `(${a[0]} >= ${toDate(ctx.fromMs)} AND ${a[0]} <= ${toDate(ctx.toMs)}) AND ` +
      `(${a[1]} >= ${toDateTime(ctx.fromMs)} AND ${a[1]} <= ${toDateTime(ctx.toMs)})`
    );
  },
  timeInterval: (ctx, a) => {
    arity('timeInterval', a, 1);
    return `toStartOfInterval(toDateTime(${a[0]}), INTERVAL ${intervalSeconds(ctx)} second)`;
  },
  timeInterval_ms: (ctx, a) => {
    arity('timeInterval_ms', a, 1);
    const ms = Math.max(Math.trunc(ctx.intervalMs), 1);
    return `toStartOfInterval(toDateTime64(${a[0]}, 3), INTERVAL ${ms} millisecond)`;
  },
  interval_s: (ctx) => String(intervalSeconds(ctx)),
};
MACROS.dt = MACROS.dateTimeFilter as Macro;

/** Every macro name the plugin knows. */
export const PLUGIN_MACROS: readonly string[] = Object.keys(MACROS);

// Longest names first, and a name must not run on into a word character, so that
// $__timeFilter never eats the start of $__timeFilter_ms.
const MACRO_RE = new RegExp(
  `\\$__(${[...PLUGIN_MACROS].sort((a, b) => b.length - a.length).join('|')})(?!\\w)(?:\\(([^()]*)\\))?`,
  'g',
);

/** Returns the SQL with the plugin's macros expanded (throws on an unknown `$__` macro). */
export function expandMacros(sql: string, ctx: GrafanaQueryContext): string {
  const out = sql.replace(MACRO_RE, (_m, name: string, args: string | undefined) => {
    const list = args === undefined ? [] : args.split(',').map((s) => s.trim());
    return (MACROS[name] as Macro)(ctx, list);
  });
  const left = /\$__\w+/.exec(out);
  if (left !== null) throw new Error(`unexpanded macro ${left[0]}`);
  return out;
}

// Grafana's variable formats (docs "Advanced variable format options") that the dashboards use.
const FORMATS: Record<string, (values: readonly string[]) => string> = {
  raw: (v) => v.join(','),
  sqlstring: (v) => v.map((s) => `'${s.replace(/'/g, "''")}'`).join(','),
  singlequote: (v) => v.map((s) => `'${s.replace(/'/g, "\\'")}'`).join(','),
  doublequote: (v) => v.map((s) => `"${s.replace(/"/g, '\\"')}"`).join(','),
  csv: (v) => v.join(','),
};

// Grafana's variable syntax: $name, ${name}, ${name:format}, [[name]] (the last deprecated).
const VARIABLE_RE = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?::([^}]+))?\}/g;

/**
 * Returns the SQL with template variables replaced as Grafana's frontend does; names it does not
 * know (such as the plugin's `$__` macros) are left as they are. An unknown format throws.
 */
export function interpolateVariables(sql: string, ctx: GrafanaQueryContext): string {
  return sql.replace(VARIABLE_RE, (match, plain, bracket, bracketFmt, braced, bracedFmt) => {
    const name = (plain ?? bracket ?? braced) as string;
    const values = ctx.variables[name];
    if (values === undefined) return match;
    const format = (bracketFmt ?? bracedFmt ?? 'raw') as string;
    const render = FORMATS[format];
    if (render === undefined) throw new Error(`variable format ${format} not supported here`);
    return render(values);
  });
}

/** Returns the SQL ClickHouse receives: variables first (frontend), then macros (backend). */
export function renderPanelSql(sql: string, ctx: GrafanaQueryContext): string {
  return expandMacros(interpolateVariables(sql, ctx), ctx);
}

// Grafana's interval rounding table (rangeutil roundInterval), in ms.
const ROUND_STEPS: ReadonlyArray<[upTo: number, to: number]> = [
  [15, 10],
  [35, 20],
  [75, 50],
  [150, 100],
  [350, 200],
  [750, 500],
  [1_500, 1_000],
  [3_500, 2_000],
  [7_500, 5_000],
  [12_500, 10_000],
  [17_500, 15_000],
  [25_000, 20_000],
  [45_000, 30_000],
  [90_000, 60_000],
  [210_000, 120_000],
  [450_000, 300_000],
  [750_000, 600_000],
  [1_050_000, 900_000],
  [1_500_000, 1_200_000],
  [2_700_000, 1_800_000],
  [5_400_000, 3_600_000],
  [9_000_000, 7_200_000],
  [16_200_000, 10_800_000],
  [32_400_000, 21_600_000],
  [86_400_000, 43_200_000],
];

/**
 * Returns the interval Grafana gives a panel: the range over max data points, rounded to a
 * "nice" step, and no less than the panel's min interval (`interval`, e.g. "1m").
 */
export function panelIntervalMs(
  rangeMs: number,
  maxDataPoints: number,
  minInterval?: string,
): number {
  const raw = rangeMs / maxDataPoints;
  const rounded = ROUND_STEPS.find(([upTo]) => raw < upTo)?.[1] ?? 86_400_000;
  return Math.max(rounded, minInterval === undefined ? 1 : durationMs(minInterval));
}

function durationMs(text: string): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(text);
  if (m === null) throw new Error(`interval ${text}: expected e.g. 30s, 1m, 1h`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as string] ?? 1;
  return Number(m[1]) * unit;
}
