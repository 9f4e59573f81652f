// OpenSLO v1 import: YAML documents (kind SLO, with SLI and DataSource documents they refer to)
// -> InsightAgent SloSpecs, or every problem at once, each naming its document and field path.
// Pure: text in, specs out; the CLI reads the file and prints renderSlosYaml().
import { Document, LineCounter, parseAllDocuments } from 'yaml';
import type { z } from 'zod';
import { formatPath } from '../config/issues';
import { ConfigError } from '../errors';
import { type MappedSli, mapIndicator } from './openslo-indicator';
import {
  dataSourceDoc,
  documentHead,
  openSloIssueMessage,
  type SliSpecDoc,
  type SloDoc,
  sliDoc,
  sloDoc,
  type TimeWindowDoc,
} from './openslo-schema';
import type { Report } from './openslo-source';
import {
  EVERY_MODEL,
  neverFiringSeverities,
  parseSloEntry,
  type SloSpec,
  sloListSchema,
  toConfigEntry,
} from './spec';
import { got, SLO_NAME } from './spec-fields';

/** The imported SLOs, and notes on what was read but not imported (other kinds, alert policies). */
export interface OpenSloImport {
  slos: SloSpec[];
  notes: string[];
}

const API_VERSION = 'openslo/v1';
/** Kinds that describe no SLO of their own: read for references, otherwise skipped with a note. */
const SKIPPED_KINDS = ['Service', 'AlertPolicy', 'AlertCondition', 'AlertNotificationTarget'];

/**
 * Parses OpenSLO v1 YAML (one or more documents) into SloSpecs. Throws a ConfigError listing
 * every problem as `<source>: document N (name): field.path: message` (documents count from 1).
 */
export function importOpenSlo(text: string, source: string): OpenSloImport {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { uniqueKeys: true, lineCounter, prettyErrors: false });
  const problems: string[] = [];
  const list = Array.isArray(docs) ? docs : [];
  for (const [i, doc] of list.entries()) {
    for (const e of doc.errors) {
      const pos = lineCounter.linePos(e.pos[0]);
      problems.push(`document ${i + 1}: line ${pos.line}, column ${pos.col}: ${e.message}`);
    }
  }
  if (problems.length > 0) throw importError(source, 'invalid YAML', problems);
  const values = list.map((d) => d.toJS() as unknown).filter((v) => v !== null && v !== undefined);
  const result = importDocuments(values, problems);
  if (problems.length > 0) throw importError(source, 'cannot import', problems);
  if (result.slos.length === 0)
    throw importError(source, 'cannot import', ['no document of kind SLO']);
  return result;
}

function importError(source: string, what: string, problems: string[]): ConfigError {
  return new ConfigError(`${source}: ${what}:\n  ${problems.join('\n  ')}`);
}

interface Indexed<T> {
  index: number;
  doc: T;
}

function importDocuments(values: unknown[], problems: string[]): OpenSloImport {
  const notes: string[] = [];
  const slis = new Map<string, Indexed<SliSpecDoc>>();
  const dataSources = new Map<string, string>();
  const slos: Indexed<SloDoc>[] = [];
  for (const [index, value] of values.entries()) {
    const label = documentLabel(index, value);
    const report: Report = (path, message) => problems.push(`${label}: ${path}: ${message}`);
    const head = documentHead.safeParse(value, { error: openSloIssueMessage });
    if (!head.success) {
      reportZod(head.error, report);
      continue;
    }
    if (head.data.apiVersion !== API_VERSION) {
      report('apiVersion', `expected ${API_VERSION}, ${got(head.data.apiVersion)}`);
      continue;
    }
    const kind = head.data.kind;
    if (kind === 'SLO') {
      const slo = sloDoc.safeParse(value, { error: openSloIssueMessage });
      if (slo.success) slos.push({ index, doc: slo.data });
      else reportZod(slo.error, report);
    } else if (kind === 'SLI') {
      const sli = sliDoc.safeParse(value, { error: openSloIssueMessage });
      if (sli.success) slis.set(sli.data.metadata.name, { index, doc: sli.data.spec });
      else reportZod(sli.error, report);
    } else if (kind === 'DataSource') {
      const ds = dataSourceDoc.safeParse(value, { error: openSloIssueMessage });
      if (ds.success) dataSources.set(ds.data.metadata.name, ds.data.spec.type);
      else reportZod(ds.error, report);
    } else if (SKIPPED_KINDS.includes(kind)) {
      notes.push(`document ${index + 1} (kind ${kind}) describes no SLO of its own; not imported`);
    } else {
      report('kind', `expected SLO, SLI, DataSource or ${SKIPPED_KINDS.join(', ')}, ${got(kind)}`);
    }
  }
  const specs: SloSpec[] = [];
  const from: string[] = [];
  for (const { index, doc } of slos) {
    const label = documentLabel(index, doc);
    const report: Report = (path, message) => problems.push(`${label}: ${path}: ${message}`);
    const note = (message: string) => notes.push(`${label}: ${message}`);
    for (const spec of mapSlo(doc, slis, (n) => dataSources.get(n), report, note)) {
      specs.push(spec);
      from.push(label);
    }
    if (doc.spec.alertPolicies !== undefined && doc.spec.alertPolicies.length > 0) {
      notes.push(
        `${label}: alertPolicies not imported; InsightAgent's multi-window burn-rate alerts apply (alerting: page, ticket)`,
      );
    }
  }
  const unique = sloListSchema.safeParse(specs.map(toConfigEntry));
  if (!unique.success) {
    for (const issue of unique.error.issues) {
      const i = issue.path[0];
      problems.push(`${typeof i === 'number' ? from[i] : 'import'}: ${issue.message}`);
    }
  }
  return { slos: specs, notes };
}

