// The insight report as a daily Slack post in Block Kit: a header, the summary paragraph, the
// headline figures as section fields, recommendations as bullets, risks as fields, and a context
// line. Slack mrkdwn has no tables, hence fields and bullets. Pure.
import { escapeMrkdwn } from '../alerts/channels/slack';
import {
  metricChangeText,
  metricTargetText,
  metricValueText,
  rpsText,
  timeText,
  VERDICT_TEXT,
} from './format';
import type { InsightReport } from './insight';

// Block Kit limits: header text 150 characters, section text 3000, field text 2000, 10 fields.
const HEADER_MAX = 150;
const TEXT_MAX = 3000;
const FIELD_MAX = 2000;

const VERDICT_ICON = {
  met: ':white_check_mark:',
  breached: ':x:',
  not_measured: ':heavy_minus_sign:',
  no_target: ':heavy_minus_sign:',
} as const;
const LIKELIHOOD_ICON = {
  High: ':red_circle:',
  Medium: ':large_orange_circle:',
  Low: ':large_green_circle:',
  'Not measured': ':white_circle:',
} as const;

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

const mrkdwn = (text: string, max = TEXT_MAX) => ({ type: 'mrkdwn', text: truncate(text, max) });

/** Returns the Block Kit message (fallback text plus blocks) of the report's daily post. */
export function insightSlackMessage(report: InsightReport): {
  text: string;
  blocks: Record<string, unknown>[];
} {
  const e = escapeMrkdwn;
  const { summary } = report;
  const breached = summary.metrics.filter((m) => m.verdict === 'breached');
  const headline = `Insight report: ${report.model} — ${breached.length === 0 ? 'all targets met' : `${breached.length} target${breached.length === 1 ? '' : 's'} breached`}`;
  const offered = summary.offeredRps.value;
  const figures = summary.metrics.map((m) =>
    mrkdwn(
      `*${m.label}*\n${metricValueText(m)}${m.key === 'throughput_rps' && offered !== null ? ` of ${rpsText(offered)} offered` : ''} (target ${metricTargetText(m)}) ${VERDICT_ICON[m.verdict]} ${VERDICT_TEXT[m.verdict]}\nvs previous: ${metricChangeText(m)}`,
      FIELD_MAX,
    ),
  );
  figures.push(
    mrkdwn(
      `*SLOs breached*\n${summary.slosBreached.length === 0 ? (summary.slosEvaluated === 0 ? 'none evaluated' : 'none') : e(summary.slosBreached.map((s) => s.name).join(', '))}`,
      FIELD_MAX,
    ),
  );
  const recommendations =
    report.recommendations.length === 0
      ? '*Recommendations*\nNone: nothing in this window’s evidence calls for a change.'
      : `*Recommendations*\n${report.recommendations
          .map(
            (r) =>
              `• *${e(r.title)}* — ${e(r.expectedEffect)} Watch ${r.watch.map((w) => `\`${e(w)}\``).join(', ')}.`,
          )
          .join('\n')}`;
  const blocks: Record<string, unknown>[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: truncate(headline, HEADER_MAX), emoji: true },
    },
    { type: 'section', text: mrkdwn(e(summary.paragraph)) },
    { type: 'section', fields: figures.slice(0, 10) },
    { type: 'divider' },
    { type: 'section', text: mrkdwn(recommendations) },
    {
      type: 'section',
      text: mrkdwn('*Risks*'),
      fields: report.risks.map((r) =>
        mrkdwn(`*${r.title}*\n${LIKELIHOOD_ICON[r.likelihood]} ${r.likelihood}`, FIELD_MAX),
      ),
    },
    {
      type: 'context',
      elements: [
        mrkdwn(
          `Window ${timeText(report.window.fromMs)} – ${timeText(report.window.toMs)} · versions ${e(report.versions.join(', ') || 'none')}`,
        ),
      ],
    },
  ];
  return { text: truncate(e(headline), TEXT_MAX), blocks };
}
