import { defaultMonitor, parseDriftMonitors, parseDuration } from '../../../src/drift/config';

const H = 3_600_000;
const parse = (section: unknown[]) => parseDriftMonitors(section, 'config.yaml');

describe('drift monitors: valid entries', () => {
  it('defaults: last hour against the same hour 7 days before, auto methods, share 0.5', () => {
    expect(parse([{ model: 'chimera' }])).toEqual([
      {
        name: 'chimera',
        model: 'chimera',
        features: [],
        windowMs: H,
        everyMs: H,
        reference: { kind: 'rolling', offsetMs: 7 * 24 * H },
        numeric: { method: 'auto' },
        categorical: { method: 'auto' },
        minSamples: 30,
        driftShare: 0.5,
        correction: 'none',
      },
    ]);
    expect(defaultMonitor()).toMatchObject({ name: 'default', model: '*', windowMs: H });
  });

  it.each([
    [{ rolling: '1d' }, { kind: 'rolling', offsetMs: 24 * H }],
    [
      { from: '2026-11-01T00:00:00Z', to: '2026-11-08T00:00:00Z' },
      {
        kind: 'pinned',
        fromMs: Date.parse('2026-11-01T00:00:00Z'),
        toMs: Date.parse('2026-11-08T00:00:00Z'),
      },
    ],
    [{ profile: 'training-v3' }, { kind: 'profile', profileId: 'training-v3' }],
  ])('reference %j', (reference, expected) => {
    expect(parse([{ model: 'm', reference }])[0]?.reference).toEqual(expected);
  });

  it('methods, thresholds, features, window and correction as given', () => {
    const [m] = parse([
      {
        name: 'inputs',
        model: 'm',
        features: ['input_tokens', 'lang'],
        window: '30m',
        every: '10m',
        numeric: { method: 'psi', threshold: 0.2 },
        categorical: { method: 'chisquare', threshold: 0.01 },
        min_samples: 100,
        drift_share: 0.3,
        correction: 'benjamini-hochberg',
      },
    ]);
    expect(m).toMatchObject({
      name: 'inputs',
      features: ['input_tokens', 'lang'],
      windowMs: 30 * 60_000,
      everyMs: 10 * 60_000,
      numeric: { method: 'psi', threshold: 0.2 },
      categorical: { method: 'chisquare', threshold: 0.01 },
      minSamples: 100,
      driftShare: 0.3,
      correction: 'benjamini-hochberg',
    });
  });
});

describe('drift monitors: refusals name the entry and what was expected', () => {
  it.each<[string, unknown[], string]>([
    ['no model', [{}], 'drift[0].model'],
    [
      'bad window',
      [{ model: 'm', window: '1 hour' }],
      'drift[0].window: expected a window such as 30m, 1h or 7d, got "1 hour"',
    ],
    [
      'bad method',
      [{ model: 'm', numeric: { method: 'kl' } }],
      'drift[0].numeric.method: expected one of auto, ks, wasserstein, psi, jensenshannon, got "kl"',
    ],
    [
      'bad reference',
      [{ model: 'm', reference: { last: '7d' } }],
      'drift[0].reference: expected {rolling: 7d}',
    ],
    [
      'pinned backwards',
      [{ model: 'm', reference: { from: '2026-11-08T00:00:00Z', to: '2026-11-01T00:00:00Z' } }],
      'drift[0].reference: expected a pinned reference whose from is before its to',
    ],
    ['share above 1', [{ model: 'm', drift_share: 1.5 }], 'drift[0].drift_share'],
    ['unknown key', [{ model: 'm', shedule: '1h' }], 'drift[0]: unknown key "shedule"'],
    [
      'rolling reference overlapping the window',
      [{ model: 'm', window: '2h', reference: { rolling: '1h' } }],
      'drift[0].reference: a rolling reference 60 min back overlaps the 120-min current window; expected an offset of at least the window',
    ],
    [
      'threshold with auto',
      [{ model: 'm', numeric: { threshold: 0.01 } }],
      'drift[0].numeric.threshold: a threshold needs a named method; with auto the defaults apply',
    ],
    [
      'duplicate names',
      [{ model: 'm' }, { model: 'm' }],
      'drift[1].name: duplicate monitor name "m"',
    ],
  ])('%s', (_name, section, message) => {
    expect(() => parse(section)).toThrow(message);
  });
});

it.each([
  ['30m', 30 * 60_000],
  ['1h', H],
  ['7d', 7 * 24 * H],
  ['0h', undefined],
  ['1w', undefined],
  ['', undefined],
])('duration %s', (text, ms) => {
  expect(parseDuration(text)).toBe(ms);
});
