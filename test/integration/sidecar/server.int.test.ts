// The sidecar server over real HTTP on loopback, with the emulated device (bench profile) and
// real timers: OpenAI completions and chat (JSON and SSE), KServe v2 infer, validation, queue
// and rate limits, the cache, client disconnects, /metrics and the health endpoints.
import {
  closeSidecars,
  gatedBackend,
  post,
  sseData,
  startTestSidecar,
  waitFor,
} from '../../helpers/sidecar';

afterEach(closeSidecars);

describe('OpenAI completions', () => {
  it('concurrent clients each get their own answer while batches form', async () => {
    const sidecar = await startTestSidecar();
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        post(`${sidecar.url}/v1/completions`, { model: 'm', prompt: `p${i}`, max_tokens: i + 1 }),
      ),
    );
    answers.forEach((answer, i) => {
      expect(answer.status).toBe(200);
      expect(answer.body.choices).toEqual([
        expect.objectContaining({
          index: 0,
          text: Array(i + 1)
            .fill('tok')
            .join(' '),
        }),
      ]);
      expect(answer.body.usage.completion_tokens).toBe(i + 1);
    });
    expect(Math.max(...sidecar.records.map((r) => r.batchSize ?? 0))).toBeGreaterThan(1);
    expect(sidecar.records).toHaveLength(12);
    expect(
      sidecar.records.every((r) => r.outcome === 'ok' && r.operation === 'text_completion'),
    ).toBe(true);
  });

  it('a list prompt is answered together, choices in prompt order; max_tokens defaults to 16', async () => {
    const sidecar = await startTestSidecar();
    const answer = await post(`${sidecar.url}/v1/completions`, {
      model: 'm',
      prompt: ['a', 'b c', 'd'],
    });
    expect(answer.status).toBe(200);
    expect(answer.body.object).toBe('text_completion');
    expect(answer.body.choices.map((c: { index: number }) => c.index)).toEqual([0, 1, 2]);
    expect(answer.body.choices[0].text.split(' ')).toHaveLength(16);
    expect(answer.body.choices[0].finish_reason).toBe('length');
    expect(answer.body.usage).toEqual({
      prompt_tokens: 4,
      completion_tokens: 48,
      total_tokens: 52,
    });
    expect(sidecar.records.map((r) => r.batchSize)).toEqual([3, 3, 3]);
    // The answer's id names each prompt's record, so feedback on the answer finds its requests.
    expect(answer.body.id).toMatch(/^cmpl-/);
    expect(sidecar.records.map((r) => r.responseId)).toEqual(Array(3).fill(answer.body.id));
  });

  it('streams one chunk per token with the choice index, ending with [DONE]', async () => {
    const sidecar = await startTestSidecar();
    const res = await post(`${sidecar.url}/v1/completions`, {
      model: 'm',
      prompt: ['x', 'y'],
      max_tokens: 3,
      stream: true,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const data = sseData(res.text);
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d));
    for (const index of [0, 1]) {
      const mine = chunks
        .flatMap((c) => c.choices)
        .filter((c: { index: number }) => c.index === index);
      expect(mine.map((c: { text: string }) => c.text).join('')).toBe('tok tok tok');
      expect(mine.at(-1).finish_reason).toBe('length');
    }
    expect(sidecar.records.every((r) => r.stream && r.ttftMs !== null)).toBe(true);
  });
});

describe('OpenAI chat completions', () => {
  const body = { model: 'm', messages: [{ role: 'user', content: 'hi there' }], max_tokens: 2 };

  it('answers a chat.completion', async () => {
    const sidecar = await startTestSidecar();
    const res = await post(`${sidecar.url}/v1/chat/completions`, body);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      object: 'chat.completion',
      choices: [
        { index: 0, message: { role: 'assistant', content: 'tok tok' }, finish_reason: 'length' },
      ],
    });
    expect(sidecar.records[0]).toMatchObject({ operation: 'chat', outcome: 'ok', inputTokens: 4 });
    expect(res.body.id).toMatch(/^chatcmpl-/);
    expect(sidecar.records[0]?.responseId).toBe(res.body.id);
  });

  it('streams chat.completion.chunk deltas', async () => {
    const sidecar = await startTestSidecar();
    const res = await post(`${sidecar.url}/v1/chat/completions`, { ...body, stream: true });
    const data = sseData(res.text);
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d));
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks.map((c) => c.choices[0].delta)).toEqual([
      { role: 'assistant', content: 'tok' },
      { content: ' tok' },
      {},
    ]);
    expect(chunks.at(-1).choices[0].finish_reason).toBe('length');
  });
});

