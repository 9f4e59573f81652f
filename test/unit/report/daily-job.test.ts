// Which models get a daily post, and the message id that keeps it from being sent twice.
import { parseReportsConfig } from '../../../src/report/config';
import { DAY_MS, dailyMessageId, dailyPosts } from '../../../src/report/daily-job';

const DAY = Date.UTC(2026, 10, 27);
const window = { startMs: DAY, endMs: DAY + DAY_MS };
const seen = (model: string, first: number, last: number) => ({
  model,
  first_seen: new Date(first).toISOString(),
  last_seen: new Date(last).toISOString(),
  versions: ['v1'],
  requests: 1,
});

it.each([
  ['seen during the day', seen('a', DAY - DAY_MS, DAY + 60_000), ['a']],
  ['seen only before it', seen('a', DAY - DAY_MS, DAY - 60_000), []],
  ['first seen after it', seen('a', DAY + DAY_MS, DAY + DAY_MS + 60_000), []],
])('a model %s', (_name, model, posted) => {
  const config = parseReportsConfig({ '*': { daily: { channel: 'oncall' } } }, 'test');
  expect(dailyPosts(config, [model], window).map((p) => p.model)).toEqual(posted);
});

it('posts only the models whose entry (or *) names a channel', () => {
  const config = parseReportsConfig(
    { chimera: { daily: { channel: 'ml' } }, other: { targets: { throughput_rps: 1 } } },
    'test',
  );
  const models = ['chimera', 'other', 'third'].map((m) => seen(m, DAY, DAY + 1));
  expect(dailyPosts(config, models, window)).toEqual([{ model: 'chimera', channel: 'ml' }]);
});

it('gives each model and day one message id of the allowed characters', () => {
  const id = dailyMessageId('team/chimera v2', window);
  expect(id).toMatch(/^report\.daily\.2026-11-27\.[0-9a-f]{24}$/);
  expect(dailyMessageId('team/chimera v2', window)).toBe(id);
  expect(dailyMessageId('other', window)).not.toBe(id);
});
