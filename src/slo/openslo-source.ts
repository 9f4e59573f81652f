// Reads an OpenSLO metric source by InsightAgent's convention (docs/slo.md, "OpenSLO import"):
// `metricSource.type: insightagent` and a `spec` that names what to count, e.g. {field: ttft_ms},
// {status: ok}, {score: accuracy}, {metric: throughput_rps}, {events: requests}.

import type { MetricSpec } from './openslo-schema';
import { LATENCY_FIELDS, TIMESLICE_METRICS } from './spec';
import { got } from './spec-fields';

/** Collects problems as `path: message`, paths in the OpenSLO document. */
export type Report = (path: string, message: string) => void;

/** What one metric source counts or measures. */
export type Source =
  | { what: 'field'; field: string; thresholdMs?: number }
  | { what: 'status'; status: 'ok' | 'error' }
  | { what: 'score'; score: string; threshold?: number }
  | { what: 'metric'; metric: string; score?: string }
  | { what: 'events'; events: 'requests' | 'scored'; score?: string };

/** A source and the model it names (undefined: every model). */
export interface ReadSource {
  source: Source;
  model?: string;
}

const KEYS: Record<Source['what'], readonly string[]> = {
  field: ['field', 'threshold_ms', 'model'],
  status: ['status', 'model'],
  score: ['score', 'threshold', 'model'],
  metric: ['metric', 'score', 'model'],
  events: ['events', 'score', 'model'],
};

const SHAPES =
  '{field: ttft_ms|latency_ms|queue_ms}, {status: ok|error}, {score: <name>}, {metric: <metric>} or {events: requests|scored}';

/**
 * Returns what `spec` (at `path`) counts, or undefined after reporting why it cannot be read.
 * `dataSourceType` resolves a metricSourceRef to its DataSource's type.
 */
export function readSource(
  spec: MetricSpec,
  path: string,
  dataSourceType: (name: string) => string | undefined,
  report: Report,
): ReadSource | undefined {
  const src = spec.metricSource;
  const at = `${path}.metricSource`;
  let type = src.type;
  if (type === undefined && src.metricSourceRef !== undefined) {
    type = dataSourceType(src.metricSourceRef);
    if (type === undefined) {
      report(
        `${at}.metricSourceRef`,
        `no DataSource named "${src.metricSourceRef}" in the file; give type: insightagent instead`,
      );
      return undefined;
    }
  }
  if (type?.toLowerCase() !== 'insightagent') {
    report(
      `${at}.type`,
      `expected insightagent, ${got(type)}; InsightAgent reads its own store, so vendor queries cannot be imported (docs/slo.md)`,
    );
    return undefined;
  }
  const fields = src.spec ?? {};
  const what = (['field', 'status', 'metric', 'events', 'score'] as const).find(
    (k) => fields[k] !== undefined,
  );
  if (what === undefined) {
    report(`${at}.spec`, `expected one of ${SHAPES}, ${got(src.spec)}`);
    return undefined;
  }
  const unknown = Object.keys(fields).filter((k) => !KEYS[what].includes(k));
  if (unknown.length > 0) {
    report(
      `${at}.spec`,
      `unknown key ${unknown.map((k) => `"${k}"`).join(', ')} beside ${what}; expected ${KEYS[what].join(', ')}`,
    );
    return undefined;
  }
  let failed = false;
  const fail: Report = (p, m) => {
    failed = true;
    report(p, m);
  };
  const model = optionalText(fields.model, `${at}.spec.model`, fail);
  const source = readFields(what, fields, `${at}.spec`, fail);
  if (failed || source === undefined) return undefined;
  return model === undefined ? { source } : { source, model };
}

function readFields(
  what: Source['what'],
  f: Record<string, unknown>,
  at: string,
  report: Report,
): Source | undefined {
  switch (what) {
    case 'field': {
      const field = f.field;
      if (typeof field !== 'string' || !(LATENCY_FIELDS as readonly string[]).includes(field)) {
        report(`${at}.field`, `expected one of ${LATENCY_FIELDS.join(', ')}, ${got(field)}`);
        return undefined;
      }
      const thresholdMs = optionalNumber(f.threshold_ms, `${at}.threshold_ms`, report);
      return thresholdMs === undefined ? { what, field } : { what, field, thresholdMs };
    }
    case 'status':
      if (f.status !== 'ok' && f.status !== 'error') {
        report(`${at}.status`, `expected ok or error, ${got(f.status)}`);
        return undefined;
      }
      return { what, status: f.status };
    case 'score': {
      const score = optionalText(f.score, `${at}.score`, report);
      const threshold = optionalNumber(f.threshold, `${at}.threshold`, report);
      if (score === undefined) return undefined;
      return threshold === undefined ? { what, score } : { what, score, threshold };
    }
    case 'metric': {
      const metric = f.metric;
      if (
        typeof metric !== 'string' ||
        !(TIMESLICE_METRICS as readonly string[]).includes(metric)
      ) {
        report(`${at}.metric`, `expected one of ${TIMESLICE_METRICS.join(', ')}, ${got(metric)}`);
        return undefined;
      }
      const score = optionalText(f.score, `${at}.score`, report);
      return score === undefined ? { what, metric } : { what, metric, score };
    }
    case 'events': {
      if (f.events !== 'requests' && f.events !== 'scored') {
        report(`${at}.events`, `expected requests or scored, ${got(f.events)}`);
        return undefined;
      }
      const score = optionalText(f.score, `${at}.score`, report);
      return score === undefined ? { what, events: f.events } : { what, events: f.events, score };
    }
  }
}

// OpenSLO's reference SDK reads metric source specs as strings, so "800" is taken as 800.
function optionalNumber(value: unknown, path: string, report: Report): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n === 'number' && Number.isFinite(n)) return n;
  report(path, `expected a number, ${got(value)}`);
  return undefined;
}

function optionalText(value: unknown, path: string, report: Report): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value.trim() !== '' && value.trim() === value) return value;
  report(path, `expected a name, ${got(value)}`);
  return undefined;
}
