// The executive summary: verdicts against targets (at the target is met), throughput judged
// against the demand there was, changes against the previous window, SLOs breached, the paragraph.

import { buildInsight } from '../../../src/report/insight';
import { insightJson } from '../../../src/report/render-json';
import {
  buildSummary,
  changeOf,
  metricOf,
  throughputVerdict,
  verdictOf,
} from '../../../src/report/summary';
import { chimeraBatchedHour, chimeraHour, chimeraWindow, fig } from './fixtures';

describe('verdictOf', () => {
  it.each([
    [0.79, 0.8, 'min', 'breached'],
    [0.8, 0.8, 'min', 'met'],
    [0.81, 0.8, 'min', 'met'],
    [799, 800, 'max', 'met'],
    [800, 800, 'max', 'met'],
    [801, 800, 'max', 'breached'],
    [null, 800, 'max', 'not_measured'],
    [0.9, null, 'min', 'no_target'],
    [null, null, 'min', 'not_measured'],
  ] as const)('%p against %p (%s) is %s', (value, target, bound, verdict) => {
    expect(verdictOf(value, target, bound)).toBe(verdict);
  });
});

describe('throughputVerdict', () => {
  it.each([
    // served, offered, target, verdict
    [9.99, 12, 10, 'breached'],
    [10, 12, 10, 'met'],
    [5.1, 10, 10, 'breached'],
    [9.6, 10, 10, 'breached'], // offered at the target: no demand-limited excuse
    [2.84, 3, 10, 'breached'], // just below 95 % of what was offered
    [2.85, 3, 10, 'met'], // at 95 %: demand-limited
    [2.9, 3, 10, 'met'],
    [5, null, 10, 'breached'],
    [null, 10, 10, 'not_measured'],
  ] as const)('served %p of %p offered, target %p: %s', (served, offered, target, verdict) => {
    expect(throughputVerdict(served, offered, target).verdict).toBe(verdict);
  });

  it('says why a window under target is met', () => {
    expect(throughputVerdict(2.9, 3, 10).note).toMatch(/^demand-limited: 3 requests\/s offered/);
    expect(throughputVerdict(10, 12, 10).note).toBeNull();
  });
});

describe('changeOf', () => {
  it.each([
    [5.1, 5, 0.1, 0.02],
    [1200, 1500, -300, -0.2],
    [3, 0, 3, null],
    [3, null, null, null],
    [null, 3, null, null],
  ])('%p against %p: %p, %p', (current, previous, change, relative) => {
    const got = changeOf(current, previous);
    if (change === null) expect(got.change).toBeNull();
    else expect(got.change).toBeCloseTo(change, 9);
    if (relative === null) expect(got.changeRelative).toBeNull();
    else expect(got.changeRelative).toBeCloseTo(relative, 9);
  });
});

