// The reports: section: per-model targets and device, the `*` fallback, and errors naming the path.
import { parseFileConfig } from '../../../src/config/file';
import { dailyChannelFor, parseReportsConfig, reportSettingsFor } from '../../../src/report/config';

const parse = (yaml: string) =>
  parseReportsConfig(parseFileConfig(yaml, 'test.yaml', {}).reports, 'test.yaml: reports');

describe('reportSettingsFor', () => {
  const config = parse(`
reports:
  chimera:
    targets: { throughput_rps: 10, ttft_mean_ms: 800, accuracy: 0.85 }
    device: chimera
  "*":
    targets: { ttft_mean_ms: 1500 }
    device: { fixed_ms: 40, per_item_ms: 5 }
    max_in_flight: 2
`);

  it('reads a model\'s targets over the defaults and "*", and a named device profile', () => {
    expect(reportSettingsFor(config, 'chimera')).toEqual({
      // Its own throughput, TTFT mean and accuracy; p95 and coherence from the defaults.
      targets: {
        throughputRps: 10,
        ttftMeanMs: 800,
        ttftP95Ms: 800,
        accuracy: 0.85,
        coherence: 0.9,
      },
      profile: {
        fixedMs: 180,
        perItemMs: 16,
        source: 'config reports.chimera.device: emulated profile "chimera"',
      },
      inFlight: 1,
    });
  });

  it('falls back to the "*" entry for a model without its own', () => {
    expect(reportSettingsFor(config, 'other')).toEqual({
      targets: {
        throughputRps: 10,
        ttftMeanMs: 1500,
        ttftP95Ms: 800,
        accuracy: 0.85,
        coherence: 0.9,
      },
      profile: { fixedMs: 40, perItemMs: 5, source: 'config reports.*.device' },
      inFlight: 2,
    });
  });

  it("uses the default SLOs' targets without a section", () => {
    expect(reportSettingsFor(parse(''), 'chimera')).toEqual({
      targets: {
        throughputRps: 10,
        ttftMeanMs: 800,
        ttftP95Ms: 800,
        accuracy: 0.85,
        coherence: 0.9,
      },
      profile: null,
      inFlight: 1,
    });
  });

  it('gives a model the section does not name the defaults (a daily post alone drops none)', () => {
    const daily = parse(
      'reports:\n  other: { targets: { ttft_mean_ms: 100 } }\n  "*": { daily: { channel: x } }',
    );
    expect(reportSettingsFor(daily, 'chimera')).toEqual({
      targets: {
        throughputRps: 10,
        ttftMeanMs: 800,
        ttftP95Ms: 800,
        accuracy: 0.85,
        coherence: 0.9,
      },
      profile: null,
      inFlight: 1,
    });
  });
});

describe('parseReportsConfig', () => {
  it.each([
    [
      'reports:\n  m: { targets: { throughput: 10 } }',
      'm.targets: unknown key "throughput"; expected throughput_rps',
    ],
    [
      'reports:\n  m: { targets: { accuracy: 87.2 } }',
      'm.targets.accuracy: expected a share from 0 to 1',
    ],
    [
      'reports:\n  m: { targets: { ttft_mean_ms: 0 } }',
      'm.targets.ttft_mean_ms: expected milliseconds above 0',
    ],
    ['reports:\n  m: { device: gpu }', 'm.device: expected a profile name (chimera, bench)'],
    ['reports:\n  m: { max_in_flight: 0 }', 'm.max_in_flight: expected at least 1 batch'],
  ])('%s is refused naming the path', (yaml, message) => {
    expect(() => parse(yaml)).toThrow(message);
  });
});

describe('daily posts', () => {
  const yaml = (channel: string) => `reports:\n  chimera:\n    daily: { channel: ${channel} }`;
  const file = (text: string) => parseFileConfig(text, 'test.yaml', {}).reports;

  it('names a slack channel of channels:', () => {
    const config = parseReportsConfig(file(yaml('oncall')), 'test.yaml: reports', ['oncall']);
    expect(dailyChannelFor(config, 'chimera')).toBe('oncall');
    expect(dailyChannelFor(config, 'other')).toBeUndefined();
  });

  it('refuses a channel that is not a slack channel, naming the slack ones', () => {
    expect(() => parseReportsConfig(file(yaml('hooks')), 'test.yaml: reports', ['oncall'])).toThrow(
      'test.yaml: reports: chimera.daily.channel: "hooks" is not a slack channel of channels: (slack channels: oncall)',
    );
  });
});
