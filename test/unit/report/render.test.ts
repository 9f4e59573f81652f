// The renderers: JSON names a source for every figure in snake_case; Markdown has the three
// sections and escapes data; Slack stays within Block Kit; HTML is standalone and escapes data.
import { lineChartSvg } from '../../../src/report/chart';
import { buildInsight } from '../../../src/report/insight';
import { renderInsightHtml } from '../../../src/report/render-html';
import { insightJson } from '../../../src/report/render-json';
import { escapeMarkdown, renderInsightMarkdown } from '../../../src/report/render-md';
import { insightSlackMessage } from '../../../src/report/render-slack';
import { chimeraBatchedHour, chimeraHour, chimeraWindow, fig } from './fixtures';

const EVIL = '<script>alert("x")</script>|&';

// The chimera hour with markup in every string that comes from data.
const evilHour = () =>
  buildInsight(
    chimeraHour({
      model: EVIL,
      current: chimeraWindow({ versions: [EVIL], throughputRps: { value: 5.1, source: EVIL } }),
      slos: [
        {
          name: EVIL,
          objective: 0.99,
          sli: 0.4,
          breached: true,
          budgetRemaining: -1,
          burnRate: 9,
          evaluatedAtMs: 0,
        },
      ],
      drift: [
        {
          reportId: EVIL,
          createdAtMs: 0,
          features: 10,
          drifted: 6,
          driftShare: 0.6,
          shareThreshold: 0.5,
          datasetDrift: true,
        },
      ],
      series: {
        stepSeconds: 60,
        points: [{ startMs: 0, offeredRps: 1, throughputRps: 1, ttftMeanMs: 1 }],
        source: EVIL,
      },
    }),
  );

const snake = /^[a-z][a-z0-9_]*$/;

// Every key of a JSON value, however deep.
function keys(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keys);
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => [k, ...keys(v)]);
  return [];
}

describe('insightJson', () => {
  const json = insightJson(buildInsight(chimeraHour()));

  it('uses snake_case keys only', () => {
    expect(keys(json).filter((k) => !snake.test(k))).toEqual([]);
  });

  it('names a source for every summary figure, recommendation figure and risk signal', () => {
    const all = [
      ...json.summary.figures,
      json.summary.offered_rps,
      json.summary.peak_offered_rps,
      ...json.recommendations.flatMap((r) => r.figures),
      ...json.risks.flatMap((r) => r.evidence),
    ];
    expect(all.length).toBeGreaterThan(20);
    for (const f of all) expect(f.source).toEqual(expect.any(String));
    expect(json.summary.figures[0]).toMatchObject({
      name: 'throughput_rps',
      value: 5.1,
      source: 'fixture: throughput_rps',
      verdict: 'breached',
    });
  });

  it('names the profile or the fit behind the predicted throughput', () => {
    const batching = json.recommendations.find((r) => r.kind === 'batching');
    const b5 = batching?.figures.find((f) => f.name === 'predicted_throughput_rps_b5');
    expect(b5?.value).toBeCloseTo(5000 / 260, 9);
    expect(b5?.source).toContain('profile: latency(B) = 180 + 16·B ms');
    const fitted = insightJson(
      buildInsight(chimeraBatchedHour({ current: chimeraWindow({ batchSizeMean: fig(2.9) }) })),
    );
    const fb5 = fitted.recommendations
      .find((r) => r.kind === 'batching')
      ?.figures.find((f) => f.name === 'fixed_ms');
    expect(fb5?.source).toMatch(/^fit: latency\(B\) = 180 \+ 16·B ms over 5 batch sizes/);
  });

  it('writes times as ISO-8601 and likelihoods as snake_case words', () => {
    expect(json.window.from).toBe('2026-11-20T03:00:00.000Z');
    expect(json.previous_window).toBeNull();
    expect(json.risks.map((r) => r.likelihood)).toEqual(['high', 'low', 'low']);
  });
});

