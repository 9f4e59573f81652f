// Waiting for a `serve` child of a benchmark to answer /readyz.
import type { ChildProcess } from 'node:child_process';

/** Resolves once `base`/readyz answers 200; throws if the child exits or `timeoutMs` passes. */
export async function waitReady(
  base: string,
  server: ChildProcess,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`serve exited with ${server.exitCode}`);
    try {
      if ((await fetch(`${base}/readyz`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`serve did not become ready within ${timeoutMs / 1000} s`);
}
