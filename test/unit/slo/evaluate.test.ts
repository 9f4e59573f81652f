import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  evaluateOccurrences,
  evaluateSlo,
  evaluateTimeslices,
  type SloMathSpec,
  tallyRangeFor,
} from '../../../src/slo/evaluate';
import type { MinuteCounts, SliceVerdict } from '../../../src/slo/tally';
import { tallyOccurrences } from '../../../src/slo/tally';

const MIN = 60_000;
const DAY = 86_400_000;
const NOW = Date.parse('2026-03-31T00:00:00Z');
const SLO: SloMathSpec = { objective: 0.999, method: 'occurrences' };

/** `perMinute` requests each minute of [from, to), all bad where `isBad(minute)` says so. */
function traffic(
  fromMs: number,
  toMs: number,
  perMinute: number,
  badPerMinute: (minuteMs: number) => number = () => 0,
): MinuteCounts[] {
  const rows: MinuteCounts[] = [];
  for (let m = fromMs; m < toMs; m += MIN) {
    const bad = badPerMinute(m);
    rows.push({ minuteMs: m, good: perMinute - bad, total: perMinute });
  }
  return rows;
}

/** 1,000 requests a minute for 30 days before `now`, a full outage in [start, start + 40 m). */
function outage(startMs: number, now: number): MinuteCounts[] {
  return traffic(now - 30 * DAY, now, 1000, (m) =>
    m >= startMs && m < startMs + 40 * MIN ? 1000 : 0,
  );
}

describe('budget over the SLO window', () => {
  it('30 d at 99.9 %, 1,000,000 requests with 500 bad -> budget 1000, consumed 0.5', () => {
    const counts = [{ minuteMs: NOW - 10 * DAY, good: 999_500, total: 1_000_000 }];
    const e = evaluateOccurrences(SLO, counts, NOW);
    expect(e.window).toEqual({ start_ms: NOW - 30 * DAY, end_ms: NOW });
    expect(e.sli).toBeCloseTo(0.9995, 12);
    expect(e.budget.total).toBeCloseTo(1000, 9);
    expect(e.budget.consumed).toBeCloseTo(0.5, 9);
    expect(e.budget.remaining_fraction).toBeCloseTo(0.5, 9);
    expect(e.burn_rates['1h']).toBeNull(); // nothing in the last hour
    expect(e.firing).toBeNull();
  });

  it('counts nothing from before the window', () => {
    const counts = [
      { minuteMs: NOW - 30 * DAY - MIN, good: 0, total: 1_000 }, // one minute too old
      { minuteMs: NOW - 30 * DAY, good: 1_000, total: 1_000 },
    ];
    const e = evaluateOccurrences(SLO, counts, NOW);
    expect([e.good, e.total, e.sli]).toEqual([1000, 1000, 1]);
  });

  it('has no SLI or budget share without events', () => {
    const e = evaluateOccurrences(SLO, [], NOW);
    expect(e.sli).toBeNull();
    expect(e.budget).toEqual({ total: 0, consumed: null, remaining_fraction: null });
    expect(Object.values(e.burn_rates).every((b) => b === null)).toBe(true);
  });
});

describe('a 40-minute outage at 100 % bad among 1,000 req/min (99.9 %, 30 d)', () => {
  // Ending now: bad = 40,000 of 43,200,000; budget 43,200; burn over L minutes = 1000 x 40 / L.
  const e = evaluateOccurrences(SLO, outage(NOW - 40 * MIN, NOW), NOW);

  it('spends 40,000 / 43,200 of the budget', () => {
    expect(e.budget.total).toBeCloseTo(43_200, 6);
    expect(e.budget.consumed).toBeCloseTo(0.925925925926, 9);
    expect(e.budget.remaining_fraction).toBeCloseTo(0.074074074074, 9);
  });

  it.each([
    ['5m', 1000], // 5/5 of the window bad
    ['30m', 1000],
    ['1h', 666.666666667], // 40/60
    ['2h', 333.333333333], // 40/120
    ['6h', 111.111111111], // 40/360
    ['1d', 27.777777778], // 40/1440
    ['3d', 9.259259259], // 40/4320
  ])('burn rate over %s = %d', (window, burn) => {
    expect(e.burn_rates[window]).toBeCloseTo(burn, 6);
  });

  it('fires all four conditions, page wins', () => {
    expect(e.conditions.map((c) => [c.severity, c.long, c.short, c.firing])).toEqual([
      ['page', '1h', '5m', true],
      ['page', '6h', '30m', true],
      ['ticket', '1d', '2h', true],
      ['ticket', '3d', '6h', true],
    ]);
    expect(e.firing).toBe('page');
  });
});

