// The retrain policy as tables: which condition the evidence meets, and which targets fire given
// the recent triggers (idempotency per evidence key, cooldown per model + target).
import type { RetrainConditions } from '../../../src/retrain/config';
import {
  conditionMet,
  decideTriggers,
  idempotencyKey,
  type RecentTrigger,
  triggerId,
} from '../../../src/retrain/policy';
import { AT, driftEvidence, modelConfig, sloEvidence, WHSEC } from './fixtures';

const HOUR = 3_600_000;
const NOW = AT.getTime();

describe('conditionMet', () => {
  const on = (c: Record<string, unknown>) =>
    modelConfig({ on: c, targets: [{ kind: 'webhook', url: 'https://h', secret: WHSEC }] }).on;
  const cases: Array<[string, RetrainConditions, ReturnType<typeof driftEvidence>, string | null]> =
    [
      [
        'dataset drift wanted and present',
        on({ dataset_drift: true }),
        driftEvidence({ datasetDrift: true }),
        'dataset_drift',
      ],
      [
        'dataset drift wanted, absent',
        on({ dataset_drift: true }),
        driftEvidence({ datasetDrift: false }),
        null,
      ],
      [
        'dataset drift wins over features',
        on({ dataset_drift: true, features: {} }),
        driftEvidence({ datasetDrift: true }),
        'dataset_drift',
      ],
      ['features: any one drifted', on({ features: {} }), driftEvidence(), 'features_drift'],
      [
        'features: 2 of the named drifted',
        on({ features: { names: ['amount', 'country', 'age'], at_least: 2 } }),
        driftEvidence(),
        'features_drift',
      ],
      [
        'features: only 1 of the named drifted',
        on({ features: { names: ['amount', 'age'], at_least: 2 } }),
        driftEvidence(),
        null,
      ],
      [
        'features: unnamed ones do not count',
        on({ features: { names: ['age'] } }),
        driftEvidence(),
        null,
      ],
      [
        'features judged on dataset_drift evidence too',
        on({ features: {} }),
        driftEvidence({ reason: 'dataset_drift' }),
        'features_drift',
      ],
      [
        'drift evidence never meets slo_burn',
        on({ slo_burn: {} }),
        driftEvidence({ datasetDrift: true }),
        null,
      ],
      [
        'slo page meets page',
        on({ slo_burn: { severity: 'page' } }),
        sloEvidence('page'),
        'slo_burn',
      ],
      ['slo ticket does not meet page', on({ slo_burn: {} }), sloEvidence('ticket'), null],
      [
        'slo page meets ticket',
        on({ slo_burn: { severity: 'ticket' } }),
        sloEvidence('page'),
        'slo_burn',
      ],
      [
        'slo not in the list',
        on({ slo_burn: { slos: ['latency'] } }),
        sloEvidence('page', 'accuracy'),
        null,
      ],
      [
        'slo in the list',
        on({ slo_burn: { slos: ['accuracy'] } }),
        sloEvidence('page', 'accuracy'),
        'slo_burn',
      ],
      [
        'slo evidence never meets drift',
        on({ dataset_drift: true, features: {} }),
        sloEvidence('page'),
        null,
      ],
    ];
  it.each(cases)('%s', (_name, conditions, evidence, expected) => {
    expect(conditionMet(conditions, evidence)).toBe(expected);
  });
});

describe('idempotencyKey', () => {
  const w = { from: '2026-11-28T09:00:00Z', to: '2026-11-28T10:00:00Z' };
  it('is stable for model, reason and window, and differs when any differs', () => {
    const k = idempotencyKey('fraud', 'dataset_drift', w);
    expect(k).toMatch(/^rt_[0-9a-f]{32}$/);
    expect(idempotencyKey('fraud', 'dataset_drift', { ...w })).toBe(k);
    expect(idempotencyKey('churn', 'dataset_drift', w)).not.toBe(k);
    expect(idempotencyKey('fraud', 'features_drift', w)).not.toBe(k);
    expect(idempotencyKey('fraud', 'dataset_drift', { ...w, to: '2026-11-28T11:00:00Z' })).not.toBe(
      k,
    );
    // No ambiguity from concatenation.
    expect(idempotencyKey('a', 'slo_burn', { from: 'b', to: 'c' })).not.toBe(
      idempotencyKey('a', 'slo_burn', { from: 'bc', to: '' }),
    );
  });
});

