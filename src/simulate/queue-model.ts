// A discrete-event model, in virtual time, of one model's queue in the sidecar in front of the
// emulated device: the sidecar's own admission and dispatch rules (imported, not copied), at most
// max_in_flight batches, each taking the device profile's time plus seeded jitter. Requests go in
// by arrival time; results come out in the order they complete.

import { seededRandom } from '../random';
import { type Admission, admissionOf } from '../sidecar/admission-policy';
import { batchDurationMs, type DeviceProfile } from '../sidecar/backends/emulated';
import { batchSizeToDispatch } from '../sidecar/batcher-policy';
import { FifoRing } from './fifo-ring';
import type { SidecarSpec } from './scenario';

// Module-level aliases: under jest every global lookup (Math) goes through the vm context's
// interceptors, ~10x slower in this per-request code.
const { max, min } = Math;
const INFINITY = Number.POSITIVE_INFINITY;

/** What the model needs of a request: when it arrives and how many tokens it may get. */
export interface QueuedRequest {
  arrivalMs: number;
  maxTokens: number;
}

/** How a request ended: served, refused at admission (503), or past its timeout (504). */
export type QueueStatus = 'ok' | 'shed' | 'queue_full' | 'timeout';

/** One request's outcome as the sidecar would record it; times in virtual ms. */
export interface QueueResult<R extends QueuedRequest> {
  request: R;
  status: QueueStatus;
  httpStatus: 200 | 503 | 504;
  /** When the answer (or refusal) left the sidecar. */
  endMs: number;
  /** Time queued before its batch left; null when refused. */
  queueMs: number | null;
  batchSize: number | null;
  /** Queue time + the prefill share of the batch; null without a first token. */
  ttftMs: number | null;
  latencyMs: number;
  outputTokens: number | null;
}

/** The model's configuration: the sidecar's options, the device, the jitter's seed. */
export interface QueueModelOptions {
  sidecar: SidecarSpec;
  profile: DeviceProfile;
  seed: number;
  /** Multiplies the device time of a batch that starts at `atMs` (latency regressions). */
  deviceFactor?: (atMs: number) => number;
}

interface Batch<R> {
  requests: R[];
  startMs: number;
  endMs: number;
  durationMs: number;
  /** Requests before this index have timed out (they time out in arrival order). */
  settled: number;
}

// As the sidecar's model pool: admission uses the mean of the last 16 batch durations.
const RECENT = 16;
// Float slack: (a + delay) - a can fall an ulp short of delay; the real timer rounds up to a ms.
const EPSILON_MS = 1e-6;

