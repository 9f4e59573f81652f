// Hostile model and feature names through a real `serve`: quotes, backslashes, SQL comments and
// statement ends, a slash, Unicode and a 10 kB name are stored over OTLP as they were sent, and
// every read API answers them (200) with the name intact — no query breaks, nothing is refused
// for its name, nothing answers 500.
import { span, tracesRequest } from '../helpers/genai-otlp';
import { killAll, removeTempDirs, startServe, stop } from '../helpers/spawn-cli';

const NAMES = [
  "o'brien",
  'back\\slash',
  'double"quote',
  'x -- comment',
  '/* block */ m',
  'm; DROP TABLE inference_requests',
  'team/chimera',
  'модель-模型-😀',
  `long-${'n'.repeat(10_000)}`,
];

afterAll(async () => {
  await killAll();
  await removeTempDirs();
});

it('stores and reports every hostile name, and answers every read API for it', async () => {
  const { cli, apiBase: base, otlpBase } = await startServe('hostile-names');

  const now = Date.now();
  const spans = NAMES.flatMap((model, m) =>
    Array.from({ length: 3 }, (_, i) =>
      span(
        {
          startMs: now - 60_000 + i * 1000,
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.request.model': model,
            'gen_ai.usage.input_tokens': 10,
            'gen_ai.usage.output_tokens': 5,
            [`insightagent.feature.${model.slice(0, 200)}`]: i,
            'insightagent.feature.topic': model.slice(0, 100),
          },
        },
        m * 10 + i + 1,
      ),
    ),
  );
  const sent = await fetch(`${otlpBase}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(tracesRequest(spans)),
  });
  expect(sent.status).toBe(200);

  const models = (await (await fetch(`${base}/api/v1/models`)).json()) as {
    models: Array<{ model: string; requests: number }>;
  };
  for (const name of NAMES) expect(models.models.find((m) => m.model === name)?.requests).toBe(3);

  const window = `from=${now - 3_600_000}&to=${now + 60_000}`;
  for (const name of NAMES) {
    const model = encodeURIComponent(name);
    const summary = await fetch(`${base}/api/v1/models/${model}/summary?${window}`);
    expect([name.slice(0, 40), summary.status]).toEqual([name.slice(0, 40), 200]);
    expect(((await summary.json()) as { model: string; requests: number }).model).toBe(name);
    const series = await fetch(
      `${base}/api/v1/models/${model}/timeseries?metric=requests&${window}`,
    );
    expect([name.slice(0, 40), series.status]).toEqual([name.slice(0, 40), 200]);
    await series.arrayBuffer();
    for (const format of ['json', 'md', 'html']) {
      const report = await fetch(`${base}/api/v1/reports/insight?model=${model}&format=${format}`);
      const text = await report.text();
      expect([name.slice(0, 40), format, report.status]).toEqual([name.slice(0, 40), format, 200]);
      if (format === 'html') expect(text).not.toContain('<script');
    }
    const drift = await fetch(`${base}/api/v1/drift/reports?model=${model}`);
    expect([name.slice(0, 40), drift.status]).toEqual([name.slice(0, 40), 200]);
    await drift.arrayBuffer();
  }
  expect((await stop(cli, 'SIGTERM', 15_000)).code).toBe(0);
}, 120_000);
