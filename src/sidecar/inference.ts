// One HTTP request through the sidecar: rate limit, cache, capacity, the batcher (one item per
// prompt), and one SidecarRequestRecord per prompt, whatever the outcome.
import type { Logger } from '../telemetry/logger';
import { checkCapacity, outcomeOf, rateLimited, toSidecarError } from './admission';
import {
  type Backend,
  type CompletionRequest,
  type CompletionResult,
  currentVersion,
} from './backend';
import type { BatchedResult } from './batcher';
import type { ResponseCache } from './cache';
import type { ModelPool } from './model-pool';
import type { RequestRecorder, SidecarRequestRecord } from './request-record';
import type { SidecarMetrics } from './server-metrics';
import type { BatchTiming } from './server-timing';
import type { RateLimiter, RateLimitKeys } from './token-bucket';

/** A cached answer. */
export interface CachedAnswer {
  text: string;
  inputTokens: number;
  outputTokens: number;
}

/** One prompt of a request; `cacheKey` is set only for a deterministic request. */
export interface InferenceItem {
  request: CompletionRequest;
  cacheKey?: unknown;
}

/** What the route knows of the HTTP request. */
export interface InferenceCall {
  operation: SidecarRequestRecord['operation'];
  model: string;
  requestType: string;
  rateKeys: RateLimitKeys;
  startMs: number;
  stream: boolean;
  priority?: number;
  timeoutMs: number;
  /** Fires when the client goes away. */
  signal: AbortSignal;
  /** The id the answer carries (OpenAI `id`, KServe request `id`); recorded when answered. */
  responseId?: string;
  /** Set once admitted: the model version serving this request (answers name it). */
  modelVersion?: string;
  /** Called once admitted, before any token: which prompts the cache answers. */
  onAdmitted?: (cacheHits: boolean[]) => void;
  /** Streaming: item `index` produced `text`. */
  onToken?: (index: number, text: string) => void;
}

/** One prompt's answer. */
export interface InferenceResult extends CachedAnswer {
  cacheHit: boolean;
  /** How a batched answer was served (absent for a cache hit): for the Server-Timing header. */
  batch?: BatchTiming;
}

/** What the pipeline needs. */
export interface InferenceDeps {
  backend: Backend;
  pool: ModelPool;
  cache?: ResponseCache<CachedAnswer>;
  limiter?: RateLimiter;
  metrics: SidecarMetrics;
  recorder: RequestRecorder;
  log?: Logger;
  /** Epoch milliseconds (rate limits and records). */
  now: () => number;
}

/**
 * Returns the tokens a cached text is streamed as: each word with the space before it, the text's
 * trailing whitespace on the last one; joined, they are the text.
 */
export function tokensOf(text: string): string[] {
  return text.match(/\s*\S+(?:\s+$)?/g) ?? (text === '' ? [] : [text]);
}

/**
 * Runs a request's prompts; resolves with one result per prompt or rejects with an AppError. The
 * request's records and metrics are made after the caller has answered: on the next tick, once
 * every answer of the batch that just finished is written and before any further I/O is read.
 */
export async function runInference(
  deps: InferenceDeps,
  call: InferenceCall,
  items: readonly InferenceItem[],
): Promise<InferenceResult[]> {
  const outcomes: Array<Partial<SidecarRequestRecord>> = items.map(() => ({}));
  const served: { version?: string } = {};
  try {
    const results = await execute(deps, call, items, outcomes, served);
    process.nextTick(finish, deps, call, items, outcomes, 'ok', served.version);
    return results;
  } catch (raw) {
    const err = toSidecarError(raw);
    process.nextTick(finish, deps, call, items, outcomes, outcomeOf(err), served.version);
    throw err;
  }
}

async function execute(
  deps: InferenceDeps,
  call: InferenceCall,
  items: readonly InferenceItem[],
  outcomes: Array<Partial<SidecarRequestRecord>>,
  served: { version?: string },
): Promise<InferenceResult[]> {
  if (deps.limiter !== undefined) {
    const taken = deps.limiter.take(call.rateKeys, deps.now());
    if (!taken.allowed) throw rateLimited(taken.retryAfterMs);
  }
  const runtime = deps.pool.get(call.model); // makes the batcher: only for an admitted request
  // The version serving the model now: a redeployed upstream's answers never meet the old ones.
  const version = await currentVersion(deps.backend, call.model);
  served.version = version;
  call.modelVersion = version;
  deps.cache?.setModelVersion(call.model, version);
  const cached = items.map((item) => lookup(deps, call.model, version, item));
  const misses = items.flatMap((_item, i) => (cached[i] === undefined ? [i] : []));
  if (misses.length > 0) checkCapacity(runtime, misses.length, call.timeoutMs);
  call.onAdmitted?.(cached.map((answer) => answer !== undefined));
  // Every miss is queued before anything is answered: a refusal comes before any byte is sent.
  // Prompts of one request share a signal, so that one failing withdraws the others; a lone
  // prompt has the client's own.
  const shared = misses.length > 1 ? followSignal(call.signal) : undefined;
  const signal = shared?.controller.signal ?? call.signal;
  const submitted = new Map<number, Promise<BatchedResult<CompletionResult>>>();
  for (const i of misses) {
    const item = items[i] as InferenceItem;
    const onToken = call.onToken;
    submitted.set(
      i,
      runtime.batcher.submit(
        {
          request: item.request,
          ...(onToken === undefined
            ? {}
            : { onToken: (text: string) => tokenOut(deps, call, outcomes, i, text) }),
        },
        {
          ...(call.priority === undefined ? {} : { priority: call.priority }),
          timeoutMs: call.timeoutMs,
          signal,
        },
      ),
    );
  }
  try {
    cached.forEach((answer, i) => {
      if (answer === undefined) return;
      for (const token of tokensOf(answer.text)) tokenOut(deps, call, outcomes, i, token);
    });
    return await Promise.all(
      items.map(async (item, i): Promise<InferenceResult> => {
        const answer = cached[i];
        if (answer !== undefined) return done(deps, outcomes, i, { ...answer, cacheHit: true });
        const batched = await (submitted.get(i) as Promise<BatchedResult<CompletionResult>>);
        const value = batched.value;
        Object.assign(outcomes[i] as object, {
          queueMs: batched.queueMs,
          batchSize: batched.batchSize,
        });
        const result = {
          text: value.text,
          inputTokens: value.inputTokens,
          outputTokens: value.outputTokens,
        };
        if (item.cacheKey !== undefined)
          deps.cache?.set(call.model, version, item.cacheKey, result);
        const batch = {
          size: batched.batchSize,
          queueMs: batched.queueMs,
          deviceWaitMs: batched.deviceWaitMs,
          backendMs: value.durationMs,
        };
        return done(deps, outcomes, i, { ...result, cacheHit: false, batch });
      }),
    );
  } catch (err) {
    // One prompt failed: the others of this request are no longer wanted.
    shared?.controller.abort(err);
    await Promise.allSettled(submitted.values());
    throw err;
  } finally {
    shared?.unfollow();
  }
}