describe('after the outage the short windows let the conditions go, fastest first', () => {
  // t minutes after the outage ended; over L minutes burn = 1000 x max(0, min(L - t, 40)) / L.
  it.each([
    // t, [page 1h/5m, page 6h/30m, ticket 1d/2h, ticket 3d/6h], firing
    [0, [true, true, true, true], 'page'],
    [5, [false, true, true, true], 'page'], // 5m clean; 30m burns 1000 x 25/30 = 833
    [30, [false, false, true, true], 'ticket'], // 30m clean; 2h burns 333
    [120, [false, false, false, true], 'ticket'], // 2h clean; 6h burns 111, 3d 9.26
    [360, [false, false, false, false], null], // 6h clean
  ])('%d minutes after -> %j, %p', (t, firing, severity) => {
    const now = NOW + t * MIN;
    const e = evaluateOccurrences(SLO, outage(NOW - 40 * MIN, now), now);
    expect(e.conditions.map((c) => c.firing)).toEqual(firing);
    expect(e.firing).toBe(severity);
  });
});

describe('one tally serves a run of evaluations (catch-up)', () => {
  it('a 10 % error outage pages at its 9th minute: 1 h burn 9 x 100 / 60,000 / 0.001 = 15', () => {
    const start = NOW - 30 * MIN;
    const counts = traffic(NOW - 31 * DAY, NOW, 1000, (m) => (m >= start ? 100 : 0));
    const tally = tallyOccurrences(counts, tallyRangeFor(SLO, start, NOW));
    const firstPage = [...Array(31).keys()]
      .map((k) => start + k * MIN)
      .find((now) => evaluateSlo(SLO, tally, now).firing === 'page');
    // at minute 8 the 1 h burn is 8 x 100 / 60,000 / 0.001 = 13.3 < 14.4
    expect(firstPage).toBe(start + 9 * MIN);
  });
});

describe('minimum-events guard: ten requests an hour cannot page', () => {
  // 1 request a minute in the last 10 minutes, the last 5 bad (99 %): 5 m burns 100, 1 h 50.
  const counts = traffic(NOW - 10 * MIN, NOW, 1, (m) => (m >= NOW - 5 * MIN ? 1 : 0));

  it.each([
    [undefined, null], // default 100
    [11, null],
    [10, 'page'],
    [0, 'page'],
  ])('minEvents %p -> %p', (minEvents, firing) => {
    const spec = { ...SLO, objective: 0.99, ...(minEvents === undefined ? {} : { minEvents }) };
    const e = evaluateOccurrences(spec, counts, NOW);
    expect(e.burn_rates['5m']).toBeCloseTo(100, 9);
    expect(e.burn_rates['1h']).toBeCloseTo(50, 9);
    expect(e.conditions[0]).toMatchObject({ long_events: 10, min_events: minEvents ?? 100 });
    expect(e.firing).toBe(firing);
  });
});