describe('decideTriggers', () => {
  const config = modelConfig({
    on: { features: { at_least: 1 } },
    cooldown: '24h',
    targets: [
      { kind: 'webhook', url: 'https://h', secret: WHSEC },
      { kind: 'github', owner: 'o', repo: 'r', token: 't' },
    ],
  });
  const evidence = driftEvidence();
  const key = idempotencyKey('fraud', 'features_drift', evidence.window);
  const other = idempotencyKey('fraud', 'features_drift', { from: 'x', to: 'y' });
  const trigger = (k: string, target: string, agoMs: number): RecentTrigger => ({
    triggerId: triggerId(k, target),
    idempotencyKey: k,
    target,
    createdAtMs: NOW - agoMs,
  });

  const cases: Array<[string, RecentTrigger[], string[], Array<[string, string]>]> = [
    ['nothing recent: both fire', [], ['webhook', 'github'], []],
    [
      'same key for one target: that one is a duplicate',
      [trigger(key, 'webhook', 48 * HOUR)],
      ['github'],
      [['webhook', 'duplicate']],
    ],
    [
      'same key for both: nothing fires',
      [trigger(key, 'webhook', 1000), trigger(key, 'github', 1000)],
      [],
      [
        ['webhook', 'duplicate'],
        ['github', 'duplicate'],
      ],
    ],
    [
      'another window 1 h ago: cooldown',
      [trigger(other, 'webhook', HOUR)],
      ['github'],
      [['webhook', 'cooldown']],
    ],
    [
      'another window just inside 24 h',
      [trigger(other, 'webhook', 24 * HOUR - 1)],
      ['github'],
      [['webhook', 'cooldown']],
    ],
    [
      'another window exactly 24 h ago: fires',
      [trigger(other, 'webhook', 24 * HOUR)],
      ['webhook', 'github'],
      [],
    ],
    [
      'the newest of several counts',
      [trigger(other, 'github', 30 * HOUR), trigger('rt_b', 'github', 2 * HOUR)],
      ['webhook'],
      [['github', 'cooldown']],
    ],
    [
      'a trigger of an unknown target changes nothing',
      [trigger(other, 'airflow', 1000)],
      ['webhook', 'github'],
      [],
    ],
  ];
  it.each(cases)('%s', (_name, recent, fired, skipped) => {
    const d = decideTriggers(config, evidence, recent, NOW);
    expect(d.reason).toBe('features_drift');
    expect(d.idempotencyKey).toBe(key);
    expect(d.fire.map((t) => t.target.name)).toEqual(fired);
    expect(d.fire.every((t) => t.triggerId === triggerId(key, t.target.name))).toBe(true);
    expect(d.skipped.map((s) => [s.target, s.why])).toEqual(skipped);
  });

  it('fires nothing and skips nothing when no condition is met', () => {
    const d = decideTriggers(config, driftEvidence({ features: [] }), [], NOW);
    expect(d).toEqual({ reason: null, idempotencyKey: null, fire: [], skipped: [] });
  });

  it('with no cooldown still never fires one key twice', () => {
    const none = { ...config, cooldownMs: 0 };
    expect(decideTriggers(none, evidence, [trigger(other, 'webhook', 0)], NOW).fire).toHaveLength(
      2,
    );
    const d = decideTriggers(none, evidence, [trigger(key, 'webhook', 0)], NOW);
    expect(d.fire.map((t) => t.target.name)).toEqual(['github']);
  });
});
