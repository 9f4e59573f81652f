// Models without a models: list over real HTTP: GET routes and refused requests make no batcher,
// and past the bound of 64 idle batchers are dropped, so junk names never lock a real model out.
import { closeSidecars, post, startTestSidecar } from '../../helpers/sidecar';

afterEach(closeSidecars);

const ask = (url: string, model: string, headers: Record<string, string> = {}) =>
  post(`${url}/v1/completions`, { model, prompt: 'a', max_tokens: 1 }, headers);

async function servedModels(url: string): Promise<string[]> {
  const body = (await (await fetch(`${url}/v1/models`)).json()) as { data: { id: string }[] };
  return body.data.map((m) => m.id);
}

describe('lazily made batchers', () => {
  it('KServe metadata and readiness of 100 junk names make no batcher', async () => {
    const sidecar = await startTestSidecar();
    for (let i = 0; i < 100; i++) {
      expect((await fetch(`${sidecar.url}/v2/models/junk-${i}/ready`)).status).toBe(200);
      expect((await fetch(`${sidecar.url}/v2/models/junk-${i}`)).status).toBe(200);
    }
    expect(await servedModels(sidecar.url)).toEqual([]);
    expect((await ask(sidecar.url, 'real')).status).toBe(200);
    expect(await servedModels(sidecar.url)).toEqual(['real']);
  });

  it('requests refused for a bad header or a rate limit make no batcher', async () => {
    const sidecar = await startTestSidecar({
      rate_limits: { api_key: { default: { rate_per_sec: 0.001, burst: 1 } } },
    });
    const key = { authorization: 'Bearer k' };
    expect((await ask(sidecar.url, 'first', key)).status).toBe(200);
    for (let i = 0; i < 70; i++) {
      expect((await ask(sidecar.url, `junk-${i}`, key)).status).toBe(429);
      const bad = await ask(sidecar.url, `bad-${i}`, { 'x-priority': '9' });
      expect(bad.status).toBe(400);
    }
    expect(await servedModels(sidecar.url)).toEqual(['first']);
    expect((await ask(sidecar.url, 'real', { authorization: 'Bearer other' })).status).toBe(200);
  });

  it('past 64 models the least recently used idle batcher is dropped, with its metric series', async () => {
    const sidecar = await startTestSidecar();
    for (let i = 0; i < 70; i++) expect((await ask(sidecar.url, `model-${i}`)).status).toBe(200);
    const served = await servedModels(sidecar.url);
    expect(served).toHaveLength(64);
    expect(served).not.toContain('model-0');
    expect(served).toContain('model-69');
    const metrics = await (await fetch(`${sidecar.url}/metrics`)).text();
    expect(metrics).not.toContain('model="model-0"');
    expect(metrics).toContain(
      'insightagent_sidecar_requests_total{model="model-69",operation="text_completion",outcome="ok"} 1',
    );
    // A dropped model is served again on its next request.
    expect((await ask(sidecar.url, 'model-0')).status).toBe(200);
  });
});
