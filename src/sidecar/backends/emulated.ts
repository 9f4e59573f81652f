// An emulated accelerator: a batch of B requests takes fixed + per_item x B milliseconds (plus
// seeded jitter), one batch at a time; each item's first token comes out after the prefill share
// of that time and its tokens stream evenly over the rest. It stands in for a GPU model server
// in tests, benches and the demo, with profiles for the Chimera case.
import { seededRandom } from '../../random';
import type { Backend, CompletionRequest, CompletionResult } from '../backend';

/** The device model. */
export interface DeviceProfile {
  fixedMs: number;
  perItemMs: number;
  /** Uniform jitter in [0, jitterMs) added to each batch. */
  jitterMs: number;
  /** Share of a batch's time spent before the first token (prefill), 0 < share < 1. */
  prefillShare: number;
  /** Tokens each item generates when the request asks for more. */
  outputTokens: number;
}

/** Named profiles: `chimera` serves ~5 requests/s one at a time; `bench` is 20 ms + 2 ms/item. */
export const DEVICE_PROFILES: Readonly<Record<string, DeviceProfile>> = {
  // 180 + 16 = 196 ms for one request: 5.1 requests/s unbatched; 8 at once take 308 ms (26/s).
  chimera: { fixedMs: 180, perItemMs: 16, jitterMs: 8, prefillShare: 0.35, outputTokens: 48 },
  bench: { fixedMs: 20, perItemMs: 2, jitterMs: 0, prefillShare: 0.3, outputTokens: 16 },
};

/** Returns the time one batch of `size` takes on `profile`, before jitter. */
export function batchDurationMs(profile: DeviceProfile, size: number): number {
  return profile.fixedMs + profile.perItemMs * size;
}

/** Returns the most requests/s `profile` can serve with batches of `size` (one batch at a time). */
export function throughputLimit(profile: DeviceProfile, size: number): number {
  return (size * 1000) / batchDurationMs(profile, size);
}

// Sleeps until `at` (performance.now ms): timers count whole milliseconds, so each wait aims at an
// absolute time, rounded up, and the rounding never adds up over a batch's tokens.
const sleepUntil = (at: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    // Already due: no timer (a 0 ms timer still waits ~1 ms, which added up to 3-4 ms a batch).
    const delay = Math.ceil(at - performance.now());
    if (delay <= 0) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    // The listener goes when the sleep ends: a batch sleeps once per token on the same signal.
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, delay);
    signal.addEventListener('abort', onAbort, { once: true });
  });

/** Returns an emulated backend on `profile`, serving `modelVersion`. */
export function emulatedBackend(
  profile: DeviceProfile,
  modelVersion = 'emulated-1',
  seed = 1,
): Backend {
  if (!(profile.prefillShare > 0 && profile.prefillShare < 1))
    throw new RangeError(`prefillShare must lie in (0, 1), got ${profile.prefillShare}`);
  // Seeded: jitter must be reproducible in tests and benches.
  const random = seededRandom(seed);
  return {
    kind: 'emulated',
    modelVersion,
    ready: async () => true,
    async runBatch(requests, signal, onToken) {
      const start = performance.now();
      const total = batchDurationMs(profile, requests.length) + random() * profile.jitterMs;
      const ttftMs = total * profile.prefillShare;
      await sleepUntil(start + ttftMs, signal);
      const firstTokenMs = performance.now() - start;
      const tokens = requests.map((r) => Math.max(1, Math.min(r.maxTokens, profile.outputTokens)));
      // The first tokens at ttft, the last at the batch's end, the rest evenly between.
      const steps = Math.max(...tokens);
      const stepMs = steps > 1 ? (total - ttftMs) / (steps - 1) : total - ttftMs;
      // Nobody streams: one sleep to the end instead of one per token (the device's own timers
      // share the sidecar's event loop; a real device costs it nothing).
      if (onToken === undefined) await sleepUntil(start + total, signal);
      for (let step = 0; step < steps && onToken !== undefined; step++) {
        tokens.forEach((n, i) => {
          if (step < n) onToken?.(i, step === 0 ? 'tok' : ' tok');
        });
        if (step < steps - 1 || steps === 1)
          await sleepUntil(start + ttftMs + (step + 1) * stepMs, signal);
      }
      // The times the batch really took (timers run late by a fraction of a millisecond), as a
      // device reports its own: the profile's figures are what it aims at.
      const tookMs = performance.now() - start;
      return requests.map((r, i) => resultOf(r, tokens[i] as number, firstTokenMs, tookMs));
    },
  };
}

function resultOf(
  request: CompletionRequest,
  outputTokens: number,
  ttftMs: number,
  durationMs: number,
): CompletionResult {
  return {
    text: Array.from({ length: outputTokens }, () => 'tok').join(' '),
    inputTokens: request.inputTokens,
    outputTokens,
    ttftMs,
    durationMs,
  };
}
