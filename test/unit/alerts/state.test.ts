import type { AlertSeverity } from '../../../src/alerts/notification';
import {
  type AlertPhase,
  type AlertStates,
  alertFingerprint,
  DEFAULT_REPEAT_INTERVAL_MS,
  inactiveState,
  stepAlerts,
} from '../../../src/alerts/state';
import { at, describe1, HOUR, input, MINUTE, run, sent, T0 } from './state-fixtures';

const PAGE = alertFingerprint('ttft-p95', 'llama-3-8b', 'page');
const TICKET = alertFingerprint('ttft-p95', 'llama-3-8b', 'ticket');

type Input = AlertSeverity | null;
const none = null;

describe('alert state machine: transition table', () => {
  // history (one evaluation a minute) → input → (page phase, ticket phase, notifications).
  // The ticket is "firing" whenever the budget burns at ticket rate or faster; while the page
  // fires it is suppressed (folded into the page) and says nothing of its own.
  const rows: [string, Input[], Input, AlertPhase, AlertPhase, string[]][] = [
    ['inactive, none', [], none, 'inactive', 'inactive', []],
    ['inactive, page', [], 'page', 'firing', 'firing', ['page firing #1']],
    ['inactive, ticket', [], 'ticket', 'inactive', 'firing', ['ticket firing #1']],
    ['page firing, page again', ['page'], 'page', 'firing', 'firing', []],
    ['page firing, none', ['page'], none, 'resolved', 'resolved', ['page resolved #1']],
    // The slower burn continues the same incident: the page resolves, the ticket stays quiet.
    ['page firing, ticket', ['page'], 'ticket', 'resolved', 'firing', ['page resolved #1']],
    ['page resolved, none', ['page', none], none, 'resolved', 'resolved', []],
    ['page resolved, page', ['page', none], 'page', 'firing', 'firing', ['page firing #2']],
    ['page resolved, ticket', ['page', none], 'ticket', 'resolved', 'firing', ['ticket firing #2']],
    ['ticket firing, ticket again', ['ticket'], 'ticket', 'inactive', 'firing', []],
    ['ticket firing, none', ['ticket'], none, 'inactive', 'resolved', ['ticket resolved #1']],
    // Escalation: one page message; the ticket is folded into it and owes no resolve.
    ['ticket firing, page', ['ticket'], 'page', 'firing', 'firing', ['page firing #1']],
    [
      'ticket then page, none',
      ['ticket', 'page'],
      none,
      'resolved',
      'resolved',
      ['page resolved #1'],
    ],
    [
      'ticket then page, ticket',
      ['ticket', 'page'],
      'ticket',
      'resolved',
      'firing',
      ['page resolved #1'],
    ],
    ['ticket resolved, none', ['ticket', none], none, 'inactive', 'resolved', []],
    [
      'ticket resolved, ticket',
      ['ticket', none],
      'ticket',
      'inactive',
      'firing',
      ['ticket firing #2'],
    ],
    ['ticket resolved, page', ['ticket', none], 'page', 'firing', 'firing', ['page firing #1']],
    [
      'page then ticket, none (folded ticket resolves silently)',
      ['page', 'ticket'],
      none,
      'resolved',
      'resolved',
      [],
    ],
    ['page then ticket, page', ['page', 'ticket'], 'page', 'firing', 'firing', ['page firing #2']],
    ['page then ticket, ticket', ['page', 'ticket'], 'ticket', 'resolved', 'firing', []],
  ];

  it.each(rows)('%s', (_name, history, next, pagePhase, ticketPhase, expected) => {
    const result = run([...history, next]);
    expect(result.states[PAGE]?.phase).toBe(pagePhase);
    expect(result.states[TICKET]?.phase).toBe(ticketPhase);
    expect(sent(result).map(describe1)).toEqual(expected);
  });

  it('counts episodes: each firing after a resolve is a new one', () => {
    const result = run(['page', none, 'page', none, 'page']);
    expect(result.states[PAGE]).toMatchObject({ phase: 'firing', episode: 3 });
    expect(result.states[PAGE]?.started_at_ms).toBe(at(4).getTime());
  });

  it('over a whole incident sends exactly one firing and one resolved message', () => {
    const history: Input[] = [none, 'ticket', 'page', 'page', 'ticket', 'ticket', none, none];
    let states: AlertStates = {};
    const all: string[] = [];
    history.forEach((firing, minute) => {
      const result = stepAlerts(states, [input(firing)], at(minute));
      states = result.states;
      all.push(...sent(result).map(describe1));
    });
    expect(all).toEqual(['ticket firing #1', 'page firing #1', 'page resolved #1']);
  });
});

