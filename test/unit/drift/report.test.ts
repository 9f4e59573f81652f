import { reportId } from '../../../src/drift/report';

const W = { fromMs: Date.parse('2026-11-28T08:00:00Z'), toMs: Date.parse('2026-11-28T09:00:00Z') };

describe('report ids', () => {
  it('are stable for one monitor, model and window, and readable', () => {
    expect(reportId('hourly', 'chimera', W)).toBe(reportId('hourly', 'chimera', W));
    expect(reportId('hourly', 'chimera', W)).toMatch(
      /^drift_hourly_chimera_20261128T090000Z_[0-9a-f]{12}$/,
    );
  });

  it.each([
    [
      ['x', 'y_z'],
      ['x_y', 'z'],
    ],
    [
      ['m', 'org/m'],
      ['m', 'org:m'],
    ],
  ])('differ for names that read alike once sanitised: %j vs %j', (a, b) => {
    expect(reportId(a[0] as string, a[1] as string, W)).not.toBe(
      reportId(b[0] as string, b[1] as string, W),
    );
  });

  it('differ for windows of another length ending at the same time', () => {
    expect(reportId('m', 'c', W)).not.toBe(
      reportId('m', 'c', { ...W, fromMs: W.fromMs - 3_600_000 }),
    );
  });
});
