// Lets node run the TypeScript bench scripts directly: `node -r ./bench/ts-register.js bench/x.ts`.
// Transpiles with @swc/core (already a dev dependency for jest); no type checking (tsc does that).
const fs = require('node:fs');
const Module = require('node:module');
const { transformSync } = require('@swc/core');

Module._extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