/** `document 3 (name)`: documents count from 1, as one counts them in an editor. */
function documentLabel(index: number, value: unknown): string {
  const name = (value as { metadata?: { name?: unknown } } | null)?.metadata?.name;
  return typeof name === 'string' ? `document ${index + 1} (${name})` : `document ${index + 1}`;
}

function reportZod(error: z.ZodError, report: Report): void {
  for (const issue of error.issues) report(formatPath(issue.path), issue.message);
}

function mapSlo(
  doc: SloDoc,
  slis: Map<string, Indexed<SliSpecDoc>>,
  dataSourceType: (name: string) => string | undefined,
  report: Report,
  note: (message: string) => void,
): SloSpec[] {
  const { spec } = doc;
  const indicator = resolveIndicator(doc, slis, report);
  const window = mapWindow(spec.timeWindow, report);
  if (spec.budgetingMethod === 'RatioTimeslices') {
    report(
      'spec.budgetingMethod',
      'RatioTimeslices is not supported; expected Occurrences (ratios over events) or Timeslices (a thresholdMetric per slice)',
    );
    return [];
  }
  // Problems of the name and window are reported, and the objectives still checked, so that one
  // run lists everything to fix.
  const nameOk = SLO_NAME.test(doc.metadata.name);
  if (!nameOk) {
    report('metadata.name', `expected a name starting with a letter, ${got(doc.metadata.name)}`);
  }
  if (indicator === undefined) return [];
  const many = spec.objectives.length > 1;
  const out: SloSpec[] = [];
  spec.objectives.forEach((objective, i) => {
    const objectivePath = `spec.objectives[${i}]`;
    const paths = {
      indicator: indicator.path,
      objective: objectivePath,
      budgeting: 'spec.budgetingMethod',
    };
    const target = targetOf(objective, objectivePath, report);
    const mapped = mapIndicator(
      indicator.spec,
      objective,
      spec.budgetingMethod as 'Occurrences' | 'Timeslices',
      paths,
      dataSourceType,
      report,
    );
    if (target === undefined || mapped === undefined) return;
    const description = objective.displayName ?? spec.description ?? doc.metadata.displayName;
    // OpenSLO has no burn-rate alerts of ours to turn off, so an objective too low for one
    // (e.g. 0.9 cannot page at 14.4x) is imported with that alert off, and said so.
    const off = neverFiringSeverities(target.value);
    const entry = {
      name: nameOk ? (many ? `${doc.metadata.name}-${i + 1}` : doc.metadata.name) : 'unnamed',
      model: mapped.model ?? EVERY_MODEL,
      ...(description === undefined ? {} : { description }),
      sli: mapped.sli,
      objective: target.value,
      window: window ?? { rolling: '30d' },
      ...(off.length === 0 ? {} : { alerting: Object.fromEntries(off.map((sev) => [sev, false])) }),
    };
    const parsed = parseSloEntry(entry);
    if (parsed.success) {
      if (nameOk && window !== undefined) out.push(parsed.data);
      for (const severity of off) {
        note(
          `objective ${target.value} is too low for the ${severity} alert to ever fire; imported with alerting.${severity}: false`,
        );
      }
      return;
    }
    const origins: MappedSli['origins'] = {
      objective: target.path,
      name: 'metadata.name',
      description: 'spec.description',
      ...mapped.origins,
    };
    for (const issue of parsed.error.issues) {
      const ours = formatPath(issue.path);
      report(origins[ours] ?? `(as InsightAgent ${ours})`, issue.message);
    }
  });
  return out;
}

