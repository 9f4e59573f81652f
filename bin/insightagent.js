#!/usr/bin/env node

// Entry point: dist/ is built by `npm install` (prepare) and `npm start` (prestart).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const dist = join(__dirname, '..', 'dist');
if (!existsSync(join(dist, 'main.js'))) {
  process.stderr.write(
    'insightagent: dist/ is missing; run `npm install` or `npm run build` first\n',
  );
  process.exit(1);
}
// Self-telemetry starts before any other module loads, so http and express get instrumented.
require(join(dist, 'telemetry', 'self-telemetry.js')).startSelfTelemetry(process.env, process.argv);
require(join(dist, 'main.js')).main(process.argv);
