import { formatIssues } from '../../../src/config/issues';
import { defaultSlos } from '../../../src/slo/defaults';
import { parseSloEntry, sloListSchema, toConfigEntry } from '../../../src/slo/spec';

describe('default SLOs', () => {
  it.each([
    [
      'ttft_p95',
      { kind: 'timeslice', metric: 'ttft_p95_ms', op: '<=', threshold: 800, sliceMinutes: 1 },
      100,
    ],
    [
      'throughput',
      { kind: 'timeslice', metric: 'throughput_rps', op: '>=', threshold: 10, sliceMinutes: 1 },
      0,
    ],
    [
      'accuracy',
      {
        kind: 'timeslice',
        metric: 'score_mean',
        score: 'accuracy',
        op: '>=',
        threshold: 0.85,
        sliceMinutes: 5,
      },
      100,
    ],
    [
      'coherence',
      {
        kind: 'timeslice',
        metric: 'score_mean',
        score: 'coherence',
        op: '>=',
        threshold: 0.9,
        sliceMinutes: 5,
      },
      100,
    ],
    ['availability', { kind: 'availability' }, 100],
  ])('%s: the issue’s default, 99 % over a rolling 30 days', (name, sli, minEvents) => {
    const slo = defaultSlos('chimera').find((s) => s.name === name);
    expect(slo).toMatchObject({
      model: 'chimera',
      sli,
      objective: 0.99,
      window: { kind: 'rolling', days: 30 },
      budgeting: sli.kind === 'timeslice' ? 'timeslices' : 'occurrences',
      alerting: { minEvents, page: true, ticket: true },
    });
  });

  it('gives five SLOs with unique names, for the model asked or every model', () => {
    expect(defaultSlos('chimera').map((s) => s.name)).toEqual([
      'ttft_p95',
      'throughput',
      'accuracy',
      'coherence',
      'availability',
    ]);
    expect(defaultSlos('*').every((s) => s.model === '*')).toBe(true);
  });

  it('are valid specs: each renders to YAML that parses back to itself', () => {
    const slos = defaultSlos('chimera');
    for (const slo of slos) {
      const parsed = parseSloEntry(toConfigEntry(slo));
      if (!parsed.success) throw new Error(formatIssues(parsed.error).join('\n'));
      expect(parsed.data).toEqual(slo);
    }
    expect(sloListSchema.safeParse(slos.map(toConfigEntry)).success).toBe(true);
  });

  it('returns fresh objects each call (callers may adjust them)', () => {
    const [first] = defaultSlos('m');
    if (first !== undefined) first.alerting.page = false;
    expect(defaultSlos('m')[0]?.alerting.page).toBe(true);
  });
});
