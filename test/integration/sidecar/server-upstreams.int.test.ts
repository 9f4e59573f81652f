// The sidecar in front of real upstreams on loopback: the local OpenAI completions server (a
// batch is one list-prompt request) and a local KServe v2 server (a batch is one [B, 1] infer);
// concurrent clients each get their own answer and the upstream sees batches larger than 1; the
// client's sampling params reach the upstream; a redeploy of the upstream's model (a new version
// reported) means the cache never answers with the old deployment's text.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { kserveBackend } from '../../../src/sidecar/backends/kserve';
import { openaiBackend } from '../../../src/sidecar/backends/openai';
import { type OpenAiServer, startOpenAiServer } from '../../helpers/openai-server';
import { closeSidecars, post, sseData, startTestSidecar } from '../../helpers/sidecar';

afterEach(closeSidecars);

/** Answers GET /v2/models/chimera (the model's metadata) with `versions`; false for another request. */
function metadata(req: IncomingMessage, res: ServerResponse, versions: string[]): boolean {
  if (req.method !== 'GET' || req.url !== '/v2/models/chimera') return false;
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ name: 'chimera', versions, platform: 'vllm' }));
  return true;
}

describe('openai upstream', () => {
  let upstream: OpenAiServer;
  beforeAll(async () => {
    upstream = await startOpenAiServer({ firstTokenMs: () => 10, tokenMs: 2 });
  });
  afterAll(() => upstream.close());

  it('concurrent completions are batched into list prompts and each client gets its own', async () => {
    const sidecar = await startTestSidecar(
      { defaults: { max_queue_delay_ms: 10 } },
      { config: { backend: 'openai', upstream: upstream.url } },
    );
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        post(`${sidecar.url}/v1/completions`, { model: 'chimera', prompt: `q${i}`, max_tokens: 2 }),
      ),
    );
    answers.forEach((answer, i) => {
      expect(answer.status).toBe(200);
      expect(answer.body.choices[0].text).toBe(`q${i}#0 q${i}#1`);
    });
    const sizes = upstream.bodies.map((b) => (Array.isArray(b.prompt) ? b.prompt.length : 1));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(10);
    expect(Math.max(...sizes)).toBeGreaterThan(1);
  });

  it("the client's temperature, top_p, seed and stop reach the upstream", async () => {
    upstream.bodies.length = 0;
    const sidecar = await startTestSidecar(
      {},
      { config: { backend: 'openai', upstream: upstream.url } },
    );
    const sampling = { temperature: 0, top_p: 0.25, seed: 11, stop: 'END' };
    const completion = await post(`${sidecar.url}/v1/completions`, {
      model: 'chimera',
      prompt: 'q',
      max_tokens: 2,
      ...sampling,
    });
    expect(completion.status).toBe(200);
    const chat = await post(`${sidecar.url}/v1/chat/completions`, {
      model: 'chimera',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 2,
      temperature: 0.3,
      stop: ['a', 'b'],
    });
    expect(chat.status).toBe(200);
    expect(upstream.bodies).toEqual([
      {
        model: 'chimera',
        prompt: ['q'],
        max_tokens: 2,
        temperature: 0,
        top_p: 0.25,
        seed: 11,
        stop: ['END'],
        stream: true,
      },
      {
        model: 'chimera',
        prompt: ['user: hi\nassistant:'],
        max_tokens: 2,
        temperature: 0.3,
        stop: ['a', 'b'],
        stream: true,
      },
    ]);
  });

  it('a redeploy between two identical deterministic requests: the second reaches the upstream', async () => {
    let clock = 0;
    const backend = openaiBackend({ url: upstream.url, versionRefresh: { now: () => clock } });
    const sidecar = await startTestSidecar({}, { backend });
    const ask = () =>
      post(`${sidecar.url}/v1/completions`, {
        model: 'chimera',
        prompt: 'same',
        max_tokens: 2,
        temperature: 0,
      });
    upstream.bodies.length = 0;
    expect((await ask()).headers.get('x-cache')).toBe('miss');
    expect((await ask()).headers.get('x-cache')).toBe('hit');
    const before = sidecar.records.at(-1)?.modelVersion;
    upstream.models = [{ id: 'chimera', root: '/models/chimera-2', max_model_len: 4096 }];
    clock += 30_000; // the version is asked again every 30 s
    const after = await ask();
    expect(after.headers.get('x-cache')).toBe('miss');
    expect(after.body.choices[0].text).toBe('same#0 same#1');
    expect(upstream.bodies.map((b) => b.prompt)).toEqual([['same'], ['same']]);
    expect(sidecar.records.at(-1)?.modelVersion).not.toBe(before);
    expect((await ask()).headers.get('x-cache')).toBe('hit');
    upstream.models = [{ id: 'chimera', root: '/models/chimera', max_model_len: 4096 }];
  });

  it('after a failed batch the version is asked again: a redeploy is seen at once', async () => {
    const backend = openaiBackend({ url: upstream.url, versionRefresh: { now: () => 0 } });
    const sidecar = await startTestSidecar({}, { backend });
    const ask = (prompt: string) =>
      post(`${sidecar.url}/v1/completions`, { model: 'chimera', prompt, max_tokens: 1, seed: 1 });
    expect((await ask('a')).status).toBe(200);
    expect((await ask('a')).headers.get('x-cache')).toBe('hit');
    upstream.models = [{ id: 'chimera', root: '/models/chimera-3', max_model_len: 4096 }];
    upstream.failWith = 503; // the old deployment going away
    expect((await ask('b')).status).toBe(502);
    upstream.failWith = undefined;
    upstream.bodies.length = 0;
    const after = await ask('a');
    expect(after.headers.get('x-cache')).toBe('miss');
    expect(upstream.bodies.map((b) => b.prompt)).toEqual([['a']]);
    upstream.models = [{ id: 'chimera', root: '/models/chimera', max_model_len: 4096 }];
  });

  it('model_version in the file is the version, whatever the upstream card says', async () => {
    const sidecar = await startTestSidecar(
      { model_version: 'chimera-2026-11-28' },
      { config: { backend: 'openai', upstream: upstream.url } },
    );
    const ask = () =>
      post(`${sidecar.url}/v1/completions`, {
        model: 'chimera',
        prompt: 'v',
        max_tokens: 1,
        seed: 3,
      });
    expect((await ask()).headers.get('x-cache')).toBe('miss');
    upstream.models = [{ id: 'chimera', root: '/models/chimera-9', max_model_len: 4096 }];
    // No refresh can change a fixed version: the cached answer still serves.
    expect((await ask()).headers.get('x-cache')).toBe('hit');
    expect(sidecar.records.map((r) => r.modelVersion)).toEqual([
      'chimera-2026-11-28',
      'chimera-2026-11-28',
    ]);
    upstream.models = [{ id: 'chimera', root: '/models/chimera', max_model_len: 4096 }];
  });

  it('streams a chat through the upstream token by token', async () => {
    const sidecar = await startTestSidecar(
      {},
      { config: { backend: 'openai', upstream: upstream.url } },
    );
    const res = await post(`${sidecar.url}/v1/chat/completions`, {
      model: 'chimera',
      messages: [{ role: 'user', content: 'hello' }],
      max_tokens: 3,
      stream: true,
    });
    const data = sseData(res.text);
    expect(data.at(-1)).toBe('[DONE]');
    const deltas = data.slice(0, -1).map((d) => JSON.parse(d).choices[0].delta.content ?? '');
    expect(deltas).toHaveLength(4);
    const prompt = 'user: hello\nassistant:';
    expect(deltas.join('')).toBe(`${prompt}#0 ${prompt}#1 ${prompt}#2`);
  });
});

