import { startSelfTelemetry, tracesItself } from '../../../src/telemetry/self-telemetry';

test.each([
  [['node', 'insightagent', 'serve'], true],
  [['node', 'insightagent', 'serve', '--role', 'api'], true],
  [['node', 'insightagent', 'drift', 'report'], true],
  [['node', 'insightagent'], true],
  [['node', 'insightagent', 'sidecar', '--backend', 'emulated'], false],
  [['node', 'insightagent', '--verbose', 'sidecar'], false],
])('tracesItself(%j) is %s', (argv, expected) => {
  expect(tracesItself(argv)).toBe(expected);
});

test('the sidecar does not start the SDK even with an endpoint set (its spans are its GenAI spans)', () => {
  const started = startSelfTelemetry({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1' }, [
    'node',
    'insightagent',
    'sidecar',
  ]);
  expect(started.enabled).toBe(false);
});
