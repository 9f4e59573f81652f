import type { AlertInput } from '../../../src/alerts/state';
import { defaultSlos } from '../../../src/slo/defaults';
import { isQualitySlo, sloBurnEvidence } from '../../../src/slo/evidence';

const input = (slo: string, firing: 'page' | 'ticket' | null): AlertInput => ({
  slo,
  model: 'chimera',
  evaluation: {
    firing,
    sli: 0.8,
    objective: 0.99,
    budget: { total: 432, consumed: 400, remaining_fraction: 0.07 },
    burn_rates: { '1h': 15.2, '5m': 16 },
  },
});

it('the quality SLOs among the defaults are accuracy and coherence', () => {
  expect(
    defaultSlos('m')
      .filter(isQualitySlo)
      .map((s) => s.name),
  ).toEqual(['accuracy', 'coherence']);
});

it('only quality SLOs paging become evidence, for the window evaluated', () => {
  const window = {
    startMs: Date.parse('2026-11-28T09:59:00Z'),
    endMs: Date.parse('2026-11-28T10:00:00Z'),
  };
  const evidence = sloBurnEvidence(
    [
      input('accuracy', 'page'),
      input('coherence', 'ticket'),
      input('ttft_p95', 'page'),
      input('coherence', null),
    ],
    new Set(['accuracy', 'coherence']),
    window,
  );
  expect(evidence).toEqual([
    {
      model: 'chimera',
      modelVersion: null,
      reason: 'slo_burn',
      at: new Date(window.endMs),
      window: { from: '2026-11-28T09:59:00.000Z', to: '2026-11-28T10:00:00.000Z' },
      features: [],
      slo: { name: 'accuracy', severity: 'page', burnRates: { '1h': 15.2, '5m': 16 } },
    },
  ]);
});