/** Yields each request's result, in completion order, from requests in arrival order. */
export function* runQueueModel<R extends QueuedRequest>(
  requests: Iterable<R>,
  options: QueueModelOptions,
): Generator<QueueResult<R>> {
  const { sidecar, profile } = options;
  const policy = {
    maxBatchSize: sidecar.max_batch_size,
    preferredBatchSizes: sidecar.preferred_batch_sizes ?? [],
    maxQueueDelayMs: sidecar.max_queue_delay_ms,
  };
  const factorAt = options.deviceFactor ?? (() => 1);
  const jitter = seededRandom(options.seed);
  const queue = new FifoRing<R>(sidecar.max_queue_size);
  const running: Batch<R>[] = [];
  let clock = Number.NEGATIVE_INFINITY;
  const recent = new Float64Array(RECENT);
  let recentCount = 0;
  let recentSum = 0;
  const out: QueueResult<R>[] = [];

  const recordDuration = (ms: number) => {
    const slot = recentCount % RECENT;
    if (recentCount >= RECENT) recentSum -= recent[slot] as number;
    recent[slot] = ms;
    recentSum += ms;
    recentCount++;
  };

  const pump = (now: number) => {
    while (running.length < sidecar.max_in_flight && queue.size > 0) {
      const waited = now - (queue.peek() as R).arrivalMs + EPSILON_MS;
      const size = batchSizeToDispatch(queue.size, waited, policy);
      if (size === 0) return;
      const batch = queue.take(size);
      const base = batchDurationMs(profile, size) + jitter() * profile.jitterMs;
      const durationMs = base * factorAt(now);
      running.push({
        requests: batch,
        startMs: now,
        endMs: now + durationMs,
        durationMs,
        settled: 0,
      });
    }
  };

  const finish = (batch: Batch<R>) => {
    running.splice(running.indexOf(batch), 1);
    recordDuration(batch.endMs - batch.startMs);
    pump(batch.endMs);
    for (let i = batch.settled; i < batch.requests.length; i++)
      out.push(served(batch, batch.requests[i] as R, profile));
  };

  const timeOutRunning = (batch: Batch<R>, now: number) => {
    out.push(timedOut(batch.requests[batch.settled++] as R, now, batch));
    // Nobody waits any more: the sidecar aborts the batch and the device is free at once.
    if (batch.settled === batch.requests.length) {
      batch.endMs = now;
      finish(batch);
    }
  };

  const iterator = requests[Symbol.iterator]();
  let next = iterator.next();
  for (;;) {
    const arrivalAt = next.done ? INFINITY : next.value.arrivalMs;
    // The earliest internal event: a batch ends, a running request times out, or the oldest
    // queued request has waited max_queue_delay_ms while a slot is free. A queued request never
    // times out here: every request has the same timeout, so those running (who arrived
    // earlier) time out first, and a batch nobody waits for is aborted, freeing the device.
    let at = INFINITY;
    let ending: Batch<R> | undefined;
    let expiring: Batch<R> | undefined;
    for (const batch of running) {
      if (batch.endMs < at) {
        at = batch.endMs;
        ending = batch;
        expiring = undefined;
      }
      const first = batch.requests[batch.settled] as R;
      if (first.arrivalMs + sidecar.timeout_ms < at) {
        at = first.arrivalMs + sidecar.timeout_ms;
        ending = undefined;
        expiring = batch;
      }
    }
    const head = queue.peek();
    const delayAt =
      head !== undefined && running.length < sidecar.max_in_flight
        ? head.arrivalMs + sidecar.max_queue_delay_ms
        : INFINITY;
    const internalAt = min(at, delayAt);
    if (internalAt === INFINITY && arrivalAt === INFINITY) return;
    if (internalAt <= arrivalAt) {
      clock = max(clock, internalAt);
      if (ending !== undefined && at <= delayAt) finish(ending);
      else if (expiring !== undefined && at <= delayAt) timeOutRunning(expiring, at);
      else pump(clock);
    } else {
      clock = arrivalAt;
      // Requests arriving at the same instant are one burst: the batcher pumps once after them.
      while (!next.done && next.value.arrivalMs === arrivalAt) {
        const request = next.value;
        const admission = admissionOf({
          queueDepth: queue.size,
          joining: 1,
          timeoutMs: sidecar.timeout_ms,
          maxQueueSize: sidecar.max_queue_size,
          maxBatchSize: sidecar.max_batch_size,
          maxInFlight: sidecar.max_in_flight,
          maxQueueDelayMs: sidecar.max_queue_delay_ms,
          recentBatchMs: recentCount === 0 ? undefined : recentSum / min(recentCount, RECENT),
        });
        if (admission.kind === 'admit') queue.push(request);
        else out.push(refused(request, admission));
        next = iterator.next();
      }
      pump(arrivalAt);
    }
    for (const result of out) yield result;
    out.length = 0;
  }
}

function served<R extends QueuedRequest>(
  batch: Batch<R>,
  request: R,
  profile: DeviceProfile,
): QueueResult<R> {
  const queueMs = batch.startMs - request.arrivalMs;
  return {
    request,
    status: 'ok',
    httpStatus: 200,
    endMs: batch.endMs,
    queueMs,
    batchSize: batch.requests.length,
    ttftMs: queueMs + batch.durationMs * profile.prefillShare,
    latencyMs: batch.endMs - request.arrivalMs,
    outputTokens: max(1, min(request.maxTokens, profile.outputTokens)),
  };
}

function refused<R extends QueuedRequest>(request: R, admission: Admission): QueueResult<R> {
  return {
    request,
    status: admission.kind === 'shed' ? 'shed' : 'queue_full',
    httpStatus: 503,
    endMs: request.arrivalMs,
    queueMs: null,
    batchSize: null,
    ttftMs: null,
    latencyMs: 0,
    outputTokens: null,
  };
}

function timedOut<R extends QueuedRequest>(
  request: R,
  now: number,
  batch: Batch<R>,
): QueueResult<R> {
  return {
    request,
    status: 'timeout',
    httpStatus: 504,
    endMs: now,
    queueMs: batch.startMs - request.arrivalMs,
    batchSize: batch.requests.length,
    ttftMs: null,
    latencyMs: now - request.arrivalMs,
    outputTokens: null,
  };
}
