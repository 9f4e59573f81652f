// End to end: `insightagent sidecar` starts, answers readiness and a completion, and exits 0 on
// SIGTERM after letting an in-flight request finish.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '../../helpers/net';
import {
  cleanEnv,
  killAll,
  removeTempDirs,
  runCli,
  startCli,
  stop,
  tempDir,
  waitForHttp,
} from '../../helpers/spawn-cli';

afterEach(killAll);
afterAll(removeTempDirs);

it('starts, answers /v2/health/ready, drains on SIGTERM and exits 0', async () => {
  const port = await freePort();
  const cli = startCli(
    ['sidecar', '--port', String(port), '--backend', 'emulated', '--profile', 'chimera'],
    cleanEnv({ LOG_LEVEL: 'warn' }),
  );
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(cli, `${url}/v2/health/ready`);
  expect(cli.stdout()).toContain(`listening on ${url}`);
  // In flight when the signal arrives (the chimera device takes ~200 ms a batch): it still finishes.
  const inFlight = fetch(`${url}/v1/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'chimera', prompt: 'hello', max_tokens: 4 }),
  });
  await new Promise((resolve) => setTimeout(resolve, 50));
  const exit = await stop(cli, 'SIGTERM', 10_000);
  const answer = await inFlight;
  expect(answer.status).toBe(200);
  expect(((await answer.json()) as { choices: { text: string }[] }).choices[0]?.text).toBe(
    'tok tok tok tok',
  );
  expect(exit).toMatchObject({ code: 0, signal: null });
  expect(cli.stderr()).toContain('SIGTERM received');
});

it('refuses a bad config file with exit 2, naming the path', async () => {
  const file = join(await tempDir('sidecar'), 'sidecar.yaml');
  await writeFile(file, 'models:\n  m:\n    max_batch_size: 0\n');
  const result = await runCli(['sidecar', '--config', file], cleanEnv({}));
  expect(result.code).toBe(2);
  expect(result.stderr).toContain(`${file}: models.m.max_batch_size`);
});
