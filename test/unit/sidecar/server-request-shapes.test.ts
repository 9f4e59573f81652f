// Pure parts of the sidecar's request handling: KServe rows, the chat prompt, what is cacheable,
// how a cached text is streamed, and the configuration's errors naming their path.
import { AppError } from '../../../src/errors';
import { tokensOf } from '../../../src/sidecar/inference';
import { rowsOf } from '../../../src/sidecar/routes/kserve';
import { chatPrompt, isDeterministic } from '../../../src/sidecar/routes/openai';
import { parseSidecarFile, resolveSidecarConfig } from '../../../src/sidecar/server-config';

const text = (shape: number[], data: unknown[], datatype = 'BYTES') => ({
  name: 'text_input',
  shape,
  datatype,
  data,
});

describe('rowsOf', () => {
  it.each([
    ['[B, 1] flat', [text([2, 1], ['a', 'b'])], ['a', 'b'], [16, 16]],
    ['[B, 1] nested', [text([2, 1], [['a'], ['b']])], ['a', 'b'], [16, 16]],
    ['[B]', [text([1], ['a'])], ['a'], [16]],
    [
      'max_tokens per row',
      [
        text([2, 1], ['a', 'b']),
        { name: 'max_tokens', shape: [2, 1], datatype: 'INT32', data: [3, 4] },
      ],
      ['a', 'b'],
      [3, 4],
    ],
    [
      'max_tokens [1] for all rows',
      [text([2, 1], ['a', 'b']), { name: 'max_tokens', shape: [1], datatype: 'INT64', data: [5] }],
      ['a', 'b'],
      [5, 5],
    ],
  ])('%s', (_name, inputs, prompts, maxTokens) => {
    expect(rowsOf({ inputs })).toEqual({ prompts, maxTokens });
  });

  it.each([
    ['no text_input', [{ ...text([1], ['a']), name: 'x' }], 'inputs: no tensor named text_input'],
    ['wrong type', [text([1], ['a'], 'FP32')], 'inputs[0].datatype: expected BYTES, got FP32'],
    [
      'wide rows',
      [text([1, 2], ['a', 'b'])],
      'inputs[0].shape: expected [B] or [B, 1], got [1, 2]',
    ],
    ['too few values', [text([3, 1], ['a'])], 'inputs[0].data: 1 values for shape [3, 1]'],
    ['not a string', [text([1, 1], [7])], 'inputs[0].data[0]: expected a string'],
    ['empty batch', [text([0, 1], [])], 'inputs[0].shape: the batch dimension must be at least 1'],
    [
      'bad max_tokens',
      [text([1], ['a']), { name: 'max_tokens', shape: [1], datatype: 'INT32', data: [0] }],
      'inputs[1].data[0]: expected a positive integer',
    ],
    [
      'max_tokens rows',
      [
        text([2], ['a', 'b']),
        { name: 'max_tokens', shape: [3], datatype: 'INT32', data: [1, 2, 3] },
      ],
      'inputs[1].shape: expected [2, 1] (one per row) or [1], got [3]',
    ],
  ])('%s → 400', (_name, inputs, message) => {
    let error: unknown;
    try {
      rowsOf({ inputs });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ status: 400, code: 'invalid_body', message });
  });
});

it('a chat is one prompt: role lines, then assistant:', () => {
  expect(
    chatPrompt([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: [{ type: 'text', text: 'hi' }] },
    ]),
  ).toBe('system: be brief\nuser: hi\nassistant:');
});

it.each([
  [{}, false],
  [{ temperature: 1 }, false],
  [{ temperature: 0 }, true],
  [{ temperature: 0.7, seed: 3 }, true],
])('isDeterministic(%j) = %s', (body, expected) => {
  expect(isDeterministic(body)).toBe(expected);
});

it('a cached text streams as words with the space before each', () => {
  expect(tokensOf('tok tok  tok')).toEqual(['tok', ' tok', '  tok']);
  expect(tokensOf('')).toEqual([]);
});

it.each([
  ['tok tok ', ['tok', ' tok ']],
  ['a\n\n', ['a\n\n']],
  [' a b\t', [' a', ' b\t']],
  ['   ', ['   ']],
])('a cached text %j streams whole, trailing whitespace on the last token', (text, tokens) => {
  expect(tokensOf(text)).toEqual(tokens);
  expect(tokensOf(text).join('')).toBe(text);
});

describe('configuration', () => {
  it('fills defaults', () => {
    const config = parseSidecarFile({ models: { m: { max_batch_size: 4 } } }, 'f.yaml');
    expect(config.models.m).toMatchObject({
      max_batch_size: 4,
      max_queue_delay_ms: 5,
      timeout_ms: 30_000,
    });
    expect(config.defaults.max_batch_size).toBe(8);
    expect(config.cache.enabled).toBe(true);
  });

  it.each([
    [{ models: { m: { max_batch_size: 0 } } }, 'f.yaml: models.m.max_batch_size'],
    [
      { rate_limits: { api_key: { default: { rate_per_sec: -1, burst: 1 } } } },
      'f.yaml: rate_limits.api_key.default.rate_per_sec',
    ],
    [{ backend: 'triton' }, 'f.yaml: backend'],
    [{ defaults: { max_batch: 8 } }, 'f.yaml: defaults'],
  ])('%j is refused naming %s', (file, where) => {
    expect(() => parseSidecarFile(file, 'f.yaml')).toThrow(where);
  });

  it('an upstream backend needs --upstream; flags win over the file', () => {
    expect(() => resolveSidecarConfig({ backend: 'openai' })).toThrow('--upstream');
    const config = resolveSidecarConfig({ backend: 'kserve', upstream: 'http://x:1', port: 0 });
    expect(config).toMatchObject({
      backend: 'kserve',
      upstream: 'http://x:1',
      port: 0,
      host: '127.0.0.1',
    });
  });
});
