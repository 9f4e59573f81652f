// Scheduling through the sidecar over real HTTP: x-priority orders the queue, and a streaming
// client that leaves mid-answer is dropped and recorded as cancelled.
import {
  closeSidecars,
  gatedBackend,
  post,
  startTestSidecar,
  waitFor,
} from '../../helpers/sidecar';

afterEach(closeSidecars);

it('x-priority: a higher-priority request queued later runs first', async () => {
  const backend = gatedBackend();
  const sidecar = await startTestSidecar(
    { defaults: { max_batch_size: 1, priority_levels: 2 } },
    { backend },
  );
  const url = `${sidecar.url}/v1/completions`;
  const first = post(url, { model: 'm', prompt: 'running' });
  await waitFor(() => backend.batches.length === 1);
  const low = post(url, { model: 'm', prompt: 'low' }, { 'x-priority': '1' });
  await waitFor(async () =>
    (await (await fetch(`${sidecar.url}/metrics`)).text()).includes('queue_depth{model="m"} 1'),
  );
  const high = post(url, { model: 'm', prompt: 'high' }, { 'x-priority': '0' });
  await waitFor(async () =>
    (await (await fetch(`${sidecar.url}/metrics`)).text()).includes('queue_depth{model="m"} 2'),
  );
  backend.release();
  await Promise.all([first, low, high]);
  expect(backend.batches).toEqual([['running'], ['high'], ['low']]);
});

it('a streaming client that leaves mid-answer is dropped and recorded as cancelled', async () => {
  const sidecar = await startTestSidecar({}, { config: { profile: 'chimera' } });
  const gone = new AbortController();
  const res = await fetch(`${sidecar.url}/v1/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'm', prompt: 'long', max_tokens: 40, stream: true }),
    signal: gone.signal,
  });
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const first = new TextDecoder().decode((await reader.read()).value);
  expect(first).toMatch(/^data: \{/);
  gone.abort();
  await waitFor(() => sidecar.records.length === 1);
  expect(sidecar.records[0]).toMatchObject({ outcome: 'cancelled', stream: true });
  expect(sidecar.records[0]?.ttftMs).not.toBeNull();
  // Nobody else waits on its batch: the backend call is aborted and the batch ends early.
  await waitFor(async () =>
    (await (await fetch(`${sidecar.url}/metrics`)).text()).includes(
      'insightagent_sidecar_inflight_batches{model="m"} 0',
    ),
  );
});
