// Admission over real HTTP: a request with more prompts (list items, KServe rows) than the queue
// can ever hold is 413, not a 503 to retry; rate limits apply to clients without the headers.
import { closeSidecars, post, startTestSidecar } from '../../helpers/sidecar';

afterEach(closeSidecars);

describe('more prompts than max_queue_size', () => {
  it('a list prompt longer than max_queue_size is 413 naming the count and the limit', async () => {
    const sidecar = await startTestSidecar({ defaults: { max_queue_size: 2 } });
    const res = await post(`${sidecar.url}/v1/completions`, {
      model: 'm',
      prompt: ['a', 'b', 'c'],
      max_tokens: 1,
    });
    expect([res.status, res.body.error.code]).toEqual([413, 'payload_too_large']);
    expect(res.headers.get('retry-after')).toBeNull();
    expect(res.body.error.message).toContain('3 prompts');
    expect(res.body.error.message).toContain('max_queue_size 2');
    // Recorded (and counted) as the caller's mistake, one record per prompt.
    expect(sidecar.records.map((r) => r.outcome)).toEqual(Array(3).fill('invalid_request'));
    expect(await (await fetch(`${sidecar.url}/metrics`)).text()).toContain(
      'insightagent_sidecar_rejections_total{model="m",reason="invalid_request"} 3',
    );
    // At the limit it is served.
    const fits = await post(`${sidecar.url}/v1/completions`, {
      model: 'm',
      prompt: ['a', 'b'],
      max_tokens: 1,
    });
    expect(fits.status).toBe(200);
  });

  it('a KServe request with more rows than max_queue_size is 413 naming the count and the limit', async () => {
    const sidecar = await startTestSidecar({ models: { m: { max_queue_size: 4 } } });
    const infer = (rows: number) =>
      post(`${sidecar.url}/v2/models/m/infer`, {
        inputs: [
          {
            name: 'text_input',
            shape: [rows, 1],
            datatype: 'BYTES',
            data: Array.from({ length: rows }, (_, i) => [`r${i}`]),
          },
        ],
        parameters: { max_tokens: 1 },
      });
    const res = await infer(5);
    expect([res.status, res.body.error.code]).toEqual([413, 'payload_too_large']);
    expect(res.body.error.message).toContain('5 prompts');
    expect(res.body.error.message).toContain('max_queue_size 4');
    expect(res.headers.get('retry-after')).toBeNull();
    expect((await infer(4)).status).toBe(200);
  });
});

describe('rate limits without the headers', () => {
  it('clients without x-request-type or Authorization share one bucket per dimension', async () => {
    const now = 1_000_000;
    const sidecar = await startTestSidecar(
      {
        rate_limits: {
          api_key: { default: { rate_per_sec: 0.5, burst: 1 } },
          request_type: { default: { rate_per_sec: 0.25, burst: 2 } },
        },
      },
      { now: () => now },
    );
    const ask = (headers: Record<string, string> = {}) =>
      post(`${sidecar.url}/v1/completions`, { model: 'm', prompt: 'a', max_tokens: 1 }, headers);
    expect((await ask()).status).toBe(200);
    // No Authorization: the one `anonymous` API-key bucket (burst 1) is empty now.
    const anonymous = await ask();
    expect([anonymous.status, anonymous.headers.get('retry-after')]).toEqual([429, '2']);
    // A key of its own passes the API-key limit, but no x-request-type is the `default` type,
    // whose bucket (burst 2) the first request already took from.
    expect((await ask({ authorization: 'Bearer k1' })).status).toBe(200);
    const untyped = await ask({ authorization: 'Bearer k2' });
    expect([untyped.status, untyped.headers.get('retry-after')]).toEqual([429, '4']);
  });
});
