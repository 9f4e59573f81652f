import {
  isActive,
  isSilenced,
  type Matcher,
  matcherMatches,
  parseSilenceBody,
  type Silence,
  silencedBy,
} from '../../../src/alerts/silences';
import { AppError } from '../../../src/errors';

const NOW = new Date('2026-11-28T08:00:00Z');
const HOUR = 3_600_000;
const at = (offsetH: number) => new Date(NOW.getTime() + offsetH * HOUR);

const m = (name: string, value: string, isRegex = false, isEqual = true): Matcher => ({
  name,
  value,
  isRegex,
  isEqual,
});

function silence(id: string, matchers: Matcher[], fromH = -1, toH = 1): Silence {
  return {
    id,
    matchers,
    startsAt: at(fromH),
    endsAt: at(toH),
    createdBy: 'sre',
    comment: 'maintenance',
  };
}

const LABELS = { slo: 'ttft-p95', model: 'llama-3-8b', severity: 'page', team: 'search' };

describe('matcherMatches', () => {
  it.each([
    ['equal, same value', m('model', 'llama-3-8b'), 'llama-3-8b', true],
    ['equal, other value', m('model', 'llama-3-8b'), 'mistral-7b', false],
    ['not-equal, other value', m('model', 'llama-3-8b', false, false), 'mistral-7b', true],
    ['not-equal, same value', m('model', 'llama-3-8b', false, false), 'llama-3-8b', false],
    ['regex, matches whole value', m('model', 'llama-.*', true), 'llama-3-8b', true],
    ['regex is anchored at the start', m('model', '3-8b', true), 'llama-3-8b', false],
    ['regex is anchored at the end', m('model', 'llama', true), 'llama-3-8b', false],
    ['regex alternation is anchored as a whole', m('severity', 'page|ticket', true), 'page', true],
    ['not-regex, matching value', m('model', 'llama-.*', true, false), 'llama-3-8b', false],
    ['not-regex, other value', m('model', 'llama-.*', true, false), 'mistral-7b', true],
    ['equal to empty matches an absent label', m('region', ''), '', true],
    ['equal to a value misses an absent label', m('region', 'eu'), '', false],
    ['not-equal to a value matches an absent label', m('region', 'eu', false, false), '', true],
    ['a literal dot is not a regex dot', m('model', 'a.c'), 'abc', false],
  ])('%s', (_name, matcher, value, expected) => {
    expect(matcherMatches(matcher, value)).toBe(expected);
  });
});

describe('isActive', () => {
  it.each([
    ['before startsAt', 1, 2, false],
    ['at startsAt (inclusive)', 0, 2, true],
    ['between', -1, 1, true],
    ['at endsAt (exclusive: expired)', -2, 0, false],
    ['after endsAt (expired)', -3, -1, false],
  ])('%s', (_name, fromH, toH, expected) => {
    expect(isActive(silence('s', [m('model', 'x')], fromH, toH), NOW)).toBe(expected);
  });
});

describe('isSilenced and silencedBy', () => {
  it('mutes when every matcher of an active silence matches', () => {
    const s = silence('s1', [m('model', 'llama-3-8b'), m('severity', 'page')]);
    expect(isSilenced(LABELS, [s], NOW)).toBe(true);
  });

  it('does not mute when one matcher of the silence misses', () => {
    const s = silence('s1', [m('model', 'llama-3-8b'), m('severity', 'ticket')]);
    expect(isSilenced(LABELS, [s], NOW)).toBe(false);
  });

  it('matches user labels beside slo, model and severity', () => {
    expect(isSilenced(LABELS, [silence('s', [m('team', 'sea.*', true)])], NOW)).toBe(true);
  });

  it('ignores expired and future silences', () => {
    const matchers = [m('model', 'llama-3-8b')];
    const silences = [silence('old', matchers, -3, -1), silence('later', matchers, 1, 3)];
    expect(isSilenced(LABELS, silences, NOW)).toBe(false);
    expect(silencedBy(LABELS, silences, at(2))).toEqual(['later']);
  });

  it('lists every active silence that mutes the alert, in order', () => {
    const silences = [
      silence('by-model', [m('model', 'llama-3-8b')]),
      silence('other-model', [m('model', 'mistral-7b')]),
      silence('by-slo', [m('slo', 'ttft-.*', true), m('model', 'mistral-7b', false, false)]),
    ];
    expect(silencedBy(LABELS, silences, NOW)).toEqual(['by-model', 'by-slo']);
  });

  it('mutes nothing without silences', () => {
    expect(isSilenced(LABELS, [], NOW)).toBe(false);
  });
});