describe('calendar month (UTC)', () => {
  const monthly: SloMathSpec = { ...SLO, window: { kind: 'calendar', unit: 'month' } };

  it.each([
    // now, events counted at 1 request a minute from mid-January to mid-April
    ['2026-02-28T23:59:59.999Z', 28 * 1440 - 1], // February 2026: 28 days, the last minute still filling
    ['2026-03-01T00:00:00Z', 0], // a new month: empty window
    ['2026-03-31T23:59:30Z', 31 * 1440 - 1],
    ['2026-04-30T12:00:00Z', 29 * 1440 + 720],
  ])('at %s counts %d events', (now, total) => {
    const counts = traffic(
      Date.parse('2026-01-15T00:00:00Z'),
      Date.parse('2026-05-01T00:00:00Z'),
      1,
    );
    expect(evaluateOccurrences(monthly, counts, Date.parse(now)).total).toBe(total);
  });

  it('budgets only this month, while burn windows reach into the last one', () => {
    // 1,000 req/min; the last 10 minutes of February all bad; now = March 1st, 00:30
    const now = Date.parse('2026-03-01T00:30:00Z');
    const febEnd = Date.parse('2026-03-01T00:00:00Z');
    const counts = traffic(now - 4 * DAY, now, 1000, (m) =>
      m >= febEnd - 10 * MIN && m < febEnd ? 1000 : 0,
    );
    const e = evaluateOccurrences(monthly, counts, now);
    expect(e.window).toEqual({ start_ms: febEnd, end_ms: now });
    expect(e.sli).toBe(1);
    expect(e.budget.total).toBeCloseTo(30, 9); // 30 minutes x 1,000 x 0.001
    expect(e.budget.consumed).toBe(0);
    expect(e.burn_rates['1h']).toBeCloseTo(166.666666667, 6); // 10,000 / 60,000 / 0.001
    expect(e.burn_rates['30m']).toBe(0);
    // the new month does not reset the alerts: pages are off (5m and 30m clean), the tickets
    // burn on — 1d: 10,000 / 1,440,000 / 0.001 = 6.9 >= 3 with 2h at 83.3; 3d: 2.3 with 6h at 27.8
    expect(e.conditions.map((c) => c.firing)).toEqual([false, false, true, true]);
    expect(e.firing).toBe('ticket');
  });
});

describe('timeslices', () => {
  const sliced: SloMathSpec = { objective: 0.999, method: 'timeslices', minEvents: 0 };

  it('30 d of one-minute slices, the last 10 bad: budget 43.2 slices, 10 spent', () => {
    const slices: SliceVerdict[] = [];
    for (let m = NOW - 30 * DAY; m < NOW; m += MIN)
      slices.push({ minuteMs: m, good: m < NOW - 10 * MIN });
    const e = evaluateTimeslices(sliced, slices, NOW);
    expect(e.sli).toBeCloseTo(43_190 / 43_200, 12);
    expect(e.budget.total).toBeCloseTo(43.2, 9);
    expect(e.budget.consumed).toBeCloseTo(10 / 43.2, 9);
    expect(e.burn_rates['5m']).toBeCloseTo(1000, 6); // 5 bad of 5 slices / 0.001
    expect(e.burn_rates['1h']).toBeCloseTo(166.666666667, 6); // 10 of 60
    expect(e.firing).toBe('page');
  });

  it('the guard counts the events behind the slices (one per slice if unsaid)', () => {
    const slices: SliceVerdict[] = [];
    for (let m = NOW - 30 * DAY; m < NOW; m += MIN)
      slices.push({ minuteMs: m, good: m < NOW - 10 * MIN });
    const e = evaluateTimeslices({ ...sliced, minEvents: 100 }, slices, NOW);
    // 1h/5m: 60 slices < 100 -> held back; 6h/30m: 360 slices, 6 h burns 27.8, 30 m 333 -> fires
    expect(e.conditions.map((c) => [c.long_events, c.firing])).toEqual([
      [60, false],
      [360, true],
      [1440, true],
      [4320, true],
    ]);
    expect(e.firing).toBe('page');
  });

  it('a calendar month of five-minute slices budgets every slice of the month', () => {
    // March 2026: 8,928 five-minute slices -> budget 8.928; now = March 10th; 2 bad slices
    const now = Date.parse('2026-03-10T00:00:00Z');
    const start = Date.parse('2026-03-01T00:00:00Z');
    const bad = new Set([start + DAY, start + 2 * DAY]);
    const slices: SliceVerdict[] = [];
    for (let m = now - 12 * DAY; m < now; m += 5 * MIN)
      slices.push({ minuteMs: m, good: !bad.has(m) });
    const spec: SloMathSpec = {
      ...sliced,
      sliceMs: 5 * MIN,
      window: { kind: 'calendar', unit: 'month' },
    };
    const e = evaluateTimeslices(spec, slices, now);
    expect([e.good, e.total]).toEqual([9 * 288 - 2, 9 * 288]);
    expect(e.budget.total).toBeCloseTo(8.928, 9);
    expect(e.budget.consumed).toBeCloseTo(2 / 8.928, 9);
  });

  it('a slice without a verdict spends nothing and still counts in the burn divisor', () => {
    // the last hour: 12 five-minute slices, verdicts for 6 of them, one bad -> 1 / 12 / 0.001
    const slices: SliceVerdict[] = [0, 2, 4, 6, 8, 10].map((k) => ({
      minuteMs: NOW - 60 * MIN + k * 5 * MIN,
      good: k !== 10,
    }));
    const e = evaluateTimeslices({ ...sliced, sliceMs: 5 * MIN }, slices, NOW);
    expect(e.burn_rates['1h']).toBeCloseTo(83.333333333, 6);
    expect(e.burn_rates['5m']).toBeNull(); // no verdict in the last slice
  });
});

