// One batcher per model in front of the shared backend. Each batcher item carries its own token
// listener, so a streaming caller gets its tokens while the rest of its batch runs.
import { AppError } from '../errors';
import type { Backend, CompletionRequest, CompletionResult } from './backend';
import { Batcher } from './batcher';
import { batcherOptionsOf, type ModelOptions } from './server-config';

/** What the batcher queues: the request and, for a streaming caller, where its tokens go. */
export interface BatchItem {
  request: CompletionRequest;
  onToken?: (text: string) => void;
}

/** Called after every batch the backend ran (for metrics). */
export type BatchObserver = (model: string, size: number, durationMs: number) => void;

/** A model's batcher, its options and how long its recent batches took. */
export interface ModelRuntime {
  name: string;
  options: ModelOptions;
  batcher: Batcher<BatchItem, CompletionResult>;
  /** Mean duration of the last batches (ms), or undefined before the first one. */
  recentBatchMs(): number | undefined;
}

/** A model's name and options, known without making its batcher. */
export interface ModelInfo {
  name: string;
  options: ModelOptions;
}

/** Called with the name of a lazily made batcher the pool dropped (idle, least recently used). */
export type EvictListener = (model: string) => void;

const RECENT = 16;
/** Bound on lazily made batchers when no models are configured. */
export const MAX_LAZY_MODELS = 64;

/** The batchers of every model served. */
export class ModelPool {
  // Least recently used first (a Map keeps insertion order; `get` re-inserts).
  private readonly runtimes = new Map<string, ModelRuntime>();
  private readonly listed: boolean;
  private readonly evictListeners: EvictListener[] = [];

  constructor(
    private readonly backend: Backend,
    configured: Readonly<Record<string, ModelOptions>>,
    private readonly defaults: ModelOptions,
    private readonly onBatch: BatchObserver = () => {},
    private readonly maxLazyModels = MAX_LAZY_MODELS,
  ) {
    this.listed = Object.keys(configured).length > 0;
    for (const [name, options] of Object.entries(configured))
      this.runtimes.set(name, this.make(name, options));
  }

  /** Returns the name and options of a model served here, never making a batcher; 404 if not served. */
  info(model: string): ModelInfo {
    const known = this.runtimes.get(model);
    if (known !== undefined) return { name: known.name, options: known.options };
    if (this.listed)
      throw new AppError('model_not_found', 404, `model "${model}" is not served here`);
    return { name: model, options: this.defaults };
  }

  /**
   * Returns the runtime of `model`, made on first use: call it only for a request that passed
   * validation and rate limiting. 404 for a model not listed; without a `models:` list, past the
   * bound the least recently used idle batcher is dropped, and 503 when every one is busy.
   */
  get(model: string): ModelRuntime {
    const known = this.runtimes.get(model);
    if (known !== undefined) {
      if (!this.listed) {
        this.runtimes.delete(model); // most recently used last
        this.runtimes.set(model, known);
      }
      return known;
    }
    const { options } = this.info(model);
    if (this.runtimes.size >= this.maxLazyModels && !this.evictIdle())
      throw new AppError(
        'models_busy',
        503,
        `model "${model}" has no batcher yet and all ${this.maxLazyModels} batchers (the bound without a models: list) are busy`,
        { retryAfterSeconds: 1 },
      );
    const runtime = this.make(model, options);
    this.runtimes.set(model, runtime);
    return runtime;
  }

  /** Returns whether `model` has a batcher (a safe metric label: the set is bounded). */
  has(model: string): boolean {
    return this.runtimes.has(model);
  }

  /** Returns the runtimes made so far. */
  all(): ModelRuntime[] {
    return [...this.runtimes.values()];
  }

  /** Calls `listener` with the name of each batcher dropped to make room. */
  onEvict(listener: EvictListener): void {
    this.evictListeners.push(listener);
  }

  /** Closes every batcher: queued requests are refused, running batches end. */
  async close(): Promise<void> {
    await Promise.all(this.all().map((runtime) => runtime.batcher.close()));
  }

  // Drops the least recently used batcher with nothing queued or running; returns whether one was.
  // It is not closed: a request that got it from `get` and has yet to submit (it may await between
  // the two) is still served by it; an idle batcher holds no timer, so it is simply collected.
  private evictIdle(): boolean {
    for (const [name, runtime] of this.runtimes) {
      const { queueDepth, inFlightBatches } = runtime.batcher.stats();
      if (queueDepth > 0 || inFlightBatches > 0) continue;
      this.runtimes.delete(name);
      for (const listener of this.evictListeners) listener(name);
      return true;
    }
    return false;
  }

  private make(name: string, options: ModelOptions): ModelRuntime {
    const recent: number[] = [];
    const batcher = new Batcher<BatchItem, CompletionResult>(async (items, signal) => {
      const started = performance.now();
      try {
        // A token listener only when someone streams: backends may skip per-token work without.
        const streams = items.some((item) => item.onToken !== undefined);
        return await this.backend.runBatch(
          items.map((item) => item.request),
          signal,
          streams ? (index, text) => items[index]?.onToken?.(text) : undefined,
        );
      } finally {
        const ms = performance.now() - started;
        recent.push(ms);
        if (recent.length > RECENT) recent.shift();
        this.onBatch(name, items.length, ms);
      }
    }, batcherOptionsOf(options));
    return {
      name,
      options,
      batcher,
      recentBatchMs: () =>
        recent.length === 0 ? undefined : recent.reduce((a, b) => a + b, 0) / recent.length,
    };
  }
}
