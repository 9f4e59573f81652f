// The exact server-sent events of streamed answers: a cached text streams back whole (its
// trailing whitespace included), and a chat stream always starts with the assistant role, even
// when no token came out.
import type { Backend, CompletionRequest } from '../../../src/sidecar/backend';
import { closeSidecars, post, sseData, startTestSidecar } from '../../helpers/sidecar';

afterEach(closeSidecars);

/** A backend streaming `tokens` for every request; its answer is their concatenation. */
function fixedBackend(tokens: string[]): Backend & { batches: number } {
  const backend = {
    kind: 'fixed',
    modelVersion: 'fixed-1',
    batches: 0,
    ready: async () => true,
    async runBatch(
      requests: readonly CompletionRequest[],
      _signal: AbortSignal,
      onToken?: (index: number, text: string) => void,
    ) {
      backend.batches++;
      requests.forEach((_r, i) => {
        for (const token of tokens) onToken?.(i, token);
      });
      return requests.map((r) => ({
        text: tokens.join(''),
        inputTokens: r.inputTokens,
        outputTokens: tokens.length,
        ttftMs: 1,
        durationMs: 1,
      }));
    },
  };
  return backend;
}

const events = (text: string) =>
  sseData(text).map((d) => (d === '[DONE]' ? d : (JSON.parse(d) as unknown)));

const completionChunk = (text: string, finish: string | null) => ({
  id: expect.stringMatching(/^cmpl-/),
  object: 'text_completion',
  created: expect.any(Number),
  model: 'm',
  choices: [{ index: 0, text, logprobs: null, finish_reason: finish }],
});

it('a streamed cache hit sends the cached text whole, trailing whitespace included', async () => {
  const backend = fixedBackend(['hello', ' world', ' \n']);
  const sidecar = await startTestSidecar({}, { backend });
  const body = { model: 'm', prompt: 'p', max_tokens: 8, temperature: 0, stream: true };
  const miss = await post(`${sidecar.url}/v1/completions`, body);
  expect(miss.headers.get('x-cache')).toBe('miss');
  const hit = await post(`${sidecar.url}/v1/completions`, body);
  expect(hit.headers.get('x-cache')).toBe('hit');
  expect(backend.batches).toBe(1);
  expect(events(hit.text)).toEqual([
    completionChunk('hello', null),
    completionChunk(' world \n', null),
    completionChunk('', 'stop'),
    '[DONE]',
  ]);
});

it('a chat stream with no output token still starts with the assistant role', async () => {
  const sidecar = await startTestSidecar({}, { backend: fixedBackend([]) });
  const res = await post(`${sidecar.url}/v1/chat/completions`, {
    model: 'm',
    messages: [{ role: 'user', content: 'hi' }],
    stream: true,
  });
  const chunk = (delta: Record<string, string>, finish: string | null) => ({
    id: expect.stringMatching(/^chatcmpl-/),
    object: 'chat.completion.chunk',
    created: expect.any(Number),
    model: 'm',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });
  expect(events(res.text)).toEqual([
    chunk({ role: 'assistant', content: '' }, null),
    chunk({}, 'stop'),
    '[DONE]',
  ]);
});