// A controller that aborts when `signal` does, until unfollowed.
function followSignal(signal: AbortSignal): { controller: AbortController; unfollow: () => void } {
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) controller.abort(signal.reason);
  return { controller, unfollow: () => signal.removeEventListener('abort', onAbort) };
}

function lookup(
  deps: InferenceDeps,
  model: string,
  version: string,
  item: InferenceItem,
): CachedAnswer | undefined {
  if (deps.cache === undefined || item.cacheKey === undefined) return undefined;
  const answer = deps.cache.get(model, version, item.cacheKey);
  deps.metrics.cacheLookups.inc({ model, result: answer === undefined ? 'miss' : 'hit' });
  return answer;
}

function tokenOut(
  deps: InferenceDeps,
  call: InferenceCall,
  outcomes: Array<Partial<SidecarRequestRecord>>,
  i: number,
  text: string,
): void {
  const outcome = outcomes[i] as Partial<SidecarRequestRecord>;
  outcome.ttftMs ??= deps.now() - call.startMs;
  call.onToken?.(i, text);
}

function done(
  deps: InferenceDeps,
  outcomes: Array<Partial<SidecarRequestRecord>>,
  i: number,
  result: InferenceResult,
): InferenceResult {
  Object.assign(outcomes[i] as object, {
    cacheHit: result.cacheHit,
    inputTokens: result.inputTokens,
    outputTokens: result.outputTokens,
    answeredMs: deps.now(),
  });
  return result;
}

function finish(
  deps: InferenceDeps,
  call: InferenceCall,
  items: readonly InferenceItem[],
  outcomes: Array<Partial<SidecarRequestRecord> & { answeredMs?: number }>,
  outcome: string,
  version: string | undefined,
): void {
  const endMs = deps.now();
  items.forEach((item, i) => {
    const o = outcomes[i] as Partial<SidecarRequestRecord> & { answeredMs?: number };
    const answered = o.answeredMs !== undefined;
    const record: SidecarRequestRecord = {
      operation: call.operation,
      model: call.model,
      modelVersion: version ?? deps.backend.modelVersion,
      requestType: call.requestType,
      startMs: call.startMs,
      endMs,
      queueMs: o.queueMs ?? null,
      ttftMs: o.ttftMs ?? (answered && (o.outputTokens ?? 0) > 0 ? endMs - call.startMs : null),
      batchSize: o.batchSize ?? null,
      cacheHit: o.cacheHit ?? false,
      inputTokens: o.inputTokens ?? item.request.inputTokens,
      outputTokens: o.outputTokens ?? null,
      outcome,
      stream: call.stream,
      responseId: outcome === 'ok' ? (call.responseId ?? null) : null,
    };
    recordOne(deps, record);
  });
}

/** Counts and hands one record to the recorder (which must not throw; a throw is contained). */
export function recordOne(
  deps: Pick<InferenceDeps, 'metrics' | 'recorder' | 'log' | 'pool'>,
  record: SidecarRequestRecord,
): void {
  // Only served models label metrics: names from refused requests would be unbounded.
  const model = deps.pool.has(record.model) ? record.model : OTHER_MODEL;
  deps.metrics.requests.inc({
    model,
    operation: record.operation,
    outcome: record.outcome,
  });
  if (REJECTIONS.has(record.outcome))
    deps.metrics.rejections.inc({ model, reason: record.outcome });
  if (record.outcome === 'ok')
    deps.metrics.requestDuration.observe(
      { model, operation: record.operation },
      (record.endMs - record.startMs) / 1000,
    );
  try {
    deps.recorder(record);
  } catch (err) {
    // The recorder's contract is not to throw; a broken recorder must not fail the answer.
    deps.log?.error({ err }, 'sidecar request recorder threw');
  }
}

/** The metric label of a model that is not served (a 400 or 404 before it had a batcher). */
export const OTHER_MODEL = '(other)';

const REJECTIONS = new Set([
  'rate_limited',
  'shed',
  'queue_full',
  'batcher_closed',
  'invalid_request',
  'model_not_found',
]);
