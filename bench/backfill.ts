// A 24 h backfill at 10 requests/s, timed as a user runs it: `insightagent simulate --scenario S
// --backfill 24h` in a fresh process on a fresh embedded store (wall time: start, migrations,
// simulation, inserts, close), for `chimera` (half refused: fewer scores) and `chimera-batched`
// (every request answered, scored and labelled). Baseline measured in the same run: the
// simulation core alone over the same day, in this process (what is left is encoding and the
// engine's inserts). Target: <= 60 s. One JSON line per figure.
// Run: npm run bench:backfill
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { simulateRun } from '../src/simulate/run';
import { scenarioByName } from '../src/simulate/scenarios';

const ROOT = path.join(__dirname, '..');
const DAY_MS = 86_400_000;
const run = promisify(execFile);

function core(name: string): { requests: number; seconds: number } {
  const started = performance.now();
  let requests = 0;
  const window = { startMs: Date.now() - DAY_MS, durationMs: DAY_MS, seed: 1 };
  for (const _ of simulateRun(scenarioByName(name), window)) requests++;
  return { requests, seconds: (performance.now() - started) / 1000 };
}

async function cli(name: string): Promise<{ seconds: number; summary: string }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'insightagent-bench-backfill-'));
  try {
    const started = performance.now();
    const { stderr } = await run(
      process.execPath,
      [
        path.join(ROOT, 'bin', 'insightagent.js'),
        'simulate',
        '--scenario',
        name,
        '--backfill',
        '24h',
      ],
      { cwd: ROOT, env: { ...process.env, INSIGHTAGENT_DATA_DIR: dataDir }, maxBuffer: 1 << 24 },
    );
    const seconds = (performance.now() - started) / 1000;
    return { seconds, summary: stderr.trim().split('\n').at(-1) ?? '' };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  for (const name of ['chimera', 'chimera-batched']) {
    const baseline = core(name);
    const measured = await cli(name);
    console.log(
      JSON.stringify({
        figure: 'backfill_24h',
        scenario: name,
        wall_seconds: +measured.seconds.toFixed(1),
        target: '<= 60 s',
        core_seconds: +baseline.seconds.toFixed(1),
        requests: baseline.requests,
        cli_summary: measured.summary,
      }),
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
