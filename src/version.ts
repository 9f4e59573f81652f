import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// src/ and dist/ both sit one level below package.json.
const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as {
  version: string;
};

/** The running InsightAgent version, from package.json. */
export const VERSION: string = pkg.version;