describe('parseSilenceBody', () => {
  const body = {
    matchers: [{ name: 'model', value: 'llama-3-8b' }],
    startsAt: '2026-11-28T08:00:00Z',
    endsAt: '2026-11-28T10:00:00Z',
    createdBy: 'sre@example.com',
    comment: 'GPU node maintenance',
  };

  it('returns the silence with dates and matcher defaults (isRegex false, isEqual true)', () => {
    expect(parseSilenceBody(body, NOW)).toEqual({
      matchers: [{ name: 'model', value: 'llama-3-8b', isRegex: false, isEqual: true }],
      startsAt: new Date('2026-11-28T08:00:00Z'),
      endsAt: new Date('2026-11-28T10:00:00Z'),
      createdBy: 'sre@example.com',
      comment: 'GPU node maintenance',
    });
  });

  it('keeps an id (an update) and explicit matcher flags, and accepts offsets', () => {
    const parsed = parseSilenceBody(
      {
        ...body,
        id: 'sil-1',
        startsAt: '2026-11-28T09:00:00+01:00',
        matchers: [
          { name: 'model', value: 'llama-3-8b' },
          { name: 'severity', value: 'ticket', isRegex: true, isEqual: false },
        ],
      },
      NOW,
    );
    expect(parsed.id).toBe('sil-1');
    expect(parsed.startsAt).toEqual(NOW);
    expect(parsed.matchers).toEqual([
      { name: 'model', value: 'llama-3-8b', isRegex: false, isEqual: true },
      { name: 'severity', value: 'ticket', isRegex: true, isEqual: false },
    ]);
  });

  it.each([
    ['no matchers', { ...body, matchers: [] }, 'matchers: expected at least one matcher'],
    ['matchers not a list', { ...body, matchers: 'model=x' }, 'matchers: expected a list'],
    [
      'a bad label name',
      { ...body, matchers: [{ name: '1model', value: 'x' }] },
      'matchers[0].name: expected a label name',
    ],
    [
      'a value that is not a string',
      { ...body, matchers: [{ name: 'model', value: 3 }] },
      'matchers[0].value: expected a string',
    ],
    [
      'a regex that does not compile',
      { ...body, matchers: [{ name: 'model', value: '(', isRegex: true }] },
      'matchers[0].value: expected a valid regular expression',
    ],
    [
      'isRegex not a boolean',
      { ...body, matchers: [{ name: 'model', value: 'x', isRegex: 'yes' }] },
      'matchers[0].isRegex: expected true or false',
    ],
    [
      'matchers that match everything',
      { ...body, matchers: [{ name: 'model', value: '.*', isRegex: true }] },
      'matchers: at least one matcher must not match the empty string',
    ],
    ['startsAt not a date', { ...body, startsAt: 'tomorrow' }, 'startsAt: expected an ISO 8601'],
    ['endsAt missing', { ...body, endsAt: undefined }, 'endsAt: expected an ISO 8601'],
    [
      'endsAt before startsAt',
      { ...body, endsAt: '2026-11-28T07:00:00Z' },
      'endsAt: must be after startsAt',
    ],
    ['createdBy empty', { ...body, createdBy: ' ' }, 'createdBy: expected who creates'],
    ['comment missing', { ...body, comment: undefined }, 'comment: expected a comment'],
    ['an unknown field', { ...body, extra: 1 }, 'extra'],
    ['not an object', null, 'expected object'],
  ])('refuses %s with a 400 naming the field', (_name, raw, message) => {
    let error: unknown;
    try {
      parseSilenceBody(raw, NOW);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'invalid_silence', status: 400 });
    expect((error as Error).message).toContain(message);
  });

  it('refuses a silence already over at now', () => {
    const over = { ...body, startsAt: '2026-11-28T05:00:00Z', endsAt: '2026-11-28T08:00:00Z' };
    expect(() => parseSilenceBody(over, NOW)).toThrow('endsAt: must be in the future');
  });

  it('names every bad field at once', () => {
    expect(() => parseSilenceBody({ ...body, createdBy: '', comment: '' }, NOW)).toThrow(
      /createdBy: .*; comment: /,
    );
  });
});
