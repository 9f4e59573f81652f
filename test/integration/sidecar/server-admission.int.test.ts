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
    expect(sidecar.records.map((r) => r.outcome)).toEqual(Array(3).fill('payload_too_large'));
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
