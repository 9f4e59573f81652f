// End to end: `insightagent serve` with a drift monitor receives two hours of chimera spans over
// OTLP (prompt_length and lang shift between them); a report is made through the API; then
// `insightagent drift list|show|run` reach it through the server that owns the store (read
// token; run needs admin), and, once the server is stopped, open the store themselves and print
// the same report.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReportJson } from '../../src/drift/report-json';
import { span, tracesRequest } from '../helpers/genai-otlp';
import { freePort } from '../helpers/net';
import {
  type Cli,
  cleanEnv,
  killAll,
  removeTempDirs,
  runCli,
  startCli,
  stop,
  tempDir,
  waitForHttp,
} from '../helpers/spawn-cli';

const ADMIN = 'admin-secret-0123456789a';
const READ = 'read-secret-0123456789ab';
const H = 3_600_000;

afterAll(async () => {
  await killAll();
  await removeTempDirs();
});

// 300 chat spans in [fromMs, fromMs + 1 h): prompt_length and lang as given.
function hourOfSpans(fromMs: number, shifted: boolean, first: number): unknown {
  return tracesRequest(
    Array.from({ length: 300 }, (_, i) =>
      span(
        {
          startMs: fromMs + i * 10_000,
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.request.model': 'chimera',
            'gen_ai.usage.input_tokens': 100,
            'gen_ai.usage.output_tokens': 50,
            'insightagent.feature.prompt_length': (shifted ? 250 : 100) + ((i * 37) % 100),
            'insightagent.feature.lang': shifted
              ? i % 3 === 0
                ? 'en'
                : 'fr'
              : i % 5 === 0
                ? 'de'
                : 'en',
          },
        },
        first + i,
      ),
    ),
  );
}

// A report but when it was made: the server's own drift job (and `drift run`) may rewrite the
// same window's report (same id) while the test runs.
const sameReport = ({ created_at: _, ...rest }: ReportJson) => rest;

