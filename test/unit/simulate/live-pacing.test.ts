// The live run's pure parts: when a request goes out (pacing), the order feedback falls due
// (label schedule), the --rps override, and the span an outcome becomes.
import { LabelSchedule } from '../../../src/simulate/label-schedule';
import { DEFAULT_PACING, paceVerdict } from '../../../src/simulate/pacing';
import { simulateRun } from '../../../src/simulate/run';
import { scenarioByName, withRate } from '../../../src/simulate/scenarios';
import { outcomeSpan } from '../../../src/simulate/targets/otlp-span';

describe('paceVerdict', () => {
  const limits = { maxLateMs: 1_000, maxInFlight: 2 };
  it.each([
    ['early: wait the rest', 1_000, 400, 0, { kind: 'wait', ms: 600 }],
    ['on time: send', 1_000, 1_000, 0, { kind: 'send' }],
    ['a little late: still send', 1_000, 2_000, 1, { kind: 'send' }],
    [
      'more than 1 s late: skipped as late, no burst',
      1_000,
      2_001,
      0,
      { kind: 'late', lateMs: 1_001 },
    ],
    ['too many in flight: skipped', 1_000, 1_000, 2, { kind: 'skip' }],
    ['late beats in flight', 1_000, 5_000, 9, { kind: 'late', lateMs: 4_000 }],
  ])('%s', (_name, due, now, inFlight, verdict) => {
    expect(paceVerdict(due, now, inFlight, limits)).toEqual(verdict);
  });

  it('defaults to 1 s of lateness and 1,024 in flight', () => {
    expect(DEFAULT_PACING).toEqual({ maxLateMs: 1_000, maxInFlight: 1_024 });
    expect(paceVerdict(0, 1_000, 1_023)).toEqual({ kind: 'send' });
    expect(paceVerdict(0, 1_000, 1_024)).toEqual({ kind: 'skip' });
  });
});

describe('LabelSchedule', () => {
  it('gives back what is due, earliest first, ties in insertion order, at most limit', () => {
    const schedule = new LabelSchedule();
    const item = (name: string) => ({ response_id: 'r', name, value: 1, ts: 0 });
    for (const [name, due] of [
      ['c', 30],
      ['a', 10],
      ['b1', 20],
      ['b2', 20],
      ['d', 40],
    ] as const)
      schedule.add(item(name), due);
    expect(schedule.takeDue(5)).toEqual([]);
    expect(schedule.takeDue(20, 2).map((i) => i.name)).toEqual(['a', 'b1']);
    expect(schedule.takeDue(30).map((i) => i.name)).toEqual(['b2', 'c']);
    expect(schedule.size).toBe(1);
  });

  it('orders a thousand random due times', () => {
    const schedule = new LabelSchedule();
    const dues = Array.from({ length: 1_000 }, (_, i) => (i * 7919) % 1_009);
    dues.forEach((due, i) => {
      schedule.add({ name: String(due), value: i, ts: 0 }, due);
    });
    const taken = schedule.takeDue(2_000).map((i) => Number(i.name));
    expect(taken).toEqual([...dues].sort((a, b) => a - b));
  });
});

describe('withRate', () => {
  it('sets the offered rate and nothing else', () => {
    const chimera = scenarioByName('chimera');
    const fast = withRate(chimera, 20);
    expect(fast).toEqual({ ...chimera, ratePerSec: 20 });
    expect(chimera.ratePerSec).toBe(10);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('refuses %p', (rps) => {
    expect(() => withRate(scenarioByName('chimera'), rps)).toThrow(RangeError);
  });
});

describe('outcomeSpan', () => {
  const outcomes = [
    ...simulateRun(scenarioByName('chimera'), { startMs: 0, durationMs: 5_000, seed: 3 }),
  ];

  it('a served request: GenAI keys, insightagent keys, features, and the coherence event', () => {
    const served = outcomes.find((o) => o.status === 'ok');
    if (served === undefined) throw new Error('no served request');
    const span = outcomeSpan(served, 'cmpl-1');
    expect(span).toMatchObject({
      name: 'text_completion chimera',
      startMs: served.request.arrivalMs,
      endMs: served.request.arrivalMs + served.latencyMs,
      attributes: {
        'gen_ai.operation.name': 'text_completion',
        'gen_ai.request.model': 'chimera',
        'gen_ai.provider.name': 'insightagent',
        'gen_ai.response.id': 'cmpl-1',
        'gen_ai.usage.input_tokens': served.request.inputTokens,
        'gen_ai.usage.output_tokens': served.outputTokens,
        'gen_ai.response.time_to_first_chunk': (served.ttftMs ?? 0) / 1000,
        'insightagent.queue.duration': (served.queueMs ?? 0) / 1000,
        'insightagent.batch.size': served.batchSize,
        'insightagent.model.version': 'chimera-2024-06',
        'insightagent.request.type': served.request.requestType,
        'insightagent.prompt.hash': served.request.promptHash,
        'insightagent.feature.prompt_tokens': served.request.inputTokens,
        'insightagent.feature.topic': served.request.featuresCat.topic,
      },
      events: [
        {
          name: 'gen_ai.evaluation.result',
          timeMs: served.endMs,
          attributes: {
            'gen_ai.evaluation.name': 'coherence',
            'gen_ai.evaluation.score.value': served.answer?.coherence,
          },
        },
      ],
    });
    expect(span.error).toBeUndefined();
  });

  it('a refused request: error.type, no answer id, no queue/batch/TTFT/output, no score', () => {
    const refused = outcomes.find((o) => o.status === 'queue_full');
    if (refused === undefined) throw new Error('no refused request');
    const span = outcomeSpan(refused, 'cmpl-2');
    expect(span.error).toBe('queue_full');
    expect(span.attributes['error.type']).toBe('queue_full');
    for (const key of [
      'gen_ai.response.id',
      'gen_ai.usage.output_tokens',
      'gen_ai.response.time_to_first_chunk',
      'insightagent.queue.duration',
      'insightagent.batch.size',
    ])
      expect(span.attributes).not.toHaveProperty([key]);
    expect(span.events).toEqual([]);
  });
});
