// The kserve backend against a local server speaking the Open Inference Protocol (v2): a batch
// arrives as one infer request with a leading batch dimension, and each request gets its row;
// sampling params go as the request's `parameters`, one request per group of equal params; the
// model version is the metadata's highest, and infer calls go to it.
import { createServer, type Server } from 'node:http';
import { kserveBackend } from '../../../src/sidecar/backends/kserve';

let server: Server;
let url = '';
const received: unknown[] = [];
let answerShape: 'right' | 'short' = 'right';
let versions: string[] = ['1'];

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/v2/health/ready')
      return void res.writeHead(200).end();
    if (req.method === 'GET' && req.url === '/v2/models/chimera') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ name: 'chimera', versions, platform: 'python' }));
    }
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      const body = JSON.parse(raw) as {
        parameters?: Record<string, unknown>;
        inputs: { name: string; shape: number[]; data: unknown[] }[];
      };
      received.push({ url: req.url, body });
      const text = body.inputs.find((t) => t.name === 'text_input');
      const rows = (text?.data ?? []).map((p, i) => `${String(p).toUpperCase()}-${i}`);
      const data = answerShape === 'right' ? rows : rows.slice(1);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          model_name: 'chimera',
          outputs: [{ name: 'text_output', shape: [data.length, 1], datatype: 'BYTES', data }],
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const request = (prompt: string) => ({ model: 'chimera', prompt, maxTokens: 8, inputTokens: 1 });

it('a batch is one infer request [B, 1] and row i answers request i', async () => {
  const backend = kserveBackend({ url });
  const results = await backend.runBatch(
    [request('a b'), request('c'), request('d')],
    new AbortController().signal,
  );
  expect(received).toEqual([
    {
      url: '/v2/models/chimera/infer',
      body: {
        inputs: [
          { name: 'text_input', shape: [3, 1], datatype: 'BYTES', data: ['a b', 'c', 'd'] },
          { name: 'max_tokens', shape: [3, 1], datatype: 'INT32', data: [8, 8, 8] },
        ],
        outputs: [{ name: 'text_output' }],
      },
    },
  ]);
  expect(results.map((r) => [r.text, r.outputTokens])).toEqual([
    ['A B-0', 2],
    ['C-1', 1],
    ['D-2', 1],
  ]);
  expect(await backend.ready()).toBe(true);
});

it('an answer with the wrong number of rows is refused, naming the shape', async () => {
  answerShape = 'short';
  await expect(
    kserveBackend({ url }).runBatch([request('a'), request('b')], new AbortController().signal),
  ).rejects.toThrow('upstream text_output has shape [1, 1] with 1 values; expected [2, 1]');
  answerShape = 'right';
});

it('sampling params go as v2 parameters; mixed params are one infer per group, rows in order', async () => {
  received.length = 0;
  const greedy = { temperature: 0, topP: 0.5, seed: 7, stop: ['\n', 'END'] };
  const results = await kserveBackend({ url }).runBatch(
    [{ ...request('a'), ...greedy }, request('b'), { ...request('c'), ...greedy }],
    new AbortController().signal,
  );
  const bodies = (
    received as Array<{ body: { parameters?: unknown; inputs: { data: unknown[] }[] } }>
  )
    .map((r) => ({ parameters: r.body.parameters, prompts: r.body.inputs[0]?.data }))
    .sort((x, y) => String(x.prompts).localeCompare(String(y.prompts)));
  expect(bodies).toEqual([
    {
      parameters: { temperature: 0, top_p: 0.5, seed: 7, stop: '["\\n","END"]' },
      prompts: ['a', 'c'],
    },
    { parameters: undefined, prompts: ['b'] },
  ]);
  expect(results.map((r) => r.text)).toEqual(['A-0', 'B-0', 'C-1']);
});

it('the version is the highest the metadata lists, asked again when stale; infer goes to it', async () => {
  received.length = 0;
  let clock = 0;
  const backend = kserveBackend({ url, versionRefresh: { now: () => clock } });
  versions = ['1', '3', '2'];
  expect(await backend.versionOf?.('chimera')).toBe('3');
  expect(backend.modelVersion).toBe('3');
  await backend.runBatch([request('a')], new AbortController().signal);
  versions = ['3', '10'];
  clock += 29_999;
  expect(await backend.versionOf?.('chimera')).toBe('3');
  clock += 1;
  expect(await backend.versionOf?.('chimera')).toBe('10');
  await backend.runBatch([request('b')], new AbortController().signal);
  expect((received as Array<{ url: string }>).map((r) => r.url)).toEqual([
    '/v2/models/chimera/versions/3/infer',
    '/v2/models/chimera/versions/10/infer',
  ]);
  versions = ['1'];
});

it('a failed batch makes the next version lookup ask the upstream again', async () => {
  const backend = kserveBackend({ url, versionRefresh: { now: () => 0 } });
  expect(await backend.versionOf?.('chimera')).toBe('1');
  versions = ['2'];
  expect(await backend.versionOf?.('chimera')).toBe('1');
  answerShape = 'short';
  await expect(
    backend.runBatch([request('a'), request('b')], new AbortController().signal),
  ).rejects.toThrow('expected [2, 1]');
  answerShape = 'right';
  expect(await backend.versionOf?.('chimera')).toBe('2');
  versions = ['1'];
});

it('a fixed version is not asked and does not pin the infer call', async () => {
  received.length = 0;
  const backend = kserveBackend({ url, modelVersion: 'release-7' });
  expect(backend.versionOf).toBeUndefined();
  expect(backend.modelVersion).toBe('release-7');
  await backend.runBatch([request('a')], new AbortController().signal);
  expect((received as Array<{ url: string }>).map((r) => r.url)).toEqual([
    '/v2/models/chimera/infer',
  ]);
});
