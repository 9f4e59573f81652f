// Configured secrets never leave the process: a real `serve` logging at debug, with API tokens and
// alert channels whose URLs and signing secrets are secret, is started, called through every read
// route, refused, fed bad bodies and stopped; neither its log nor any answer contains a secret.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { killAll, removeTempDirs, startServe, stop, tempDir } from '../helpers/spawn-cli';

const TOKENS = {
  read: 'read-SECRET-tok-0123456789',
  ingest: 'ingest-SECRET-tok-012345678',
  admin: 'admin-SECRET-tok-0123456789',
};
const SLACK_PATH_SECRET = 'T000/B000/SlackPathSECRET42';
const WEBHOOK_SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const SECRETS = [...Object.values(TOKENS), SLACK_PATH_SECRET, WEBHOOK_SECRET.slice(6)];

afterAll(async () => {
  await killAll();
  await removeTempDirs();
});

it('no configured secret appears in the log or in any API answer', async () => {
  const dir = await tempDir('secrets');
  const config = join(dir, 'insightagent.yaml');
  await writeFile(
    config,
    [
      'channels:',
      `  - {name: oncall, kind: slack, url: "http://127.0.0.1:9/services/${SLACK_PATH_SECRET}"}`,
      `  - {name: hooks, kind: webhook, url: "http://127.0.0.1:9/hook", secret: "${WEBHOOK_SECRET}"}`,
      '',
    ].join('\n'),
  );
  const {
    cli,
    apiBase: base,
    otlpBase,
  } = await startServe('secrets', {
    env: {
      INSIGHTAGENT_CONFIG: config,
      INSIGHTAGENT_TOKENS: `r:${TOKENS.read}:read,i:${TOKENS.ingest}:ingest,a:${TOKENS.admin}:admin`,
      LOG_LEVEL: 'debug',
    },
  });
  const answers: string[] = [];
  const call = async (method: string, url: string, token?: string, body?: string) => {
    const res = await fetch(url, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      ...(body === undefined ? {} : { body }),
    });
    // What came back only (the URL sent is the test's own): status, headers, body.
    answers.push(`${res.status} ${JSON.stringify([...res.headers])} ${await res.text()}`);
  };
  for (const path of [
    '/api/v1/admin/config',
    '/api/v1/status',
    '/api/v1/models',
    '/api/v1/slos',
    '/api/v1/deliveries',
    '/api/v1/alerts',
    '/api/v1/silences',
    '/api/v1/retrain/triggers',
    '/api/v1/drift/reports',
    '/metrics',
  ])
    await call('GET', `${base}${path}`, TOKENS.admin);
  // Refusals: a wrong token, a wrong scope, a token in a query string, bad bodies.
  await call('GET', `${base}/api/v1/models`, `${TOKENS.read}x`);
  await call('GET', `${base}/api/v1/admin/config`, TOKENS.read);
  await call('GET', `${base}/api/v1/models?token=${TOKENS.read}`);
  await call('POST', `${base}/api/v1/feedback`, TOKENS.ingest, '{"broken":');
  await call('POST', `${otlpBase}/v1/traces`, TOKENS.ingest, '{"resourceSpans": 7}');
  await call('POST', `${otlpBase}/v1/traces`, TOKENS.read, '{}');
  await call('POST', `${base}/api/v1/sql`, TOKENS.admin, JSON.stringify({ query: 'SELECT 1' }));
  expect((await stop(cli, 'SIGTERM', 15_000)).code).toBe(0);

  const everything = [cli.stdout(), cli.stderr(), ...answers].join('\n');
  expect(cli.stderr().length).toBeGreaterThan(0); // the debug log was written
  for (const secret of SECRETS) {
    const found = everything.indexOf(secret);
    expect([
      secret,
      found === -1 ? 'absent' : everything.slice(Math.max(0, found - 200), found + 50),
    ]).toEqual([secret, 'absent']);
  }
}, 90_000);
