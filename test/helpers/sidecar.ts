// Sidecar test helpers: a server on a free loopback port with a given YAML-shaped config, JSON and
// SSE clients, and a backend whose batches wait for the test to let them go.
import type { Backend, CompletionRequest } from '../../src/sidecar/backend';
import type { SidecarRequestRecord } from '../../src/sidecar/request-record';
import { type SidecarServer, startSidecar } from '../../src/sidecar/server';
import { parseSidecarFile, type SidecarConfig } from '../../src/sidecar/server-config';

/** A started sidecar and the records it produced. */
export interface TestSidecar extends SidecarServer {
  records: SidecarRequestRecord[];
}

const started: SidecarServer[] = [];

/** Returns the effective config of a YAML-shaped object, on a free port, emulated bench device. */
export function testConfig(file: unknown = {}): SidecarConfig {
  return {
    ...parseSidecarFile(file, 'test'),
    host: '127.0.0.1',
    port: 0,
    backend: 'emulated',
    profile: 'bench',
  };
}

/** Starts a sidecar (closed by closeSidecars). */
export async function startTestSidecar(
  file: unknown = {},
  options: { backend?: Backend; now?: () => number; config?: Partial<SidecarConfig> } = {},
): Promise<TestSidecar> {
  const records: SidecarRequestRecord[] = [];
  const server = await startSidecar({
    config: { ...testConfig(file), ...options.config },
    recorder: (record) => records.push(record),
    ...(options.backend === undefined ? {} : { backend: options.backend }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  started.push(server);
  return Object.assign(server, { records });
}

/** Closes every sidecar started; for afterEach. */
export async function closeSidecars(): Promise<void> {
  await Promise.all(started.splice(0).map((s) => s.close(1_000)));
}

/** POSTs JSON; returns the status, headers and parsed body (or text). */
// biome-ignore lint/suspicious/noExplicitAny: tests read answer bodies by their documented shape
type Json = any;

export async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<{ status: number; headers: Headers; body: Json; text: string }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    ...(signal === undefined ? {} : { signal }),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/** Returns the `data:` payloads of a server-sent event stream, in order. */
export function sseData(text: string): string[] {
  return text
    .split('\n\n')
    .filter((event) => event.startsWith('data: '))
    .map((event) => event.slice('data: '.length));
}

/** Polls `check` until it returns true (every 5 ms, up to `timeoutMs`). */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5_000) {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A backend whose batches wait for `release()`; it records the prompts of every batch. */
export interface GatedBackend extends Backend {
  batches: string[][];
  release(): void;
}

/** Returns a backend answering `echo:<prompt>` once released; `ready` as given. */
export function gatedBackend(ready = true): GatedBackend {
  let open: () => void = () => {};
  let gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const batches: string[][] = [];
  return {
    kind: 'gated',
    modelVersion: 'gated-1',
    batches,
    ready: async () => ready,
    release() {
      open();
      gate = Promise.resolve();
    },
    async runBatch(requests: readonly CompletionRequest[], signal: AbortSignal) {
      batches.push(requests.map((r) => r.prompt));
      await Promise.race([
        gate,
        new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
      ]);
      return requests.map((r) => ({
        text: `echo:${r.prompt}`,
        inputTokens: r.inputTokens,
        outputTokens: 1,
        ttftMs: 1,
        durationMs: 1,
      }));
    },
  };
}
