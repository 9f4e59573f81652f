// What a live run's target needs: the scenario and its window in real time, the clock, the stop
// signal, the feedback poster and the counters it fills; and the paced wait they all use.
import type { FeedbackPoster } from './feedback-poster';
import { type PaceVerdict, type PacingLimits, paceVerdict } from './pacing';
import type { Scenario } from './scenario';

/** A live run's totals so far. */
export interface LiveProgress {
  /** The run's id: the first 8 hex digits of the otlp target's trace ids. */
  runId: string;
  /** When the run started (epoch ms): its traffic is the scenario's from here. */
  startMs: number;
  /** Requests sent to the sidecar, or spans recorded. */
  sent: number;
  /** Answered (200), and refused or failed at the sidecar (503, 504, 429, ...). */
  served: number;
  refused: number;
  /** Not sent: due more than 1 s ago (a stall), or too many in flight / unfinished at the end. */
  late: number;
  skipped: number;
  /** Coherence scores sent (a span event, or a feedback item the API accepted). */
  scoresSent: number;
  /** Correctness labels the feedback API accepted. */
  labelsPosted: number;
  /** Labels not yet due when the run ended: dropped. */
  labelsPending: number;
  /** Requests with no HTTP answer (cancelled after the drain included), feedback items lost or refused. */
  errors: number;
}

/** Returns a progress with every count at 0. */
export function emptyProgress(runId: string, startMs: number): LiveProgress {
  return {
    runId,
    startMs,
    sent: 0,
    served: 0,
    refused: 0,
    late: 0,
    skipped: 0,
    scoresSent: 0,
    labelsPosted: 0,
    labelsPending: 0,
    errors: 0,
  };
}

/** What a target runs with. */
export interface LiveContext {
  scenario: Scenario;
  seed: number;
  runId: string;
  /** The run's start (epoch ms, real time) and the end of its arrivals (Infinity: until stop). */
  startMs: number;
  endMs: number;
  clock: () => number;
  /** Fires when the run must stop sending (abort, or the end of the duration). */
  stop: AbortSignal;
  limits: PacingLimits;
  poster: FeedbackPoster;
  progress: LiveProgress;
}

/** How long the drain waits for answers in flight after the stop. */
export const DRAIN_MS = 5_000;

/** Resolves after `ms`, or at once when `signal` fires (true when the time passed). */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (passed: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(passed);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Waits until `dueMs` on the run's clock (timers may fire early or late) and returns the verdict
 * then; undefined when `signal` fired first.
 */
export async function waitTurn(
  ctx: LiveContext,
  dueMs: number,
  inFlight: number,
  signal: AbortSignal | undefined,
): Promise<Exclude<PaceVerdict, { kind: 'wait' }> | undefined> {
  for (;;) {
    const verdict = paceVerdict(dueMs, ctx.clock(), inFlight, ctx.limits);
    if (verdict.kind !== 'wait') return verdict;
    if (!(await sleep(verdict.ms, signal))) return undefined;
  }
}
