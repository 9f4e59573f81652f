// A batch's sampling params: read from a body, grouped (one upstream call per group of equal
// params, the groups at once) and the results put back in the batch's order.
import type { CompletionRequest, CompletionResult } from '../../../src/sidecar/backend';
import { groupBySampling, runBySampling, samplingFromBody } from '../../../src/sidecar/sampling';

const request = (prompt: string, extra: Partial<CompletionRequest> = {}): CompletionRequest => ({
  model: 'm',
  prompt,
  maxTokens: 4,
  inputTokens: 1,
  ...extra,
});

const answer = (text: string): CompletionResult => ({
  text,
  inputTokens: 1,
  outputTokens: 1,
  ttftMs: 1,
  durationMs: 1,
});

it.each([
  [{}, {}],
  [
    { temperature: 0, top_p: 0.5, seed: 7 },
    { temperature: 0, topP: 0.5, seed: 7 },
  ],
  [{ stop: 'x' }, { stop: ['x'] }],
  [{ stop: ['x', 'y'], top_p: undefined }, { stop: ['x', 'y'] }],
])('samplingFromBody(%j) = %j', (body, params) => {
  expect(samplingFromBody(body)).toEqual(params);
});

it.each([
  ['none set', [{}, {}, {}], [[0, 1, 2]]],
  ['equal params', [{ temperature: 0 }, { temperature: 0 }], [[0, 1]]],
  [
    'mixed, in order of first appearance',
    [{ temperature: 1 }, { temperature: 0 }, { temperature: 1 }, {}],
    [[0, 2], [1], [3]],
  ],
  ['seed differs', [{ seed: 1 }, { seed: 2 }], [[0], [1]]],
  ['top_p differs', [{ topP: 0.5 }, { topP: 0.9 }], [[0], [1]]],
  ['stop differs', [{ stop: ['a'] }, { stop: ['a', 'b'] }, { stop: ['a'] }], [[0, 2], [1]]],
])('groupBySampling: %s', (_name, params, groups) => {
  expect(groupBySampling(params)).toEqual(groups);
});

it('one call per group, at once; results and tokens in the batch order', async () => {
  const calls: string[][] = [];
  const tokens: Array<[number, string]> = [];
  let running = 0;
  let most = 0;
  const results = await runBySampling(
    [request('a', { temperature: 0 }), request('b'), request('c', { temperature: 0 })],
    new AbortController().signal,
    (i, text) => tokens.push([i, text]),
    async (group, _signal, onToken) => {
      calls.push(group.map((r) => r.prompt));
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
      group.forEach((r, k) => {
        onToken?.(k, r.prompt);
      });
      return group.map((r) => answer(r.prompt.toUpperCase()));
    },
  );
  expect(calls).toEqual([['a', 'c'], ['b']]);
  expect(most).toBe(2);
  expect(results.map((r) => r.text)).toEqual(['A', 'B', 'C']);
  expect(tokens.sort()).toEqual([
    [0, 'a'],
    [1, 'b'],
    [2, 'c'],
  ]);
});

it('a failing group fails the batch and aborts the other groups', async () => {
  const aborted: boolean[] = [];
  const run = runBySampling(
    [request('a', { seed: 1 }), request('b', { seed: 2 })],
    new AbortController().signal,
    undefined,
    async (group, signal) => {
      if (group[0]?.prompt === 'a') throw new Error('upstream down');
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      aborted.push(signal.aborted);
      throw signal.reason;
    },
  );
  await expect(run).rejects.toThrow('upstream down');
  await new Promise((resolve) => setImmediate(resolve));
  expect(aborted).toEqual([true]);
});

it('a group answering the wrong number of results fails the batch', async () => {
  await expect(
    runBySampling(
      [request('a', { seed: 1 }), request('b', { seed: 2 })],
      new AbortController().signal,
      undefined,
      async () => [],
    ),
  ).rejects.toThrow('upstream answered 0 results for 1 requests');
});
