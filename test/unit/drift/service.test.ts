// Which monitor a run-now request gets, and how drift reads an uploaded column's inferred type.
import { defaultMonitor, parseDriftMonitors } from '../../../src/drift/config';
import { pickMonitor } from '../../../src/drift/service';
import { columnKind } from '../../../src/store/repositories/upload-profiles';

const monitors = parseDriftMonitors(
  [
    { name: 'all', model: '*', window: '1h' },
    { name: 'chimera-daily', model: 'chimera', window: '1d' },
    { name: 'chimera-hourly', model: 'chimera', window: '1h' },
  ],
  'test',
);

it.each([
  ['chimera', undefined, 'chimera-daily'],
  ['chimera', 'chimera-hourly', 'chimera-hourly'],
  ['chimera', 'all', 'all'],
  ['other', undefined, 'all'],
])('model %s, monitor %s: runs %s', (model, name, picked) => {
  expect(pickMonitor(monitors, model, name).name).toBe(picked);
});

it('falls back to the default monitor when none is configured for the model', () => {
  expect(pickMonitor([], 'x')).toEqual(defaultMonitor());
});

it('refuses an unknown monitor (404) and one that watches another model (400)', () => {
  expect(() => pickMonitor(monitors, 'chimera', 'nope')).toThrow(
    expect.objectContaining({ status: 404, code: 'monitor_not_found' }),
  );
  expect(() => pickMonitor(monitors, 'other', 'chimera-daily')).toThrow(
    expect.objectContaining({
      status: 400,
      message: expect.stringContaining('watches model chimera'),
    }),
  );
});

it.each([
  ['Nullable(Int64)', 'numeric'],
  ['Float64', 'numeric'],
  ['Nullable(Decimal(18, 4))', 'numeric'],
  ['Nullable(String)', 'categorical'],
  ['LowCardinality(Nullable(String))', 'categorical'],
  ['Nullable(Bool)', 'categorical'],
  ['Nullable(Nothing)', 'empty'],
  ['Array(Nullable(Int64))', 'unsupported'],
  ['Tuple(b Nullable(Int64))', 'unsupported'],
  ['Nullable(DateTime64(9))', 'unsupported'],
])('reads a %s column as %s', (type, kind) => {
  expect(columnKind(type)).toBe(kind);
});
