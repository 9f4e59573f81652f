// The live simulator (dist/simulate/live.js) run as its own process, as `insightagent simulate`
// runs it: the OTLP exporter loads its HTTP agent through a dynamic import, which jest's VM
// cannot run.
//   node live-client.js '<json>'   json: { scenario, rps, labelDelayMinutes, seed, durationMs,
//                                          target, feedback }
// Prints the run's totals as one JSON line.
const { runLive } = require('../../../../dist/simulate/live.js');
const { scenarioByName, withRate } = require('../../../../dist/simulate/scenarios.js');

const spec = JSON.parse(process.argv[2]);
const scenario = withRate(
  { ...scenarioByName(spec.scenario), labelDelayMinutes: spec.labelDelayMinutes },
  spec.rps,
);
runLive({
  scenario,
  seed: spec.seed,
  durationMs: spec.durationMs,
  target: spec.target,
  feedback: spec.feedback,
  signal: new AbortController().signal,
}).then(
  (progress) => {
    process.stdout.write(`${JSON.stringify(progress)}\n`);
  },
  (err) => {
    process.stderr.write(`${err.stack}\n`);
    process.exitCode = 1;
  },
);
