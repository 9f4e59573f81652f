import { defaultSlos } from '../../../src/slo/defaults';
import type { SloSpec } from '../../../src/slo/spec';
import { sloGroups, sloTargets } from '../../../src/slo/targets';

const spec = (name: string, model: string): SloSpec => ({
  name,
  model,
  sli: { kind: 'availability' },
  objective: 0.99,
  window: { kind: 'rolling', days: 30 },
  budgeting: 'occurrences',
  alerting: { minEvents: 100, page: true, ticket: true },
});

describe('which SLO x model pairs are evaluated', () => {
  it('the defaults for every model seen when none is configured', () => {
    const targets = sloTargets([], ['a', 'b']);
    expect(targets).toHaveLength(2 * defaultSlos('*').length);
    expect(new Set(targets.map((t) => t.model))).toEqual(new Set(['a', 'b']));
  });

  it('a configured SLO for its model only once that model is seen; * for every model', () => {
    const targets = sloTargets([spec('x', 'a'), spec('y', 'gone'), spec('z', '*')], ['a', 'b']);
    expect(targets.map((t) => `${t.spec.name}:${t.model}`)).toEqual(['x:a', 'z:a', 'z:b']);
  });
});

describe('targets grouped per SLO (one load per SLO)', () => {
  it('each SLO once, in order, with its models in order', () => {
    const z = spec('z', '*');
    const x = spec('x', 'a');
    const groups = sloGroups(sloTargets([z, x], ['b', 'a']));
    expect(groups).toEqual([
      { spec: z, models: ['b', 'a'] },
      { spec: x, models: ['a'] },
    ]);
  });

  it('no targets, no groups', () => {
    expect(sloGroups(sloTargets([spec('y', 'gone')], ['a']))).toEqual([]);
  });
});
