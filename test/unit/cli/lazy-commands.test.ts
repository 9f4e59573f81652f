// A command's module loads only when that command runs: `sidecar` (and `--help`) must not load
// the store and its native engine (chDB), nor express's server stack for commands without one.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..', '..');

function loadedAfter(script: string): string[] {
  const out = execFileSync(
    process.execPath,
    ['-r', path.join(ROOT, 'bench', 'ts-register.js'), '-e', script],
    { cwd: ROOT, encoding: 'utf8' },
  );
  return JSON.parse(out) as string[];
}

const LIST = 'console.log(JSON.stringify(Object.keys(require.cache)))';

it('loading the program and the sidecar command loads no store module and no chDB', () => {
  const loaded = loadedAfter(
    `require('./src/main.ts').buildProgram(); require('./src/cli/sidecar.ts'); ${LIST}`,
  );
  expect(
    loaded.some((file) => file.includes(`${path.sep}src${path.sep}cli${path.sep}sidecar`)),
  ).toBe(true);
  expect(
    loaded.filter((file) => /[\\/](chdb|@clickhouse)[\\/]|[\\/]src[\\/]store[\\/]/.test(file)),
  ).toEqual([]);
});

it('loading the program alone loads no command module', () => {
  const loaded = loadedAfter(`require('./src/main.ts').buildProgram(); ${LIST}`);
  const commands = loaded.filter((file) =>
    /[\\/]src[\\/]cli[\\/](serve|sidecar|migrate|sql|drift|slo-import)\.ts$/.test(file),
  );
  expect(commands).toEqual([]);
});
