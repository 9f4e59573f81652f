// The standalone drift page: every string from data escaped (a feature, model or bin named like
// markup stays text), one table row and one chart per feature, no script and nothing fetched.
import { escapeHtml, formatFigure, renderDriftHtml } from '../../../src/drift/html';
import type { ReportJson } from '../../../src/drift/report-json';

type Feature = ReportJson['features'][number];

const feature = (over: Partial<Feature>): Feature => ({
  feature: 'x',
  kind: 'numeric',
  status: 'ok',
  method: 'ks',
  statistic: 0.04,
  p_value: 0.3,
  adjusted_p_value: null,
  threshold: 0.05,
  direction: 'p_below',
  reference_n: 100,
  current_n: 80,
  note: 'exact D',
  statistics: {},
  histogram: { bins: ['< 1', '1 – 2', '>= 2'], reference: [30, 40, 30], current: [20, 40, 20] },
  ...over,
});

const report = (features: Feature[], over: Partial<ReportJson> = {}): ReportJson => ({
  id: 'drift_m_x',
  model: 'chimera',
  model_version: 'v2',
  monitor: 'default',
  created_at: '2026-11-20T04:00:05.000Z',
  current: { from: '2026-11-20T03:00:00.000Z', to: '2026-11-20T04:00:00.000Z' },
  reference: { profile_id: 'training', description: 'training set' },
  dataset_drift: false,
  drift_share: 0,
  share_threshold: 0.5,
  drifted: 0,
  judged: features.length,
  insufficient: 0,
  correction: 'none',
  features,
  ...over,
});

it('escapes every string that comes from data: feature, model, bins, description, note', () => {
  const evil = '<script>alert("x")</script>';
  const html = renderDriftHtml(
    report(
      [
        feature({
          feature: evil,
          note: `<img src=x onerror=alert(1)>`,
          histogram: { bins: [evil, "it's & <b>"], reference: [1, 2], current: [2, 1] },
          kind: 'categorical',
          method: 'chisquare',
        }),
      ],
      {
        model: '<b>m</b>',
        model_version: '"v"',
        reference: { profile_id: "p'1", description: '<i>train</i>' },
      },
    ),
  );
  expect(html).not.toMatch(/<script|<img|<b>|<i>/i);
  expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  expect(html).toContain(
    '<h1>Drift report: &lt;b&gt;m&lt;/b&gt; <small>(version &quot;v&quot;)</small></h1>',
  );
  expect(html).toContain('&lt;i&gt;train&lt;/i&gt;');
  expect(html).toContain('it&#39;s &amp; &lt;b&gt;');
  expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
});

it('draws one table row and one chart per feature; insufficient data gets no chart', () => {
  const html = renderDriftHtml(
    report(
      [
        feature({ feature: 'a', status: 'drifted', statistic: 0.3, p_value: 1e-9 }),
        feature({
          feature: 'b',
          method: 'wasserstein',
          direction: 'statistic_at_least',
          threshold: 0.1,
          p_value: null,
        }),
        feature({
          feature: 'c',
          status: 'insufficient_data',
          statistic: null,
          p_value: null,
          histogram: { bins: [], reference: [], current: [] },
        }),
      ],
      { dataset_drift: true, drifted: 1, judged: 2, insufficient: 1, drift_share: 0.5 },
    ),
  );
  expect(html.match(/<tr><td>/g)).toHaveLength(3);
  expect(html.match(/<svg /g)).toHaveLength(2);
  expect(html).toContain(
    'Dataset drift detected: 1 of 2 features drifted (share 0.5 ≥ 0.5); 1 with too little data',
  );
  expect(html).toContain('<span class="badge drifted">drifted</span>');
  expect(html).toContain('<span class="badge insufficient_data">insufficient data</span>');
  // p-value rule and statistic rule, tiny p in exponent form.
  expect(html).toMatch(
    /<td class="num">0\.3<\/td><td>p &lt; 0\.05<\/td><td class="num">1\.00e-9<\/td>/,
  );
  expect(html).toMatch(
    /<td>wasserstein<\/td><td class="num">0\.04<\/td><td>≥ 0\.1<\/td><td class="num">—<\/td>/,
  );
  // Bars are shares: reference 30/100 and current 20/80 on the first bin.
  expect(html).toContain('<title>&lt; 1: reference 30.0%, current 25.0%</title>');
  expect(html).not.toMatch(/<script|<link|\bsrc=/i);
});

it.each([
  [null, '—'],
  [0, '0'],
  [0.123456, '0.1235'],
  [1234.5678, '1235'],
  [3e-7, '3.00e-7'],
])('formats %p as %p', (x, text) => {
  expect(formatFigure(x)).toBe(text);
});

it('escapes the five HTML specials', () => {
  expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
    '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;',
  );
});
