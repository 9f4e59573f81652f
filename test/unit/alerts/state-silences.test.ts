import type { Matcher } from '../../../src/alerts/silences';
import { type AlertStates, stepAlerts } from '../../../src/alerts/state';
import { at, describe1, input, run, sent, silenceOf } from './state-fixtures';

const m = (name: string, value: string, isRegex = false, isEqual = true): Matcher => ({
  name,
  value,
  isRegex,
  isEqual,
});

type Input = 'page' | 'ticket' | null;

// Runs one evaluation a minute with the silences given, listing `minute severity kind`.
function timeline(history: Input[], silences: ReturnType<typeof silenceOf>[]): string[] {
  let states: AlertStates = {};
  const out: string[] = [];
  history.forEach((firing, minute) => {
    const result = stepAlerts(states, [input(firing)], at(minute), { silences });
    states = result.states;
    out.push(...sent(result).map((n) => `${minute} ${describe1(n)}`));
  });
  return out;
}

describe('silences in the state machine', () => {
  it('mute a firing alert while its state still advances', () => {
    const silences = [silenceOf([m('model', 'llama-3-8b')], 0, 60)];
    const result = stepAlerts({}, [input('page')], at(0), { silences });
    expect(sent(result)).toEqual([]);
    expect(Object.values(result.states).map((s) => s.phase)).toEqual(['firing', 'firing']);
  });

  it('send the firing message once the silence expires if the alert still fires', () => {
    const silences = [silenceOf([m('slo', 'ttft-.*', true)], 0, 3)];
    expect(timeline(['page', 'page', 'page', 'page', null], silences)).toEqual([
      '3 page firing #1',
      '4 page resolved #1',
    ]);
  });

  it('send nothing for an alert that fired and resolved inside the silence', () => {
    const silences = [silenceOf([m('model', 'llama-3-8b')], 0, 10)];
    expect(timeline(['page', 'page', null, null], silences)).toEqual([]);
  });

  it('mute the resolved message of an alert silenced after it was announced', () => {
    const silences = [silenceOf([m('severity', 'page')], 1, 10)];
    expect(timeline(['page', 'page', null], silences)).toEqual(['0 page firing #1']);
  });

  it('hold repeats while silenced and repeat once the silence is over', () => {
    const silences = [silenceOf([m('model', 'llama-3-8b')], 200, 300)];
    let states = run(['page']).states;
    const out: string[] = [];
    for (const minute of [240, 299, 300]) {
      const result = stepAlerts(states, [input('page')], at(minute), { silences });
      states = result.states;
      out.push(...sent(result).map((n) => `${minute} ${n.kind}`));
    }
    expect(out).toEqual(['300 repeat']);
  });

  it('match on severity: silencing tickets leaves the page alone', () => {
    const silences = [silenceOf([m('severity', 'ticket')], 0, 60)];
    expect(timeline(['ticket', 'page', null], silences)).toEqual([
      '1 page firing #1',
      '2 page resolved #1',
    ]);
  });

  it('match on user labels and not-equal matchers', () => {
    const other = [silenceOf([m('team', 'search', false, false)], 0, 60)];
    expect(timeline(['page'], other)).toEqual(['0 page firing #1']);
    const ours = [silenceOf([m('team', 'search'), m('model', 'mistral-.*', true, false)], 0, 60)];
    expect(timeline(['page'], ours)).toEqual([]);
  });

  it('ignore expired silences', () => {
    const expired = [silenceOf([m('model', 'llama-3-8b')], -60, 0)];
    expect(timeline(['page'], expired)).toEqual(['0 page firing #1']);
  });
});