describe('repeat interval', () => {
  function timeline(
    times: number[],
    firing: Input | ((minute: number) => Input),
    options = {},
  ): string[] {
    let states: AlertStates = {};
    const out: string[] = [];
    for (const minute of times) {
      const f = typeof firing === 'function' ? firing(minute) : firing;
      const result = stepAlerts(states, [input(f)], at(minute), options);
      states = result.states;
      for (const n of sent(result)) out.push(`${minute} ${n.key.split(':').slice(2).join(':')}`);
    }
    return out;
  }

  it("defaults to Alertmanager's 4 hours", () => {
    expect(DEFAULT_REPEAT_INTERVAL_MS).toBe(4 * HOUR);
  });

  it('repeats a long-firing alert every 4 h, counted from the last message', () => {
    const minutes = [0, 1, 239, 240, 241, 479, 480];
    expect(timeline(minutes, 'page')).toEqual(['0 firing', '240 repeat:1', '480 repeat:2']);
  });

  it('repeats at the first evaluation past the interval when evaluations are sparse', () => {
    expect(timeline([0, 230, 250, 480, 490], 'page')).toEqual([
      '0 firing',
      '250 repeat:1',
      '490 repeat:2',
    ]);
  });

  it('honours a custom interval', () => {
    expect(timeline([0, 29, 30, 60], 'ticket', { repeatIntervalMs: 30 * MINUTE })).toEqual([
      '0 firing',
      '30 repeat:1',
      '60 repeat:2',
    ]);
  });

  it('keeps the episode start on repeats', () => {
    const result = run(['page'], {});
    const later = stepAlerts(result.states, [input('page')], new Date(T0 + 4 * HOUR));
    const [repeat] = sent(later);
    expect(repeat?.kind).toBe('repeat');
    expect(repeat?.notification.status).toBe('firing');
    expect(repeat?.notification.started_at).toEqual(at(0));
  });

  it('never repeats a ticket suppressed by a firing page', () => {
    expect(timeline([0, 240, 480], 'page').every((line) => !line.includes('ticket'))).toBe(true);
    const result = run(['ticket']);
    const under = stepAlerts(result.states, [input('page')], new Date(T0 + 5 * HOUR));
    expect(sent(under).map(describe1)).toEqual(['page firing #1']);
  });

  it('reminds of a folded ticket still burning 4 h after the last page message', () => {
    // page at 0, resolved into a slow burn at 10; the ticket's clock runs from the page message.
    const out = timeline([0, 10, 239, 240, 300], (m) => (m === 0 ? 'page' : 'ticket'));
    expect(out).toEqual(['0 firing', '10 resolved', '240 repeat:1']);
    let states = run(['page']).states;
    states = stepAlerts(states, [input('ticket')], at(10)).states;
    const reminder = stepAlerts(states, [input('ticket')], at(240));
    expect(sent(reminder).map(describe1)).toEqual(['ticket repeat #1']);
    const cleared = stepAlerts(reminder.states, [input(none)], at(241));
    expect(sent(cleared).map(describe1)).toEqual(['ticket resolved #1']);
  });

  it('refuses an interval that is not positive', () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => stepAlerts({}, [], at(0), { repeatIntervalMs: bad })).toThrow(RangeError);
  });
});

