// The built-in web UI: static files from the package's src/ui (plain ES modules, no build step)
// at `/`, and uPlot's dist files from node_modules at /ui/vendor. Data comes from /api/v1 in the
// browser, with the user's bearer token; the files themselves need none.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import express, { Router } from 'express';

/** Returns the directory holding the UI's index.html: src/ui next to src/ or dist/, or undefined. */
export function findUiDir(from: string = __dirname): string | undefined {
  // From src/api/routes (tests) the files are at ../../ui; from dist/api/routes at ../../../src/ui.
  const candidates = [join(from, '..', '..', 'ui'), join(from, '..', '..', '..', 'src', 'ui')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}

/** Returns uPlot's dist directory as installed in node_modules. */
export function uplotDistDir(): string {
  return join(dirname(require.resolve('uplot/package.json')), 'dist');
}

/** Returns the UI routes: `/` and its assets, `/ui/vendor/uPlot.*`; no route when the files are missing. */
export function uiRoutes(uiDir: string | undefined = findUiDir()): Router {
  const router = Router();
  if (uiDir === undefined) return router;
  const options = { index: 'index.html', fallthrough: true, maxAge: 0 };
  router.use('/ui/vendor', express.static(uplotDistDir(), options));
  router.use('/', express.static(uiDir, options));
  return router;
}