describe('kserve upstream', () => {
  let server: Server;
  let url = '';
  const batches: number[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/v2/health/ready') return void res.writeHead(200).end();
      if (metadata(req, res, ['1'])) return;
      let raw = '';
      req.on('data', (c) => {
        raw += c;
      });
      req.on('end', () => {
        const body = JSON.parse(raw) as {
          inputs: { name: string; shape: number[]; data: string[] }[];
        };
        const text = body.inputs.find((t) => t.name === 'text_input') as {
          shape: number[];
          data: string[];
        };
        batches.push(text.shape[0] as number);
        const data = text.data.map((p) => p.toUpperCase());
        setTimeout(() => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              outputs: [{ name: 'text_output', shape: [data.length, 1], datatype: 'BYTES', data }],
            }),
          );
        }, 20);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('concurrent [B, 1] infers are stacked into upstream batches; each row answered in order', async () => {
    const sidecar = await startTestSidecar({}, { config: { backend: 'kserve', upstream: url } });
    expect((await fetch(`${sidecar.url}/v2/health/ready`)).status).toBe(200);
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        post(`${sidecar.url}/v2/models/chimera/infer`, {
          inputs: [
            { name: 'text_input', shape: [2, 1], datatype: 'BYTES', data: [`a${i}`, `b${i}`] },
          ],
        }),
      ),
    );
    answers.forEach((answer, i) => {
      expect(answer.status).toBe(200);
      expect(answer.body.outputs[0]).toEqual({
        name: 'text_output',
        datatype: 'BYTES',
        shape: [2, 1],
        data: [`A${i}`, `B${i}`],
      });
    });
    expect(batches.reduce((a, b) => a + b, 0)).toBe(12);
    expect(Math.max(...batches)).toBeGreaterThan(2);
  });
});