describe('windows other than 30 d scale the alert windows', () => {
  it('a 7 d SLO reports and evaluates 14m/1m, 1h24m/7m, 5h36m/28m, 16h48m/1h24m', () => {
    const spec: SloMathSpec = { ...SLO, window: { kind: 'rolling', days: 7 } };
    const e = evaluateOccurrences(spec, outage(NOW - 40 * MIN, NOW), NOW);
    expect(e.conditions.map((c) => `${c.long}/${c.short}`)).toEqual([
      '14m/1m',
      '1h24m/7m',
      '5h36m/28m',
      '16h48m/1h24m',
    ]);
    expect(Object.keys(e.burn_rates)).toEqual(
      expect.arrayContaining(['1m', '5m', '14m', '30m', '1h', '1h24m', '3d']),
    );
    // 7 d x 1,440 x 1,000 x 0.001 = 10,080 budget; 40,000 bad
    expect(e.budget.consumed).toBeCloseTo(40_000 / 10_080, 9);
    expect(e.firing).toBe('page');
  });
});

describe('a spec whose alerts can never fire is refused', () => {
  it('objective 0.9 with the 14.4x page: 144 % errors needed', () => {
    expect(() => evaluateOccurrences({ ...SLO, objective: 0.9 }, [], NOW)).toThrow(
      /page 1h\/5m at 14.4x can never fire at objective 0.9: .* = 144 % of events/,
    );
  });

  it.each([
    [{ objective: 1 }, /objective must be between 0 and 1/],
    [{ minEvents: -1 }, /minEvents must be a whole number/],
    [{ method: 'timeslices' as const, sliceMs: 90_000 }, /whole number of minutes/],
  ])('refuses %o', (override, message) => {
    expect(() => evaluateOccurrences({ ...SLO, ...override }, [], NOW)).toThrow(message);
  });
});

describe('the outage timeline matches the numpy fixture (test/fixtures/slo/outage_burn_rates.py)', () => {
  const fixture = JSON.parse(
    readFileSync(join(__dirname, '../../fixtures/slo/outage-burn-rates.json'), 'utf8'),
  ) as {
    rows: {
      minutes_after: number;
      burn_rates: Record<string, number>;
      budget_total: number;
      budget_consumed: number;
      conditions_firing: boolean[];
      firing: string | null;
    }[];
  };

  it.each(fixture.rows.map((r) => [r.minutes_after, r] as const))(
    '%d minutes after the outage: burn rates, budget and firing as computed by numpy',
    (t, row) => {
      const now = NOW + t * MIN;
      const e = evaluateOccurrences(SLO, outage(NOW - 40 * MIN, now), now);
      for (const [window, burn] of Object.entries(row.burn_rates))
        expect(e.burn_rates[window]).toBeCloseTo(burn, 6);
      expect(e.budget.total).toBeCloseTo(row.budget_total, 6);
      expect(e.budget.consumed).toBeCloseTo(row.budget_consumed, 9);
      expect(e.conditions.map((c) => c.firing)).toEqual(row.conditions_firing);
      expect(e.firing).toBe(row.firing);
    },
  );
});
