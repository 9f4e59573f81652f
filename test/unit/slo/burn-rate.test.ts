import {
  budgetFractionAtFiring,
  burnRate,
  burnReaches,
  conditionProblems,
  scaleConditions,
  WORKBOOK_CONDITIONS,
} from '../../../src/slo/burn-rate';
import { windowLabel } from '../../../src/slo/windows';

const MIN = 60_000;
const DAY = 86_400_000;
const labels = (cs: readonly { longMs: number; shortMs: number; threshold: number }[]) =>
  cs.map((c) => `${windowLabel(c.longMs)}/${windowLabel(c.shortMs)}@${c.threshold}`);

describe('burnRate = (bad / total) / (1 - objective)', () => {
  it.each([
    // bad, total, objective, burn — 1,000 req/min, a 40-minute outage at 100 % bad
    [5_000, 5_000, 0.999, 1000], // 5 m inside the outage
    [40_000, 60_000, 0.999, 666.6666666667], // 1 h holding all 40 minutes
    [40_000, 360_000, 0.999, 111.1111111111], // 6 h
    [40_000, 4_320_000, 0.999, 9.2592592593], // 3 d
    [1, 1_000, 0.999, 1], // exactly the objective's error rate: burning at the sustainable rate
    [144, 10_000, 0.99, 1.44],
    [0, 500, 0.999, 0],
  ])('%d bad of %d at %d -> %d', (bad, total, objective, burn) => {
    expect(burnRate(bad, total, objective)).toBeCloseTo(burn, 8);
  });

  it('is null when the window has no events', () => {
    expect(burnRate(0, 0, 0.999)).toBeNull();
  });
});

describe('burnReaches: at or above the threshold, float noise aside', () => {
  it.each([
    [14.4, 14.4, true],
    [1 / (1 - 0.9), 10, true], // 10.000000000000002
    [9.999_999_999_99, 10, true], // within 1e-9 relative
    [9.99, 10, false],
    [null, 1, false],
  ])('%p vs %d -> %p', (burn, threshold, expected) => {
    expect(burnReaches(burn, threshold)).toBe(expected);
  });
});

describe('scaleConditions: windows x period / 30 d, whole minutes, thresholds kept', () => {
  it.each([
    [30, ['1h/5m@14.4', '6h/30m@6', '1d/2h@3', '3d/6h@1']],
    // 5 m x 28/30 = 4.67 m -> 5 m; 3 d x 28/30 = 4032 m = 2d19h12m
    [28, ['56m/5m@14.4', '5h36m/28m@6', '22h24m/1h52m@3', '2d19h12m/5h36m@1']],
    // 5 m x 7/30 = 1.17 m -> 1 m; 1 h x 7/30 = 14 m
    [7, ['14m/1m@14.4', '1h24m/7m@6', '5h36m/28m@3', '16h48m/1h24m@1']],
    // 90 d triples them
    [90, ['3h/15m@14.4', '18h/1h30m@6', '3d/6h@3', '9d/18h@1']],
  ])('%d d -> %j', (days, expected) => {
    expect(labels(scaleConditions(WORKBOOK_CONDITIONS, days / 30))).toEqual(expected);
  });

  it.each([30, 28, 7, 90])(
    '%d d keeps the Workbook budget fractions 2 %, 5 %, 10 %, 10 %',
    (days) => {
      const fractions = scaleConditions(WORKBOOK_CONDITIONS, days / 30).map((c) =>
        budgetFractionAtFiring(c, days * DAY),
      );
      expect(fractions.map((f) => Number(f.toFixed(12)))).toEqual([0.02, 0.05, 0.1, 0.1]);
    },
  );
});

describe('conditionProblems refuses a threshold that can never fire', () => {
  it.each([
    // objective, refused conditions (threshold x (1 - objective) > 1)
    [0.999, []],
    [0.95, []], // 14.4 x 0.05 = 0.72
    [0.93, ['page 1h/5m at 14.4x']], // 14.4 x 0.07 = 1.008
    [0.9, ['page 1h/5m at 14.4x']], // 14.4 x 0.1 = 1.44; 6 x 0.1 = 0.6 can fire
    [0.5, ['page 1h/5m at 14.4x', 'page 6h/30m at 6x', 'ticket 1d/2h at 3x']], // 1 x 0.5 can
  ])('objective %d -> %j', (objective, refused) => {
    const problems = conditionProblems(objective, WORKBOOK_CONDITIONS, 30 * DAY);
    expect(problems.map((p) => p.slice(0, p.indexOf(' can never fire')))).toEqual(refused);
  });

  it('explains the refusal: 144 % errors needed, and what would do', () => {
    const [problem] = conditionProblems(0.9, WORKBOOK_CONDITIONS, 30 * DAY);
    expect(problem).toBe(
      'page 1h/5m at 14.4x can never fire at objective 0.9: a burn rate of 14.4 needs ' +
        '14.4 x (1 - 0.9) = 144 % of events to be bad, and at most 100 % can be; use a threshold ' +
        'of at most 10 or an objective of at least 0.930556',
    );
  });

  it('accepts a threshold that fires only at 100 % errors (10x at 0.9)', () => {
    const c = [{ severity: 'page' as const, longMs: 60 * MIN, shortMs: 5 * MIN, threshold: 10 }];
    expect(conditionProblems(0.9, c, 30 * DAY)).toEqual([]);
  });

  it.each([
    [{ longMs: 5 * MIN, shortMs: 60 * MIN, threshold: 2 }, /short window must be shorter/],
    [{ longMs: 31 * DAY, shortMs: 60 * MIN, threshold: 1 }, /longer than the SLO period \(30d\)/],
    [{ longMs: 60 * MIN, shortMs: 5 * MIN, threshold: 0 }, /positive number/],
    [{ longMs: 60 * MIN, shortMs: 30_000, threshold: 2 }, /positive whole minutes/],
  ])('refuses a malformed condition %o', (c, message) => {
    const problems = conditionProblems(0.999, [{ severity: 'ticket', ...c }], 30 * DAY);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });
});
