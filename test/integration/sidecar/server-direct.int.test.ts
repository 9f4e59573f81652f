// The inference POSTs are served on node:http directly; a path the direct path does not take
// exactly (here: a trailing slash) reaches the same handler through express. Both must answer
// alike: the same status, error body, headers and answer shape, for good and bad requests.
import { closeSidecars, post, startTestSidecar, type TestSidecar } from '../../helpers/sidecar';

afterEach(closeSidecars);

interface Answer {
  status: number;
  contentType: string | null;
  retryAfter: string | null;
  // biome-ignore lint/suspicious/noExplicitAny: compared whole, by shape
  body: any;
}

async function raw(url: string, body: string, contentType = 'application/json'): Promise<Answer> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });
  const text = await res.text();
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    retryAfter: res.headers.get('retry-after'),
    body: text === '' ? undefined : JSON.parse(text),
  };
}

/** The answer with its per-request values (id, created) blanked, to compare the two paths. */
function shape(answer: Answer): Answer {
  const body = answer.body === undefined ? undefined : structuredClone(answer.body);
  if (body?.id !== undefined) body.id = '<id>';
  if (body?.created !== undefined) body.created = '<created>';
  return { ...answer, body };
}

async function both(sidecar: TestSidecar, path: string, body: string, contentType?: string) {
  const direct = await raw(`${sidecar.url}${path}`, body, contentType);
  const viaExpress = await raw(`${sidecar.url}${path}/`, body, contentType);
  return { direct: shape(direct), viaExpress: shape(viaExpress) };
}

const completion = JSON.stringify({ model: 'm', prompt: 'hello', max_tokens: 2, temperature: 1 });
const infer = JSON.stringify({
  inputs: [{ name: 'text_input', datatype: 'BYTES', shape: [2, 1], data: ['a', 'b'] }],
  parameters: { max_tokens: 2 },
});

it.each([
  ['a completion', '/v1/completions', completion],
  [
    'a chat',
    '/v1/chat/completions',
    JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 }),
  ],
  ['a KServe infer of two rows', '/v2/models/m/infer', infer],
  ['a body that is not JSON', '/v1/completions', '{"model": '],
  ['a body missing the prompt', '/v1/completions', JSON.stringify({ model: 'm' })],
  ['a KServe body without inputs', '/v2/models/m/infer', JSON.stringify({})],
])('%s: the direct path and express answer alike', async (_name, path, body) => {
  const sidecar = await startTestSidecar();
  const { direct, viaExpress } = await both(sidecar, path, body);
  expect(direct).toEqual(viaExpress);
  expect(direct.contentType).toBe('application/json; charset=utf-8');
});

it('a body over the 8 MB limit is 413 on both paths, and nothing is recorded', async () => {
  const sidecar = await startTestSidecar();
  const huge = JSON.stringify({ model: 'm', prompt: 'x'.repeat(8 * 1024 * 1024 + 10) });
  const { direct, viaExpress } = await both(sidecar, '/v1/completions', huge);
  expect(direct.status).toBe(413);
  expect(direct).toEqual(viaExpress);
  expect(sidecar.records).toHaveLength(0);
});

it('a body that is not declared JSON is refused the same way on both paths', async () => {
  const sidecar = await startTestSidecar();
  const { direct, viaExpress } = await both(sidecar, '/v1/completions', completion, 'text/plain');
  expect(direct.status).toBe(400);
  expect(direct).toEqual(viaExpress);
});

it('a rate-limited request gets 429 and the same Retry-After on both paths', async () => {
  const sidecar = await startTestSidecar({
    rate_limits: { request_type: { default: { rate_per_sec: 0.001, burst: 1 } } },
  });
  expect((await post(`${sidecar.url}/v1/completions`, JSON.parse(completion))).status).toBe(200);
  const { direct, viaExpress } = await both(sidecar, '/v1/completions', completion);
  expect(direct.status).toBe(429);
  expect(direct.retryAfter).not.toBeNull();
  expect(direct).toEqual(viaExpress);
});

it('the direct path answers with Server-Timing; express still serves GETs and other paths', async () => {
  const sidecar = await startTestSidecar();
  const answer = await post(`${sidecar.url}/v1/completions?trace=1`, JSON.parse(completion));
  expect(answer.status).toBe(200);
  expect(answer.headers.get('server-timing')).toMatch(/sidecar;dur=[\d.]+/);
  expect((await fetch(`${sidecar.url}/v2/health/live`)).status).toBe(200);
  expect((await fetch(`${sidecar.url}/v1/models`)).status).toBe(200);
  expect((await raw(`${sidecar.url}/v1/nothing`, completion)).status).toBe(404);
  // An encoded model name is left to express, which decodes it.
  const encoded = await raw(`${sidecar.url}/v2/models/a%20b/infer`, infer);
  expect(encoded.status).toBe(200);
  expect(encoded.body.model_name).toBe('a b');
});