function resolveIndicator(
  doc: SloDoc,
  slis: Map<string, Indexed<SliSpecDoc>>,
  report: Report,
): { spec: SliSpecDoc; path: string } | undefined {
  const { indicator, indicatorRef } = doc.spec;
  if ((indicator === undefined) === (indicatorRef === undefined)) {
    report('spec', 'expected exactly one of indicator and indicatorRef');
    return undefined;
  }
  if (indicator !== undefined) return { spec: indicator.spec, path: 'spec.indicator.spec' };
  const found = slis.get(indicatorRef as string);
  if (found === undefined) {
    report('spec.indicatorRef', `no SLI named "${indicatorRef}" in the file`);
    return undefined;
  }
  return { spec: found.doc, path: `(SLI "${indicatorRef}", document ${found.index + 1}) spec` };
}

function targetOf(
  o: SloDoc['spec']['objectives'][number],
  at: string,
  report: Report,
): { value: number; path: string } | undefined {
  if ((o.target === undefined) === (o.targetPercent === undefined)) {
    report(at, 'expected exactly one of target and targetPercent');
    return undefined;
  }
  if (o.target !== undefined) return { value: o.target, path: `${at}.target` };
  // 99.95 / 100 = 0.9995000000000001 in floats; twelve decimals is ample for an objective.
  return {
    value: Number(((o.targetPercent as number) / 100).toFixed(12)),
    path: `${at}.targetPercent`,
  };
}

const ROLLING_DAYS: Record<number, string> = { 7: '7d', 28: '28d', 30: '30d' };
const UNIT_DAYS: Record<string, number> = { d: 1, w: 7 };

function mapWindow(
  windows: TimeWindowDoc[] | undefined,
  report: Report,
): Record<string, string> | undefined {
  if (windows === undefined) return { rolling: '30d' };
  const [w] = windows;
  if (w === undefined || windows.length !== 1) {
    report('spec.timeWindow', `expected exactly one time window, got ${windows.length}`);
    return undefined;
  }
  const at = 'spec.timeWindow[0]';
  const calendar = w.calendar !== undefined || w.isRolling === false;
  if (calendar) {
    if (w.duration !== '1M') {
      report(
        `${at}.duration`,
        `a calendar window is one month here; expected 1M, ${got(w.duration)}`,
      );
      return undefined;
    }
    const zone = w.calendar?.timeZone;
    if (zone !== undefined && !['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT'].includes(zone)) {
      report(
        `${at}.calendar.timeZone`,
        `calendar months are UTC in InsightAgent; expected UTC, ${got(zone)}`,
      );
      return undefined;
    }
    const start = w.calendar?.startTime;
    if (start !== undefined && !/^\d{4}-\d{2}-01([ T]00:00(:00)?)?$/.test(start)) {
      report(
        `${at}.calendar.startTime`,
        `calendar months start on the 1st at 00:00; ${got(start)}`,
      );
      return undefined;
    }
    return { calendar: 'month' };
  }
  const m = /^(\d+)([dw])$/.exec(w.duration);
  const days = m === null ? undefined : Number(m[1]) * (UNIT_DAYS[m[2] as string] as number);
  const rolling = days === undefined ? undefined : ROLLING_DAYS[days];
  if (rolling === undefined) {
    report(
      `${at}.duration`,
      `expected a rolling window of 7d, 28d or 30d (also 1w, 4w), ${got(w.duration)}`,
    );
    return undefined;
  }
  return { rolling };
}

/** Returns the `slos:` YAML for `imported`, notes and source as comments; it loads as config. */
export function renderSlosYaml(imported: OpenSloImport, source: string): string {
  const doc = new Document({ slos: imported.slos.map(toConfigEntry) });
  doc.commentBefore = [
    ` Imported from ${source} by insightagent slo import.`,
    ...imported.notes.map((n) => ` Note: ${n}`),
  ].join('\n');
  return doc.toString({ lineWidth: 0 });
}