describe('buildSummary', () => {
  it('chimera hour: throughput and TTFT breached, scores without targets, two SLOs breached', () => {
    const s = buildSummary(chimeraHour());
    expect(s.metrics.map((m) => [m.key, m.verdict])).toEqual([
      ['throughput_rps', 'breached'],
      ['ttft_ms_mean', 'breached'],
      ['ttft_ms_p95', 'no_target'],
      ['accuracy', 'no_target'],
      ['coherence', 'no_target'],
    ]);
    expect(s.slosBreached.map((x) => x.name)).toEqual(['ttft-mean', 'availability']);
    expect(metricOf(s, 'throughput_rps').value.source).toBe('fixture: throughput_rps');
    expect(s.paragraph).toContain('chimera served 5.1 requests/s of the 10 offered (target 10');
    expect(s.paragraph).toContain('TTFT averaged 1.20 s against 0.80 s, p95 1.35 s');
    expect(s.paragraph).toContain('SLOs breached: ttft-mean, availability.');
  });

  it('chimera batched hour: nothing breached', () => {
    const s = buildSummary(chimeraBatchedHour());
    expect(metricOf(s, 'throughput_rps').verdict).toBe('met');
    expect(metricOf(s, 'ttft_ms_mean').verdict).toBe('met');
    expect(s.slosBreached).toEqual([]);
    expect(s.paragraph).toContain('TTFT averaged 300 ms against 800 ms');
    expect(s.paragraph).toContain('Its one SLO was met.');
  });

  it.each([
    ['accuracy', 0.9, 'breached'],
    ['accuracy', 0.872, 'met'],
    ['coherence', 0.95, 'breached'],
    ['coherence', 0.9, 'met'],
  ] as const)('%s is judged only against a given target (%p: %s)', (key, target, verdict) => {
    const s = buildSummary(
      chimeraHour({ targets: { throughputRps: 10, ttftMeanMs: 800, [key]: target } }),
    );
    expect(metricOf(s, key).verdict).toBe(verdict);
    expect(metricOf(s, key).target).toBe(target);
  });

  it('judges TTFT p95 when a p95 target is given', () => {
    const s = buildSummary(
      chimeraHour({ targets: { throughputRps: 10, ttftMeanMs: 800, ttftP95Ms: 1300 } }),
    );
    expect(metricOf(s, 'ttft_ms_p95').verdict).toBe('breached');
  });

  it('gives changes against the previous window, absolute and relative', () => {
    const previous = chimeraWindow({
      throughputRps: fig(6),
      ttftMeanMs: fig(1000),
      accuracy: fig(null),
    });
    const s = buildSummary(chimeraHour({ previous }));
    expect(metricOf(s, 'throughput_rps').change).toBeCloseTo(-0.9, 9);
    expect(metricOf(s, 'throughput_rps').changeRelative).toBeCloseTo(-0.15, 9);
    expect(metricOf(s, 'ttft_ms_mean')).toMatchObject({
      previous: 1000,
      change: 200,
      changeRelative: 0.2,
    });
    expect(metricOf(s, 'accuracy')).toMatchObject({
      previous: null,
      change: null,
      changeRelative: null,
    });
    expect(s.paragraph).toContain(
      'Against the previous window: throughput down 15 %, TTFT mean up 20 %.',
    );
  });

  it('has no changes without a previous window', () => {
    const s = buildSummary(chimeraHour());
    expect(s.metrics.every((m) => m.change === null && m.changeRelative === null)).toBe(true);
  });

  it('says when nothing was measured', () => {
    const current = chimeraWindow({
      throughputRps: fig(null),
      ttftMeanMs: fig(null),
      ttftP95Ms: fig(null),
    });
    const s = buildSummary(chimeraHour({ current, slos: [] }));
    expect(metricOf(s, 'throughput_rps').verdict).toBe('not_measured');
    expect(s.paragraph).toContain('TTFT was not measured.');
    expect(s.paragraph).toContain('No SLO was evaluated.');
  });
});

describe('without targets', () => {
  it('gives no verdict and no target-based advice, and never invents a target', () => {
    const evidence = chimeraHour();
    evidence.targets = {};
    const report = buildInsight(evidence);
    for (const m of report.summary.metrics) expect(m.verdict).toBe('no_target');
    expect(report.recommendations.map((r) => r.kind)).not.toContain('autoscaling');
    // Half the offered load refused: batching is still advised, against the peak offered.
    expect(report.recommendations.map((r) => r.kind)).toContain('batching');
    expect(insightJson(report).targets).toMatchObject({ throughput_rps: null, ttft_ms_mean: null });
    // The paragraph names no target it does not have, and judges nothing against one.
    expect(report.summary.paragraph).not.toMatch(/target|not measured/);
    expect(report.summary.paragraph).toMatch(
      /^chimera served 5\.1 requests\/s of the 10 offered \(busiest minute [\d.]+\/s\)\. TTFT averaged 1\.20 s, p95 1\.35 s\./,
    );
  });
});
