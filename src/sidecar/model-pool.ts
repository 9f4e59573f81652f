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

const RECENT = 16;
/** Bound on lazily made batchers when no models are configured. */
const MAX_LAZY_MODELS = 64;

/** The batchers of every model served. */
export class ModelPool {
  private readonly runtimes = new Map<string, ModelRuntime>();

  constructor(
    private readonly backend: Backend,
    private readonly configured: Readonly<Record<string, ModelOptions>>,
    private readonly defaults: ModelOptions,
    private readonly onBatch: BatchObserver = () => {},
  ) {
    for (const name of Object.keys(configured)) this.get(name);
  }

  /** Returns the runtime of `model`, made on first use; throws 404 for a model not served. */
  get(model: string): ModelRuntime {
    const known = this.runtimes.get(model);
    if (known !== undefined) return known;
    const listed = Object.keys(this.configured).length > 0;
    const options = this.configured[model];
    if (listed && options === undefined)
      throw new AppError('model_not_found', 404, `model "${model}" is not served here`);
    if (!listed && this.runtimes.size >= MAX_LAZY_MODELS)
      throw new AppError(
        'model_not_found',
        404,
        `model "${model}" is not served here: at most ${MAX_LAZY_MODELS} models without a models: list`,
      );
    const runtime = this.make(model, options ?? this.defaults);
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

  /** Closes every batcher: queued requests are refused, running batches end. */
  async close(): Promise<void> {
    await Promise.all(this.all().map((runtime) => runtime.batcher.close()));
  }

  private make(name: string, options: ModelOptions): ModelRuntime {
    const recent: number[] = [];
    const batcher = new Batcher<BatchItem, CompletionResult>(async (items, signal) => {
      const started = performance.now();
      try {
        return await this.backend.runBatch(
          items.map((item) => item.request),
          signal,
          (index, text) => items[index]?.onToken?.(text),
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