describe('notifications', () => {
  it('carry the evaluation figures, labels, annotations and links', () => {
    const [n] = sent(run(['page']));
    expect(n).toEqual({
      key: `${PAGE}:1:firing`,
      kind: 'firing',
      notification: {
        status: 'firing',
        fingerprint: PAGE,
        slo: 'ttft-p95',
        model: 'llama-3-8b',
        severity: 'page',
        sli: 0.9,
        objective: 0.99,
        budget_remaining: 0.6,
        burn_rates: { '5m': 16, '1h': 14.5 },
        started_at: at(0),
        labels: { team: 'search' },
        annotations: { runbook: 'https://runbooks.example.com/ttft' },
        links: { ui: 'https://insight.example.com/slos/ttft-p95' },
      },
    });
  });

  it('say when a resolved alert started and resolved', () => {
    const [n] = sent(run(['page', 'page', none]));
    expect(n?.key).toBe(`${PAGE}:1:resolved`);
    expect(n?.notification).toMatchObject({
      status: 'resolved',
      started_at: at(0),
      resolved_at: at(2),
    });
  });

  it('keep the last known SLI and budget when traffic stopped before the resolve', () => {
    const states = run(['page']).states;
    const result = stepAlerts(states, [input(none, 'ttft-p95', 'llama-3-8b', null)], at(1));
    expect(sent(result)[0]?.notification).toMatchObject({ sli: 0.9, budget_remaining: 0.6 });
  });
});

describe('grouping per model', () => {
  it('batches several SLOs of one model turning on together, one group per model', () => {
    const result = stepAlerts(
      {},
      [
        input('page', 'ttft-p95', 'llama-3-8b'),
        input('ticket', 'throughput', 'mistral-7b'),
        input('ticket', 'accuracy', 'llama-3-8b'),
        input(none, 'coherence', 'llama-3-8b'),
      ],
      at(0),
    );
    expect(result.groups.map((g) => g.model)).toEqual(['llama-3-8b', 'mistral-7b']);
    const [llama, mistral] = result.groups;
    expect(llama?.notifications.map((n) => n.notification.slo)).toEqual(['accuracy', 'ttft-p95']);
    expect(mistral?.notifications.map(describe1)).toEqual(['ticket firing #1']);
    expect(llama?.key).toMatch(/^[0-9a-f]{32}$/);
    expect(llama?.key).not.toBe(mistral?.key);
  });

  it('puts firing and resolved messages of one model at one time in the same group', () => {
    let states = stepAlerts({}, [input('page', 'a'), input(none, 'b')], at(0)).states;
    const result = stepAlerts(states, [input(none, 'a'), input('page', 'b')], at(1));
    expect(result.groups).toHaveLength(1);
    expect(result.groups[0]?.notifications.map((n) => `${n.notification.slo} ${n.kind}`)).toEqual([
      'a resolved',
      'b firing',
    ]);
    states = result.states;
    expect(stepAlerts(states, [input('page', 'b')], at(2)).groups).toEqual([]);
  });

  it('gives a group the same key when the same notifications are made again', () => {
    const first = stepAlerts({}, [input('page', 'a'), input('page', 'b')], at(0));
    const again = stepAlerts({}, [input('page', 'b'), input('page', 'a')], at(0));
    expect(again.groups[0]?.key).toBe(first.groups[0]?.key);
  });
});

