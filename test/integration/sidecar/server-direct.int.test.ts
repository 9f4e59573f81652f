// The inference POSTs are served on node:http directly; a path the direct path does not take
// exactly (here: a trailing slash) reaches the same handler through express. Both must answer
// alike: the same status, error body, headers and answer shape, for good and bad requests.
import { gzipSync } from 'node:zlib';
import { closeSidecars, post, startTestSidecar, type TestSidecar } from '../../helpers/sidecar';

afterEach(closeSidecars);

interface Answer {
  status: number;
  contentType: string | null;
  retryAfter: string | null;
  // biome-ignore lint/suspicious/noExplicitAny: compared whole, by shape
  body: any;
}

async function raw(
  url: string,
  body: string | Buffer,
  contentType = 'application/json',
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': contentType, ...headers },
    body,
  });
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

async function both(
  sidecar: TestSidecar,
  path: string,
  body: string | Buffer,
  contentType?: string,
  headers?: Record<string, string>,
) {
  const direct = await raw(`${sidecar.url}${path}`, body, contentType, headers);
  const viaExpress = await raw(`${sidecar.url}${path}/`, body, contentType, headers);
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
  ['a body with a byte order mark', '/v1/completions', `\uFEFF${completion}`],
  ['a body led by whitespace', '/v1/completions', `\r\n ${completion}`],
  ['an empty body', '/v1/completions', ''],
  ['a body of whitespace', '/v1/completions', '  '],
  ['a JSON string, not an object', '/v1/completions', '"hello"'],
  ['JSON followed by more', '/v1/completions', `${completion}x`],
  ['invalid UTF-8', '/v1/completions', Buffer.from([0x7b, 0xff, 0x7d])],
  [
    'a charset written in capitals',
    '/v1/completions',
    completion,
    'Application/JSON; Charset=UTF-8',
  ],
  ['a Latin-1 charset', '/v1/completions', completion, 'application/json; charset=iso-8859-1'],
  ['JSON declared as +json', '/v1/completions', completion, 'application/vnd.api+json'],
])(
  '%s: the direct path and express answer alike',
  async (_name, path, body, contentType = 'application/json') => {
    const sidecar = await startTestSidecar();
    const { direct, viaExpress } = await both(sidecar, path, body, contentType);
    expect(direct).toEqual(viaExpress);
    expect(direct.contentType).toBe('application/json; charset=utf-8');
  },
);

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

it('a gzip body is read (and a corrupt one refused) the same way on both paths', async () => {
  const sidecar = await startTestSidecar();
  const gzip = { 'content-encoding': 'gzip' };
  const good = await both(sidecar, '/v1/completions', gzipSync(completion), undefined, gzip);
  expect(good.direct.status).toBe(200);
  expect(good.direct).toEqual(good.viaExpress);
  const bad = await both(sidecar, '/v1/completions', Buffer.from('not gzip'), undefined, gzip);
  expect(bad.direct.status).toBe(400);
  expect(bad.direct).toEqual(bad.viaExpress);
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