describe('kserve upstream sampling', () => {
  let server: Server;
  let url = '';
  const received: Array<{ url?: string | undefined; parameters?: unknown; prompts?: string[] }> =
    [];
  const versions = ['1'];
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (metadata(req, res, versions)) return;
      received.push({ url: req.url });
      let raw = '';
      req.on('data', (c) => {
        raw += c;
      });
      req.on('end', () => {
        const body = JSON.parse(raw) as {
          parameters?: unknown;
          inputs: { name: string; data: string[] }[];
        };
        const prompts = body.inputs.find((t) => t.name === 'text_input')?.data ?? [];
        Object.assign(received.at(-1) as object, { parameters: body.parameters, prompts });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            outputs: [
              { name: 'text_output', shape: [prompts.length, 1], datatype: 'BYTES', data: prompts },
            ],
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('parameters reach the upstream; requests differing only in top_p or stop are cached apart', async () => {
    const sidecar = await startTestSidecar({}, { config: { backend: 'kserve', upstream: url } });
    const infer = (extra: Record<string, unknown>) =>
      post(`${sidecar.url}/v2/models/chimera/infer`, {
        parameters: { temperature: 0, seed: 3, ...extra },
        inputs: [{ name: 'text_input', shape: [1], datatype: 'BYTES', data: ['p'] }],
      });
    for (const extra of [{ top_p: 0.5 }, { top_p: 0.9 }, { top_p: 0.9, stop: 'x' }]) {
      const res = await infer(extra);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-cache')).toBe('miss');
    }
    expect((await infer({ top_p: 0.9, stop: 'x' })).headers.get('x-cache')).toBe('hit');
    expect(received.map((r) => r.parameters)).toEqual([
      { temperature: 0, top_p: 0.5, seed: 3 },
      { temperature: 0, top_p: 0.9, seed: 3 },
      { temperature: 0, top_p: 0.9, seed: 3, stop: '["x"]' },
    ]);
  });
});

describe('kserve upstream versions', () => {
  let server: Server;
  let url = '';
  let versions = ['1'];
  const infers: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (metadata(req, res, versions)) return;
      if (req.method === 'GET' && req.url === '/v2/models/other') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ name: 'other', versions: ['7'] }));
      }
      infers.push(String(req.url));
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        const data = [`answer of ${req.url}`];
        res.end(
          JSON.stringify({
            outputs: [{ name: 'text_output', shape: [1, 1], datatype: 'BYTES', data }],
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('a new model version in the metadata: the same request misses and goes to the new version', async () => {
    let clock = 0;
    const backend = kserveBackend({ url, versionRefresh: { now: () => clock } });
    const sidecar = await startTestSidecar({}, { backend });
    const infer = () =>
      post(`${sidecar.url}/v2/models/chimera/infer`, {
        parameters: { temperature: 0 },
        inputs: [{ name: 'text_input', shape: [1], datatype: 'BYTES', data: ['p'] }],
      });
    const first = await infer();
    expect(first.body.outputs[0].data).toEqual(['answer of /v2/models/chimera/versions/1/infer']);
    expect((await infer()).headers.get('x-cache')).toBe('hit');
    versions = ['1', '2'];
    clock += 30_000;
    const second = await infer();
    expect(second.headers.get('x-cache')).toBe('miss');
    expect(second.body.outputs[0].data).toEqual(['answer of /v2/models/chimera/versions/2/infer']);
    expect(infers).toEqual([
      '/v2/models/chimera/versions/1/infer',
      '/v2/models/chimera/versions/2/infer',
    ]);
    expect(sidecar.records.map((r) => r.modelVersion)).toEqual(['1', '1', '2']);
  });

  it("each answer and each model's metadata name that model's own version", async () => {
    versions = ['1'];
    const sidecar = await startTestSidecar({}, { config: { backend: 'kserve', upstream: url } });
    const infer = (model: string) =>
      post(`${sidecar.url}/v2/models/${model}/infer`, {
        inputs: [{ name: 'text_input', shape: [1, 1], datatype: 'BYTES', data: ['v'] }],
      });
    const chimera = await infer('chimera');
    const other = await infer('other');
    expect(chimera.body.outputs[0].data).toEqual(['answer of /v2/models/chimera/versions/1/infer']);
    expect(other.body.outputs[0].data).toEqual(['answer of /v2/models/other/versions/7/infer']);
    expect([chimera.body.model_version, other.body.model_version]).toEqual(['1', '7']);
    const meta = async (model: string) =>
      ((await (await fetch(`${sidecar.url}/v2/models/${model}`)).json()) as { versions: string[] })
        .versions;
    expect([await meta('chimera'), await meta('other')]).toEqual([['1'], ['7']]);
  });
});