describe('renderInsightMarkdown', () => {
  const md = renderInsightMarkdown(buildInsight(chimeraHour()));

  it('has the three sections, a summary table and a risk table', () => {
    expect(md).toMatch(/^# Insight report: chimera$/m);
    expect(md).toMatch(/^## Executive summary$/m);
    expect(md).toMatch(/^## Recommendations$/m);
    expect(md).toMatch(/^## Risks$/m);
    expect(md).toContain(
      '| Throughput (served) | 5.1 req/s of 10 offered | ≥ 10 req/s | ❌ breached | — |',
    );
    expect(md).toContain('| TTFT mean | 1.20 s | ≤ 0.80 s | ❌ breached | — |');
    expect(md).toMatch(/^\| GPU over-subscription \| 🔴 High \|/m);
    expect(md).toMatch(/^### 1\. Batch requests: B = 5$/m);
  });

  it('says so when nothing is recommended', () => {
    expect(renderInsightMarkdown(buildInsight(chimeraBatchedHour()))).toContain(
      'None: nothing in this window',
    );
  });

  it('escapes data strings: no raw HTML, no table cell breaks', () => {
    const evil = renderInsightMarkdown(evilHour());
    expect(evil).not.toContain('<script>');
    expect(evil).toContain('&lt;script&gt;');
    expect(escapeMarkdown('a|b\nc')).toBe('a\\|b c');
  });
});

describe('insightSlackMessage', () => {
  it('is a header, sections with mrkdwn fields and a context line, within Block Kit limits', () => {
    const msg = insightSlackMessage(buildInsight(chimeraHour()));
    expect(msg.blocks.map((b) => b.type)).toEqual([
      'header',
      'section',
      'section',
      'divider',
      'section',
      'section',
      'context',
    ]);
    expect(msg.text).toBe('Insight report: chimera — 2 targets breached');
    const fields = msg.blocks.flatMap(
      (b) => (b.fields as { type: string; text: string }[] | undefined) ?? [],
    );
    expect(fields.length).toBeGreaterThan(0);
    for (const f of fields) {
      expect(f.type).toBe('mrkdwn');
      expect(f.text.length).toBeLessThanOrEqual(2000);
    }
    for (const b of msg.blocks)
      expect(((b.fields as unknown[] | undefined) ?? []).length).toBeLessThanOrEqual(10);
    expect(JSON.stringify(msg.blocks)).toContain('Batch requests: B = 5');
    expect(JSON.stringify(msg.blocks)).not.toContain('| ---');
  });

  it('escapes Slack control characters in data', () => {
    const text = JSON.stringify(insightSlackMessage(evilHour()).blocks.slice(1));
    expect(text).not.toContain('<script>');
    expect(text).toContain('&lt;script&gt;');
  });

  it('says all targets met on a good day', () => {
    expect(insightSlackMessage(buildInsight(chimeraBatchedHour())).text).toBe(
      'Insight report: chimera — all targets met',
    );
  });
});

describe('renderInsightHtml', () => {
  const html = renderInsightHtml(buildInsight(chimeraHour()));

  it('is one standalone page: no script, nothing fetched', () => {
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|<link|src=|@import|url\(/i);
  });

  it('has the summary table, recommendations, risk table and two charts', () => {
    expect(html).toContain('<table id="figures">');
    expect(html).toContain('<section class="rec" id="rec-batching">');
    expect(html).toContain('<table id="risk-table">');
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).toContain('Throughput: offered and served');
    expect(html).toContain('TTFT mean against its target');
    expect(html).toContain('stroke-dasharray');
  });

  it('escapes every data string', () => {
    const evil = renderInsightHtml(evilHour());
    expect(evil).not.toContain('<script>');
    expect(evil).not.toContain('"x")');
    expect(evil).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;|&amp;');
  });

  it('breaks a line where a step has no value', () => {
    const e = chimeraHour();
    e.series.points[30] = {
      ...(e.series.points[30] as (typeof e.series.points)[number]),
      ttftMeanMs: null,
    };
    const page = renderInsightHtml(buildInsight(e));
    const ttftPath = page.match(/<path d="([^"]+)"[^>]*stroke="#8250df"/)?.[1] ?? '';
    expect(ttftPath.match(/M/g)).toHaveLength(2);
  });
});

describe('lineChartSvg', () => {
  it.each([
    [10.6, ['0', '6', '12']],
    [1200, ['0', '750', '1500']],
    [0.05, ['0', '0.03', '0.06']],
  ])('labels the axis of a line peaking at %p in round numbers %p', (peak, labels) => {
    const svg = lineChartSvg(
      't',
      'u',
      [0, 60_000],
      [{ name: 'a', color: '#000', values: [0, peak] }],
    );
    const got = [...svg.matchAll(/text-anchor="end">([^<]+)</g)].map((m) => m[1]);
    expect(got).toEqual(labels);
  });

  it('draws nothing for a line without values', () => {
    const svg = lineChartSvg('t', 'u', [0], [{ name: 'a', color: '#000', values: [null] }]);
    expect(svg).not.toContain('<path');
  });
});
