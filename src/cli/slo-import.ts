import { readFileSync, writeFileSync } from 'node:fs';
import { ConfigError, errorMessage } from '../errors';
import { importOpenSlo, renderSlosYaml } from '../slo/openslo';

/**
 * Runs `insightagent slo import FILE [--out FILE]`: validates the OpenSLO v1 documents in FILE
 * and writes the equivalent `slos:` YAML to `out` (or the --out file). Throws ConfigError (exit 2)
 * naming every document and field that cannot be imported.
 */
export function runSloImport(
  options: { file: string; out?: string },
  out: NodeJS.WritableStream,
): void {
  let text: string;
  try {
    text = readFileSync(options.file, 'utf8');
  } catch (err) {
    throw new ConfigError(`slo import: cannot read ${options.file}: ${errorMessage(err)}`, {
      cause: err,
    });
  }
  const imported = importOpenSlo(text, options.file);
  const yaml = renderSlosYaml(imported, options.file);
  if (options.out === undefined) {
    out.write(yaml);
    return;
  }
  try {
    writeFileSync(options.out, yaml);
  } catch (err) {
    throw new ConfigError(`slo import: cannot write ${options.out}: ${errorMessage(err)}`, {
      cause: err,
    });
  }
}
