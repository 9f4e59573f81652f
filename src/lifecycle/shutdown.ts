import type { Logger } from '../telemetry/logger';

/** One step of shutdown, run in order: stop intake first, close the store last. */
export interface ShutdownStep {
  name: string;
  run: (remainingMs: number) => Promise<unknown>;
}

/**
 * Returns a function that runs the steps once (later calls get the same promise) within
 * `budgetMs` overall and resolves to the exit code: 0 when every step finished in time, 1 if
 * one failed or the budget ran out.
 */
export function createShutdown(
  steps: readonly ShutdownStep[],
  budgetMs: number,
  log: Logger,
): () => Promise<number> {
  let running: Promise<number> | undefined;
  return () => {
    running ??= (async () => {
      const deadline = Date.now() + budgetMs;
      let code = 0;
      for (const step of steps) {
        const remaining = deadline - Date.now();
        if (remaining <= 0) {
          log.error({ step: step.name }, 'shutdown: out of time, skipping the remaining steps');
          return 1;
        }
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), remaining);
        });
        try {
          const outcome = await Promise.race([step.run(remaining), timeout]);
          if (outcome === 'timeout') {
            // The budget is spent (a timer may fire a millisecond before Date.now() says so):
            // the later steps are skipped, not started with a sliver of time.
            log.error(
              { step: step.name },
              'shutdown: step did not finish in time; skipping the rest',
            );
            return 1;
          }
        } catch (err) {
          log.error({ err, step: step.name }, 'shutdown: step failed');
          code = 1;
        } finally {
          clearTimeout(timer);
        }
      }
      return code;
    })();
    return running;
  };
}
