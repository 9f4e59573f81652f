// `insightagent simulate`'s live run: a scenario's traffic in real time, through the real sidecar
// or straight to an OTLP endpoint, with the delayed labels an evaluation pipeline would post.
// Runs until the duration ends or the signal aborts; then drains (answers in flight get 5 s),
// posts the labels that are due, flushes, and resolves with the totals.
import { randomBytes } from 'node:crypto';
import { createFeedbackPoster } from './feedback-poster';
import { emptyProgress, type LiveContext, type LiveProgress } from './live-context';
import { DEFAULT_PACING, type PacingLimits } from './pacing';
import type { Scenario } from './scenario';
import { runOtlpTarget } from './targets/otlp-run';
import { runSidecarTarget } from './targets/sidecar';

export type { LiveProgress } from './live-context';

/** Where a live run sends its traffic. */
export type LiveTarget = { kind: 'sidecar'; url: string } | { kind: 'otlp'; endpoint: string };

/** A live run's options. */
export interface LiveOptions {
  /** Already at the rate wanted (withRate). */
  scenario: Scenario;
  seed: number;
  /** Undefined: until the signal aborts. */
  durationMs?: number;
  target: LiveTarget;
  /** InsightAgent's API, for scores and delayed labels (POST /api/v1/feedback). */
  feedback: { url: string; token?: string };
  signal: AbortSignal;
  /** Epoch ms; default Date.now. Real time: requests wait for it, nothing is sped up. */
  clock?: () => number;
  /** Told the totals every second and once at the end. */
  onProgress?: (progress: LiveProgress) => void;
  /** Lateness and in-flight bounds; default 1 s and 1,024. */
  limits?: PacingLimits;
}

/** Runs the scenario live; resolves with the totals once drained and flushed (never rejects for the target's errors). */
export async function runLive(options: LiveOptions): Promise<LiveProgress> {
  const clock = options.clock ?? Date.now;
  const runId = randomBytes(4).toString('hex');
  const startMs = clock();
  const progress = emptyProgress(runId, startMs);
  const poster = createFeedbackPoster({
    url: options.feedback.url,
    ...(options.feedback.token === undefined ? {} : { token: options.feedback.token }),
    clock,
    onPosted: (items) => {
      for (const item of items)
        if (item.name === 'accuracy') progress.labelsPosted++;
        else progress.scoresSent++;
    },
    onError: (_err, items) => {
      progress.errors += items;
    },
  });
  const endMs =
    options.durationMs === undefined ? Number.POSITIVE_INFINITY : startMs + options.durationMs;
  // One stop for both causes: the caller's abort, or the end of the duration.
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.signal.addEventListener('abort', onAbort, { once: true });
  if (options.signal.aborted) stop.abort();
  const ending = Number.isFinite(endMs)
    ? setTimeout(() => stop.abort(), Math.max(0, endMs - clock()))
    : undefined;
  const report = () => options.onProgress?.({ ...progress });
  const ticker = setInterval(report, 1_000);
  const ctx: LiveContext = {
    scenario: options.scenario,
    seed: options.seed,
    runId,
    startMs,
    endMs,
    clock,
    stop: stop.signal,
    limits: options.limits ?? DEFAULT_PACING,
    poster,
    progress,
  };
  try {
    if (options.target.kind === 'sidecar') await runSidecarTarget(ctx, options.target.url);
    else await runOtlpTarget(ctx, options.target.endpoint);
  } finally {
    clearTimeout(ending);
    clearInterval(ticker);
    options.signal.removeEventListener('abort', onAbort);
    progress.labelsPending = (await poster.close()).pending;
  }
  report();
  return { ...progress };
}
