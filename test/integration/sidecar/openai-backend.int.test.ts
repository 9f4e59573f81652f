// The openai backend against a local server speaking OpenAI's completions API: a batch goes out
// as one list-prompt streaming request, and each prompt gets its own text, token count and time
// to first token, measured per prompt index; the sampling params go with it, one call per group
// of equal params; the model version comes from GET /v1/models.
import { openaiBackend } from '../../../src/sidecar/backends/openai';
import { type OpenAiServer, startOpenAiServer } from '../../helpers/openai-server';

let upstream: OpenAiServer;

beforeAll(async () => {
  // Prompt i's first token after 20 + 40 i ms: far enough apart to measure on a loaded machine.
  upstream = await startOpenAiServer({ firstTokenMs: (i) => 20 + 40 * i, tokenMs: 3 });
});

afterAll(async () => {
  await upstream.close();
});

const request = (prompt: string, maxTokens: number) => ({
  model: 'chimera',
  prompt,
  maxTokens,
  inputTokens: prompt.length,
});

it('one list-prompt request per batch; each prompt its own answer and TTFT', async () => {
  const backend = openaiBackend({ url: upstream.url, model: 'chimera' });
  const streamed: Array<[number, string]> = [];
  const results = await backend.runBatch(
    [request('a', 3), request('b', 2), request('c', 3)],
    new AbortController().signal,
    (i, text) => streamed.push([i, text]),
  );
  expect(upstream.bodies).toEqual([
    { model: 'chimera', prompt: ['a', 'b', 'c'], max_tokens: 3, stream: true },
  ]);
  expect(results.map((r) => [r.text, r.outputTokens])).toEqual([
    ['a#0 a#1 a#2', 3],
    ['b#0 b#1', 2],
    ['c#0 c#1 c#2', 3],
  ]);
  expect(streamed.filter(([i]) => i === 1).map(([, t]) => t)).toEqual(['b#0', ' b#1']);
  // Per-index TTFT: ~20, ~60, ~100 ms. The server cannot send early, so each is at least its
  // schedule (a batch-wide TTFT would give ~20 for all); the gaps between them are not asserted:
  // in this one process a late first timer on a loaded machine sends the three together.
  const ttft = results.map((r) => r.ttftMs);
  expect(ttft[0]).toBeGreaterThanOrEqual(19);
  expect(ttft[1]).toBeGreaterThanOrEqual(59);
  expect(ttft[2]).toBeGreaterThanOrEqual(99);
  expect(ttft[0]).toBeLessThanOrEqual(ttft[1] as number);
  expect(ttft[1]).toBeLessThanOrEqual(ttft[2] as number);
  for (const r of results) expect(r.durationMs).toBeGreaterThanOrEqual(r.ttftMs);
});

it('sampling params go upstream; a batch mixing them is one call per group, in batch order', async () => {
  upstream.bodies.length = 0;
  const backend = openaiBackend({ url: upstream.url, model: 'chimera' });
  const greedy = { temperature: 0, topP: 0.5, seed: 7, stop: ['\n'] };
  const streamed: Array<[number, string]> = [];
  const results = await backend.runBatch(
    [
      { ...request('a', 2), ...greedy },
      { ...request('b', 2), temperature: 1 },
      { ...request('c', 2), ...greedy },
    ],
    new AbortController().signal,
    (i, text) => streamed.push([i, text]),
  );
  const bodies = [...upstream.bodies].sort((x, y) =>
    String(x.prompt).localeCompare(String(y.prompt)),
  );
  expect(bodies).toEqual([
    {
      model: 'chimera',
      prompt: ['a', 'c'],
      max_tokens: 2,
      temperature: 0,
      top_p: 0.5,
      seed: 7,
      stop: ['\n'],
      stream: true,
    },
    { model: 'chimera', prompt: ['b'], max_tokens: 2, temperature: 1, stream: true },
  ]);
  expect(results.map((r) => r.text)).toEqual(['a#0 a#1', 'b#0 b#1', 'c#0 c#1']);
  expect(streamed.filter(([i]) => i === 2).map(([, t]) => t)).toEqual(['c#0', ' c#1']);
  expect(streamed.filter(([i]) => i === 1).map(([, t]) => t)).toEqual(['b#0', ' b#1']);
});

it('an upstream error names the status and the body', async () => {
  const backend = openaiBackend({ url: `${upstream.url}/nope` });
  await expect(backend.runBatch([request('a', 1)], new AbortController().signal)).rejects.toThrow(
    /answered 404/,
  );
  expect(await openaiBackend({ url: upstream.url }).ready()).toBe(true);
});

it('the version comes from /v1/models, stable across calls, new when the card changes', async () => {
  let clock = 0;
  const backend = openaiBackend({ url: upstream.url, versionRefresh: { now: () => clock } });
  expect(backend.modelVersion).toBe('unknown');
  const first = await backend.versionOf?.('chimera');
  expect(first).toMatch(/^chimera:[0-9a-f]{12}$/);
  expect(backend.modelVersion).toBe(first);
  const calls = upstream.modelCalls;
  clock += 30_000; // asked again: `created` differs at each call and does not count
  expect(await backend.versionOf?.('chimera')).toBe(first);
  expect(upstream.modelCalls).toBe(calls + 1);
  upstream.models = [{ id: 'chimera', root: '/models/chimera-v2', max_model_len: 4096 }];
  expect(await backend.versionOf?.('chimera')).toBe(first); // still fresh
  clock += 30_000;
  expect(await backend.versionOf?.('chimera')).not.toBe(first);
  upstream.models = [{ id: 'chimera', root: '/models/chimera', max_model_len: 4096 }];
});

it('an upstream that cannot tell keeps the last version; a fixed version is never asked', async () => {
  const backend = openaiBackend({ url: upstream.url, versionRefresh: { now: () => 0 } });
  expect(await backend.versionOf?.('not-served')).toBe('unknown');
  const fixed = openaiBackend({ url: upstream.url, modelVersion: 'release-7' });
  expect(fixed.versionOf).toBeUndefined();
  expect(fixed.modelVersion).toBe('release-7');
});