describe('insightagent drift', () => {
  let dataDir: string;
  let shared: Record<string, string>;
  let serve: Cli;
  let api: string;
  let report: ReportJson;
  const end = Math.floor(Date.now() / H) * H;

  beforeAll(async () => {
    dataDir = await tempDir('drift');
    const config = join(dataDir, 'insightagent.yaml');
    await writeFile(
      config,
      [
        'drift:',
        '  - name: chimera-hourly',
        '    model: chimera',
        '    window: 1h',
        '    features: [prompt_length, lang]',
        '    reference: {rolling: 2h}',
        '',
      ].join('\n'),
    );
    const apiPort = await freePort();
    let otlpPort = await freePort();
    while (otlpPort === apiPort) otlpPort = await freePort();
    shared = {
      INSIGHTAGENT_DATA_DIR: dataDir,
      INSIGHTAGENT_API_PORT: String(apiPort),
      INSIGHTAGENT_OTLP_PORT: String(otlpPort),
      INSIGHTAGENT_CONFIG: config,
    };
    serve = startCli(
      ['serve'],
      cleanEnv({ ...shared, INSIGHTAGENT_TOKENS: `ops:${ADMIN}:admin,grafana:${READ}:read` }),
    );
    api = `http://127.0.0.1:${apiPort}`;
    await waitForHttp(serve, `${api}/readyz`, { timeoutMs: 20_000 });
    for (const [from, shifted, first] of [
      [end - 3 * H, false, 1],
      [end - H, true, 1000],
    ] as const) {
      const res = await fetch(`http://127.0.0.1:${otlpPort}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
        body: JSON.stringify(hourOfSpans(from, shifted, first)),
      });
      expect(res.status).toBe(200);
    }
    // The last complete hour against the same hour two hours before.
    const run = await fetch(`${api}/api/v1/drift/run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
      body: JSON.stringify({
        model: 'chimera',
        window: { from: new Date(end - H).toISOString(), to: new Date(end).toISOString() },
      }),
    });
    expect(run.status).toBe(201);
    report = (await run.json()) as ReportJson;
  }, 60_000);

  test('the report judged the shifted hour against the reference hour', () => {
    expect(report).toMatchObject({
      model: 'chimera',
      monitor: 'chimera-hourly',
      dataset_drift: true,
    });
    expect(report.features.map((f) => [f.feature, f.status, f.reference_n, f.current_n])).toEqual([
      ['lang', 'drifted', 300, 300],
      ['prompt_length', 'drifted', 300, 300],
    ]);
  });

  test('drift list and show go through the running server with a read token', async () => {
    const env = cleanEnv({ ...shared, INSIGHTAGENT_TOKEN: READ });
    const list = await runCli(['drift', 'list', '--model', 'chimera'], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^id\s+model\s+current window\s+drifted\s+dataset drift\n-+/);
    expect(list.stdout).toContain(`${report.id}  chimera`);
    expect(list.stdout).toMatch(/2\/2\s+yes\n\(1 report\)\n$/);
    const listed = await runCli(['drift', 'list', '--format', 'json', '--limit', '5'], env);
    expect(JSON.parse(listed.stdout)).toEqual({
      reports: [expect.objectContaining({ id: report.id, drifted: 2, judged: 2 })],
    });

    const table = await runCli(['drift', 'show', report.id], env);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('verdict    DATASET DRIFT: 2 of 2 features drifted');
    expect(table.stdout).toMatch(
      /\nprompt_length\s+drifted\s+ks\s+1\s+p < 0\.05\s+[\d.e-]+\s+300\s+300\n/,
    );
    const json = await runCli(['drift', 'show', report.id, '--format', 'json'], env);
    expect(sameReport(JSON.parse(json.stdout))).toEqual(sameReport(report));
    const html = await runCli(['drift', 'show', report.id, '--format', 'html'], env);
    expect(html.stdout).toMatch(/^<!doctype html>[\s\S]*<title>Drift report: chimera, /);
    expect(html.stdout.match(/<svg /g)).toHaveLength(2);

    const missing = await runCli(['drift', 'show', 'drift_nope'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('answered 404: no drift report with id "drift_nope"');
    const badLimit = await runCli(['drift', 'list', '--limit', '0'], env);
    expect(badLimit.code).toBe(2);
    expect(badLimit.stderr).toContain('expected an integer from 1 to 1000');
  }, 60_000);

  test('drift run needs the admin scope and prints the new report', async () => {
    const refused = await runCli(
      ['drift', 'run', '--model', 'chimera'],
      cleanEnv({ ...shared, INSIGHTAGENT_TOKEN: READ }),
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('answered 403: token "grafana" lacks the "admin" scope');
    const ran = await runCli(
      ['drift', 'run', '--model', 'chimera', '--format', 'json'],
      cleanEnv({ ...shared, INSIGHTAGENT_TOKEN: ADMIN }),
    );
    expect(ran.code).toBe(0);
    const fresh = JSON.parse(ran.stdout) as ReportJson;
    expect(fresh).toMatchObject({ model: 'chimera', monitor: 'chimera-hourly' });
    // The last complete hour when the command ran: ends on a whole hour.
    expect(Date.parse(fresh.current.to) % H).toBe(0);
  }, 30_000);

  test('with the server stopped, drift list and show open the store and print the same', async () => {
    const exit = await stop(serve, 'SIGTERM', 15_000);
    expect(exit.code).toBe(0);
    const env = cleanEnv(shared);
    const json = await runCli(['drift', 'show', report.id, '--format', 'json'], env, 30_000);
    expect(json.code).toBe(0);
    expect(sameReport(JSON.parse(json.stdout))).toEqual(sameReport(report));
    const list = await runCli(
      ['drift', 'list', '--model', 'chimera', '--format', 'json'],
      env,
      30_000,
    );
    expect(
      (JSON.parse(list.stdout) as { reports: ReportJson[] }).reports.map((r) => r.id),
    ).toContain(report.id);
  }, 60_000);
});