describe('catch-up replay and idempotency', () => {
  it('ignores an evaluation older than the last applied one, leaving states untouched', () => {
    const states = run(['page', 'page', 'page']).states;
    const replay = stepAlerts(states, [input(none)], at(1));
    expect(replay.groups).toEqual([]);
    expect(replay.states).toEqual(states);
    expect(replay.ignored).toEqual([{ slo: 'ttft-p95', model: 'llama-3-8b' }]);
  });

  it('ignores a second evaluation at the same time (a replay of the same window)', () => {
    const first = stepAlerts({}, [input('page')], at(0));
    const again = stepAlerts(first.states, [input('page')], at(0));
    expect(sent(first)).toHaveLength(1);
    expect(sent(again)).toEqual([]);
    expect(again.ignored).toHaveLength(1);
  });

  it('ignores a duplicate (SLO, model) within one call', () => {
    const result = stepAlerts({}, [input('page'), input(none)], at(0));
    expect(sent(result).map(describe1)).toEqual(['page firing #1']);
    expect(result.ignored).toEqual([{ slo: 'ttft-p95', model: 'llama-3-8b' }]);
  });

  it('replaying a whole catch-up a second time sends nothing', () => {
    const history: Input[] = ['page', 'page', none, 'ticket', none];
    let states: AlertStates = {};
    const keys: string[] = [];
    for (const pass of [1, 2])
      history.forEach((firing, minute) => {
        const result = stepAlerts(states, [input(firing)], at(minute));
        states = result.states;
        keys.push(...sent(result).map((n) => `${pass} ${n.key.split(':').slice(1).join(':')}`));
      });
    expect(keys).toEqual(['1 1:firing', '1 1:resolved', '1 2:firing', '1 2:resolved']);
  });

  it('catches up three hours of missed minutes in order, raising the alert once', () => {
    // Down from minute 10 to 190; the incident ran from 30 to 70.
    let states = run(Array.from({ length: 10 }, () => none)).states;
    const out: string[] = [];
    for (let minute = 10; minute <= 190; minute++) {
      const firing = minute >= 30 && minute < 70 ? 'page' : none;
      const result = stepAlerts(states, [input(firing)], at(minute));
      states = result.states;
      out.push(...sent(result).map((n) => `${minute} ${describe1(n)}`));
    }
    expect(out).toEqual(['30 page firing #1', '70 page resolved #1']);
  });

  it('gives every notification a key unique per fingerprint, episode, kind and repeat', () => {
    const history: Input[] = ['page', ...Array.from({ length: 600 }, (): Input => 'page'), none];
    let states: AlertStates = {};
    const keys: string[] = [];
    history.forEach((firing, minute) => {
      const result = stepAlerts(states, [input(firing)], at(minute));
      states = result.states;
      keys.push(...sent(result).map((n) => n.key));
    });
    expect(keys).toEqual([
      `${PAGE}:1:firing`,
      `${PAGE}:1:repeat:1`,
      `${PAGE}:1:repeat:2`,
      `${PAGE}:1:resolved`,
    ]);
  });

  it('does not change the states it was given', () => {
    const states = run(['page']).states;
    const copy = structuredClone(states);
    stepAlerts(states, [input(none)], at(5));
    expect(states).toEqual(copy);
  });
});

describe('fingerprints', () => {
  it('are 16 hex digits, stable, and differ by SLO, model and severity', () => {
    const fp = alertFingerprint('ttft-p95', 'llama-3-8b', 'page');
    expect(fp).toMatch(/^[0-9a-f]{16}$/);
    expect(alertFingerprint('ttft-p95', 'llama-3-8b', 'page')).toBe(fp);
    const others = [
      alertFingerprint('ttft-p95', 'llama-3-8b', 'ticket'),
      alertFingerprint('ttft-p99', 'llama-3-8b', 'page'),
      alertFingerprint('ttft-p95', 'mistral-7b', 'page'),
    ];
    expect(new Set([fp, ...others]).size).toBe(4);
  });

  it('do not collide when a separator moves between SLO and model', () => {
    expect(alertFingerprint('a', 'b:c', 'page')).not.toBe(alertFingerprint('a:b', 'c', 'page'));
  });

  it('start inactive', () => {
    expect(inactiveState('s', 'm', 'ticket')).toMatchObject({
      fingerprint: alertFingerprint('s', 'm', 'ticket'),
      phase: 'inactive',
      episode: 0,
    });
  });
});