describe('KServe v2', () => {
  it('infers a [B, 1] text_input, one row per request, text_output [B, 1]', async () => {
    const sidecar = await startTestSidecar();
    const res = await post(`${sidecar.url}/v2/models/m/infer`, {
      id: 'r1',
      inputs: [
        { name: 'text_input', shape: [3, 1], datatype: 'BYTES', data: [['a'], ['b'], ['c']] },
        { name: 'max_tokens', shape: [3, 1], datatype: 'INT32', data: [1, 2, 3] },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      model_name: 'm',
      model_version: 'emulated-1',
      id: 'r1',
      outputs: [
        {
          name: 'text_output',
          datatype: 'BYTES',
          shape: [3, 1],
          data: ['tok', 'tok tok', 'tok tok tok'],
        },
      ],
    });
    expect(sidecar.records.map((r) => [r.operation, r.batchSize, r.responseId])).toEqual([
      ['infer', 3, 'r1'],
      ['infer', 3, 'r1'],
      ['infer', 3, 'r1'],
    ]);
  });

  it('health, readiness and model metadata', async () => {
    const sidecar = await startTestSidecar({ models: { m: {} } });
    expect((await fetch(`${sidecar.url}/v2/health/live`)).status).toBe(200);
    expect((await fetch(`${sidecar.url}/v2/health/ready`)).status).toBe(200);
    const meta = await (await fetch(`${sidecar.url}/v2/models/m`)).json();
    expect(meta).toMatchObject({ name: 'm', versions: ['emulated-1'], platform: 'emulated' });
    expect((await fetch(`${sidecar.url}/v2/models/other`)).status).toBe(404);
    const notReady = await startTestSidecar({}, { backend: gatedBackend(false) });
    const ready = await fetch(`${notReady.url}/v2/health/ready`);
    expect([ready.status, await ready.json()]).toEqual([503, { ready: false }]);
  });
});

describe('validation', () => {
  it.each([
    ['/v1/completions', { model: 'm' }, 'prompt'],
    ['/v1/completions', { model: 'm', prompt: 'a', max_tokens: 0 }, 'max_tokens'],
    ['/v1/completions', { prompt: 'a' }, 'model'],
    ['/v1/chat/completions', { model: 'm', messages: [] }, 'messages'],
    [
      '/v1/chat/completions',
      { model: 'm', messages: [{ role: 'bot', content: 'x' }] },
      'messages.0.role',
    ],
    [
      '/v2/models/m/infer',
      { inputs: [{ name: 'text_input', shape: [1, 1], datatype: 'FP32', data: [1] }] },
      'inputs[0].datatype',
    ],
    [
      '/v2/models/m/infer',
      { inputs: [{ name: 'text_input', shape: [2, 1], datatype: 'BYTES', data: ['a'] }] },
      'inputs[0].data',
    ],
    [
      '/v2/models/m/infer',
      { inputs: [{ name: 'other', shape: [1], datatype: 'BYTES', data: ['a'] }] },
      'text_input',
    ],
  ])('%s %j → 400 naming %s', async (path, body, field) => {
    const sidecar = await startTestSidecar();
    const res = await post(`${sidecar.url}${path}`, body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_body');
    expect(res.body.error.message).toContain(field);
    expect(sidecar.records).toEqual([expect.objectContaining({ outcome: 'invalid_request' })]);
  });

  it('a bad x-priority or x-request-timeout-ms header is a 400 naming the header', async () => {
    const sidecar = await startTestSidecar({ defaults: { priority_levels: 2 } });
    const body = { model: 'm', prompt: 'a' };
    const bad = await post(`${sidecar.url}/v1/completions`, body, { 'x-priority': '2' });
    expect([bad.status, bad.body.error.message]).toEqual([
      400,
      expect.stringContaining('x-priority'),
    ]);
    const slow = await post(`${sidecar.url}/v1/completions`, body, {
      'x-request-timeout-ms': '-1',
    });
    expect(slow.body.error.message).toContain('x-request-timeout-ms');
    // Past 2^31 - 1 ms a Node timer fires at once: refused, not timed out in a millisecond.
    const huge = await post(`${sidecar.url}/v1/completions`, body, {
      'x-request-timeout-ms': '3000000000',
    });
    expect([huge.status, huge.body.error.message]).toEqual([
      400,
      'x-request-timeout-ms: expected a whole number of milliseconds from 1 to 2147483647, got "3000000000"',
    ]);
  });
});

describe('admission', () => {
  it('a full queue answers 503 with Retry-After', async () => {
    const backend = gatedBackend();
    const sidecar = await startTestSidecar(
      { defaults: { max_batch_size: 1, max_queue_size: 1 } },
      { backend },
    );
    const first = post(`${sidecar.url}/v1/completions`, { model: 'm', prompt: 'a' });
    await waitFor(() => backend.batches.length === 1);
    const second = post(`${sidecar.url}/v1/completions`, { model: 'm', prompt: 'b' });
    await waitFor(async () =>
      (await metricsText(sidecar.url)).includes('insightagent_sidecar_queue_depth{model="m"} 1'),
    );
    const third = await post(`${sidecar.url}/v1/completions`, { model: 'm', prompt: 'c' });
    expect(third.status).toBe(503);
    expect(third.body.error.code).toBe('queue_full');
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    backend.release();
    expect((await first).body.choices[0].text).toBe('echo:a');
    expect((await second).body.choices[0].text).toBe('echo:b');
    expect(sidecar.records.map((r) => r.outcome).sort()).toEqual(['ok', 'ok', 'queue_full']);
    // A refusal answered no completion: its record names no answer id.
    expect(sidecar.records.find((r) => r.outcome === 'queue_full')?.responseId).toBeNull();
  });

  it('a rate limit answers 429 with the exact Retry-After, per API key and request type', async () => {
    let now = 1_000_000;
    const sidecar = await startTestSidecar(
      {
        rate_limits: {
          api_key: { default: { rate_per_sec: 0.25, burst: 1 } },
          request_type: {
            default: { rate_per_sec: 100, burst: 100 },
            overrides: { batch: { rate_per_sec: 0.1, burst: 1 } },
          },
        },
      },
      { now: () => now },
    );
    const ask = (headers: Record<string, string>) =>
      post(`${sidecar.url}/v1/completions`, { model: 'm', prompt: 'a', max_tokens: 1 }, headers);
    expect((await ask({ authorization: 'Bearer k1' })).status).toBe(200);
    const refused = await ask({ authorization: 'Bearer k1' });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    expect(refused.headers.get('retry-after')).toBe('4');
    now += 1_500; // 2.5 s left → 3
    expect((await ask({ authorization: 'Bearer k1' })).headers.get('retry-after')).toBe('3');
    expect((await ask({ authorization: 'Bearer k2' })).status).toBe(200);
    expect((await ask({ 'x-request-type': 'batch' })).status).toBe(200);
    const typed = await ask({ 'x-request-type': 'batch' });
    expect([typed.status, typed.headers.get('retry-after')]).toEqual([429, '10']);
    now += 4_000;
    expect((await ask({ authorization: 'Bearer k1' })).status).toBe(200);
    expect(sidecar.records.filter((r) => r.outcome === 'rate_limited')).toHaveLength(3);
  });
});

describe('deadlines', () => {
  it('sheds early with 503 + Retry-After when the predicted wait exceeds the timeout', async () => {
    const sidecar = await startTestSidecar({ defaults: { max_batch_size: 1 } });
    const url = `${sidecar.url}/v1/completions`;
    const body = { model: 'm', prompt: 'a', max_tokens: 1 };
    expect((await post(url, body)).status).toBe(200); // one batch (~22 ms) sets the estimate
    const shed = await post(url, body, { 'x-request-timeout-ms': '5' });
    expect(shed.status).toBe(503);
    expect(shed.body.error.code).toBe('shed');
    expect(shed.headers.get('retry-after')).toBe('1');
    expect((await post(url, body, { 'x-request-timeout-ms': '5000' })).status).toBe(200);
    expect(sidecar.records.map((r) => r.outcome)).toEqual(['ok', 'shed', 'ok']);
  });

  it('a request still unanswered at its x-request-timeout-ms gets 504', async () => {
    const backend = gatedBackend();
    const sidecar = await startTestSidecar({}, { backend });
    const res = await post(
      `${sidecar.url}/v1/completions`,
      { model: 'm', prompt: 'a' },
      {
        'x-request-timeout-ms': '50',
      },
    );
    expect([res.status, res.body.error.code]).toEqual([504, 'request_timeout']);
    expect(sidecar.records[0]).toMatchObject({ outcome: 'request_timeout', batchSize: null });
    backend.release();
  });

  it('a model not in the models: list is a 404, counted under the (other) label', async () => {
    const sidecar = await startTestSidecar({ models: { m: {} } });
    const res = await post(`${sidecar.url}/v1/completions`, { model: 'nope', prompt: 'a' });
    expect([res.status, res.body.error.code]).toEqual([404, 'model_not_found']);
    expect(sidecar.records[0]).toMatchObject({ model: 'nope', outcome: 'model_not_found' });
    expect(await metricsText(sidecar.url)).toContain(
      'insightagent_sidecar_rejections_total{model="(other)",reason="model_not_found"} 1',
    );
  });
});

describe('cache', () => {
  it('answers the second identical deterministic request from the cache, streamed or not; flush empties it', async () => {
    const sidecar = await startTestSidecar();
    const body = { model: 'm', prompt: 'same', max_tokens: 3, temperature: 0 };
    const url = `${sidecar.url}/v1/completions`;
    const first = await post(url, body);
    expect(first.headers.get('x-cache')).toBe('miss');
    const second = await post(url, { ...body, user: 'someone' });
    expect(second.headers.get('x-cache')).toBe('hit');
    expect(second.body.choices[0].text).toBe(first.body.choices[0].text);
    // A batched answer tells its queue time, the part of it the device was busy (none: idle),
    // backend time (bench: 20 + 2 x 1 ms, as the device measured it), its time inside the
    // sidecar and batch size; a cache hit was not batched.
    const timing = first.headers.get('server-timing') ?? '';
    expect(timing).toMatch(
      /^queue;dur=[\d.]+, device;dur=0, backend;dur=[\d.]+, sidecar;dur=[\d.]+, batch;desc="size 1"$/,
    );
    const dur = (name: string) => Number(new RegExp(`${name};dur=([\\d.]+)`).exec(timing)?.[1]);
    expect(dur('backend')).toBeGreaterThanOrEqual(22);
    expect(dur('backend')).toBeLessThan(22 + 20);
    expect(dur('sidecar')).toBeGreaterThanOrEqual(dur('queue') + dur('backend'));
    expect(second.headers.get('server-timing')).toBeNull();
    const streamed = await post(url, { ...body, stream: true });
    expect(streamed.headers.get('x-cache')).toBe('hit');
    const chunks = sseData(streamed.text)
      .slice(0, -1)
      .map((d) => JSON.parse(d).choices[0].text);
    expect(chunks).toEqual(['tok', ' tok', ' tok', '']);
    expect(sidecar.records.map((r) => r.cacheHit)).toEqual([false, true, true]);
    // Not deterministic: never cached.
    await post(url, { ...body, temperature: 1 });
    expect((await post(url, { ...body, temperature: 1 })).headers.get('x-cache')).toBe('miss');
    const flushed = await post(`${sidecar.url}/admin/cache/flush`, { model: 'm' });
    expect(flushed.body).toEqual({ flushed: 1, model: 'm' });
    expect((await post(url, body)).headers.get('x-cache')).toBe('miss');
    expect((await post(url, body)).headers.get('x-cache')).toBe('hit');
    expect((await post(`${sidecar.url}/admin/cache/flush`, {})).body).toEqual({ flushed: 1 });
  });
});

describe('client disconnect', () => {
  it('drops a queued request from the batcher when its client goes away', async () => {
    const backend = gatedBackend();
    const sidecar = await startTestSidecar({ defaults: { max_batch_size: 1 } }, { backend });
    const first = post(`${sidecar.url}/v1/completions`, { model: 'm', prompt: 'kept' });
    await waitFor(() => backend.batches.length === 1);
    const gone = new AbortController();
    const abandoned = post(
      `${sidecar.url}/v1/completions`,
      { model: 'm', prompt: 'dropped' },
      {},
      gone.signal,
    );
    await waitFor(async () =>
      (await metricsText(sidecar.url)).includes('queue_depth{model="m"} 1'),
    );
    gone.abort();
    await expect(abandoned).rejects.toThrow();
    await waitFor(() => sidecar.records.some((r) => r.outcome === 'cancelled'));
    expect(await metricsText(sidecar.url)).toContain('queue_depth{model="m"} 0');
    backend.release();
    expect((await first).body.choices[0].text).toBe('echo:kept');
    expect(backend.batches).toEqual([['kept']]);
  });
});

describe('/metrics', () => {
  it('exposes queue depth, in-flight batches, batch sizes, outcomes, rejections and cache lookups', async () => {
    const sidecar = await startTestSidecar({
      rate_limits: { api_key: { default: { rate_per_sec: 0.001, burst: 1 } } },
    });
    const url = `${sidecar.url}/v1/completions`;
    const body = { model: 'm', prompt: ['a', 'b'], max_tokens: 1, seed: 7 };
    await post(url, body, { authorization: 'Bearer k' });
    await post(url, body, { authorization: 'Bearer k' });
    await post(url, body);
    const text = await metricsText(sidecar.url);
    for (const line of [
      'insightagent_sidecar_queue_depth{model="m"} 0',
      'insightagent_sidecar_inflight_batches{model="m"} 0',
      'insightagent_sidecar_batch_size_bucket{le="2",model="m"} 1',
      'insightagent_sidecar_requests_total{model="m",operation="text_completion",outcome="ok"} 4',
      'insightagent_sidecar_requests_total{model="m",operation="text_completion",outcome="rate_limited"} 2',
      'insightagent_sidecar_rejections_total{model="m",reason="rate_limited"} 2',
      'insightagent_sidecar_cache_lookups_total{model="m",result="miss"} 2',
      'insightagent_sidecar_cache_lookups_total{model="m",result="hit"} 2',
      'insightagent_sidecar_cache_entries 2',
    ])
      expect(text).toContain(line);
  });
});

async function metricsText(url: string): Promise<string> {
  return (await fetch(`${url}/metrics`)).text();
}
