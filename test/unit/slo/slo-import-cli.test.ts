import { join } from 'node:path';
import { EXIT, main } from '../../../src/main';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'openslo');

describe('insightagent slo import (through main)', () => {
  let written: string[];
  let stdout: jest.SpyInstance;
  let stderr: jest.SpyInstance;

  beforeEach(() => {
    written = [];
    stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      written.push(`stderr: ${String(chunk)}`);
      return true;
    });
    process.exitCode = undefined;
  });

  afterEach(() => {
    stdout.mockRestore();
    stderr.mockRestore();
    process.exitCode = undefined;
  });

  it('prints the slos: YAML and exits 0', async () => {
    await main(['node', 'insightagent', 'slo', 'import', join(FIXTURES, 'ratio-latency.yaml')]);
    expect(process.exitCode).toBeUndefined();
    expect(written.join('')).toContain('slos:\n  - name: chimera-ttft\n');
  });

  it('exits 2 with the problems on stderr when a document cannot be imported', async () => {
    await main(['node', 'insightagent', 'slo', 'import', join(FIXTURES, 'vendor-query.yaml')]);
    expect(process.exitCode).toBe(EXIT.usage);
    expect(written.join('')).toMatch(/^stderr: insightagent: .*vendor-query.yaml: cannot import:/);
  });
});
