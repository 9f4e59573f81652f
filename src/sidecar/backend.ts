// What the batcher hands a batch to: one interface for every kind of model server (an emulated
// device, an upstream OpenAI-compatible server, a KServe/Triton server).

/** How the client asked the model to sample; absent = the upstream's default. */
export interface SamplingParams {
  temperature?: number;
  topP?: number;
  seed?: number;
  /** Stop sequences (a single one as a list of one). */
  stop?: readonly string[];
}

/** One completion request as the sidecar normalised it. */
export interface CompletionRequest extends SamplingParams {
  model: string;
  prompt: string;
  /** Most tokens to generate. */
  maxTokens: number;
  /** Prompt tokens, counted or estimated by the caller. */
  inputTokens: number;
}

/** The answer to one request of a batch. */
export interface CompletionResult {
  text: string;
  inputTokens: number;
  outputTokens: number;
  /** From the batch's start on the device to this item's first token. */
  ttftMs: number;
  /** From the batch's start to this item's last token. */
  durationMs: number;
}

/** Called as an item's tokens come out (streaming); `index` is the item's place in the batch. */
export type TokenListener = (index: number, text: string) => void;

/** A model server behind the batcher. */
export interface Backend {
  readonly kind: string;
  /**
   * The model version last known to be served (records and spans when no model is at hand). An
   * upstream's is read from the upstream, so it changes after a redeploy.
   */
  readonly modelVersion: string;
  /**
   * Returns the version serving `model` now (part of every cache key): an upstream backend asks
   * the upstream when its last answer is older than its refresh period. Never rejects. Absent:
   * `modelVersion`, fixed.
   */
  versionOf?(model: string): Promise<string>;
  /** Runs one batch; result i answers request i. `onToken` streams tokens as they come out. */
  runBatch(
    requests: readonly CompletionRequest[],
    signal: AbortSignal,
    onToken?: TokenListener,
  ): Promise<CompletionResult[]>;
  /** Whether it can take work now (GET /v2/health/ready). */
  ready(): Promise<boolean>;
}

/** The sampling fields of an OpenAI body or of KServe `parameters`, as the client wrote them. */
export interface SamplingBody {
  temperature?: number | undefined;
  top_p?: number | undefined;
  seed?: number | undefined;
  stop?: string | readonly string[] | undefined;
}

/** Returns the sampling params of a body (a single stop sequence as a list of one). */
export function samplingFromBody(body: SamplingBody): SamplingParams {
  const { temperature, top_p, seed, stop } = body;
  return {
    ...(temperature === undefined ? {} : { temperature }),
    ...(top_p === undefined ? {} : { topP: top_p }),
    ...(seed === undefined ? {} : { seed }),
    ...(stop === undefined ? {} : { stop: typeof stop === 'string' ? [stop] : stop }),
  };
}

/** Returns the batch's indices grouped by equal sampling params, in order of first appearance. */
export function groupBySampling(requests: readonly SamplingParams[]): number[][] {
  const groups = new Map<string, number[]>();
  requests.forEach((request, i) => {
    const { temperature, topP, seed, stop } = request;
    const key = JSON.stringify([temperature, topP, seed, stop]);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [i]);
    else group.push(i);
  });
  return [...groups.values()];
}

/** Runs one group of a batch upstream (its requests in group order). */
export type GroupRunner = (
  requests: readonly CompletionRequest[],
  signal: AbortSignal,
  onToken?: TokenListener,
) => Promise<CompletionResult[]>;

/**
 * Runs a batch as one upstream call per group of equal sampling params, the groups at once;
 * returns the results in the batch's order. One group failing aborts the others.
 */
export async function runBySampling(
  requests: readonly CompletionRequest[],
  signal: AbortSignal,
  onToken: TokenListener | undefined,
  run: GroupRunner,
): Promise<CompletionResult[]> {
  const groups = groupBySampling(requests);
  if (groups.length === 1) return run(requests, signal, onToken);
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) controller.abort(signal.reason);
  const results: CompletionResult[] = new Array(requests.length);
  try {
    await Promise.all(
      groups.map(async (group) => {
        const listener: TokenListener | undefined =
          onToken === undefined ? undefined : (k, text) => onToken(group[k] as number, text);
        try {
          const out = await run(
            group.map((i) => requests[i] as CompletionRequest),
            controller.signal,
            listener,
          );
          if (out.length !== group.length)
            throw new Error(`upstream answered ${out.length} results for ${group.length} requests`);
          group.forEach((i, k) => {
            results[i] = out[k] as CompletionResult;
          });
        } catch (err) {
          controller.abort(err);
          throw err;
        }
      }),
    );
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  return results;
}

/** Returns the version serving `model` now, as the backend reports it. */
export function currentVersion(backend: Backend, model: string): Promise<string> {
  return backend.versionOf?.(model) ?? Promise.resolve(backend.modelVersion);
}

/** How an upstream backend learns its model versions. */
export interface UpstreamVersionOptions {
  /** Asks the upstream which version serves `model`; rejects when it cannot tell. */
  ask: (model: string, signal: AbortSignal) => Promise<string>;
  /** The version until the upstream has told one. */
  fallback: string;
  /** How long an answer holds (ms); default 30 000. */
  maxAgeMs?: number;
  /** After a failed ask, how long before asking again (ms); default 1 000. */
  retryMs?: number;
  /** How long one ask may take (ms); default 2 000. */
  timeoutMs?: number;
  /** Milliseconds, for the ages; default Date.now. */
  now?: () => number;
  /** Told of each failed ask (for the log); the last version known is kept meanwhile. */
  onAskError?: (model: string, err: unknown) => void;
}

interface Known {
  version: string;
  expiresAt: number;
  asking?: Promise<string>;
}

/**
 * The model versions an upstream reports, asked again once older than `maxAgeMs` or after a
 * failed batch (`expire`), one ask per model at a time. A failed ask keeps the last version known.
 */
export class UpstreamVersions {
  private readonly known = new Map<string, Known>();
  private lastVersion: string;

  constructor(private readonly options: UpstreamVersionOptions) {
    this.lastVersion = options.fallback;
  }

  /** The version last told by the upstream, of any model (or the fallback). */
  get last(): string {
    return this.lastVersion;
  }

  /** Returns the version of `model`, asking the upstream when the last answer expired. */
  get(model: string): Promise<string> {
    const now = this.options.now ?? Date.now;
    const known = this.known.get(model);
    if (known?.asking !== undefined) return known.asking;
    if (known !== undefined && now() < known.expiresAt) return Promise.resolve(known.version);
    const entry: Known = known ?? { version: this.options.fallback, expiresAt: 0 };
    this.known.set(model, entry);
    const signal = AbortSignal.timeout(this.options.timeoutMs ?? 2_000);
    // Through a promise: an `ask` that throws at once is a failed ask too.
    entry.asking = Promise.resolve()
      .then(() => this.options.ask(model, signal))
      .then(
        (version) => {
          entry.version = version;
          entry.expiresAt = now() + (this.options.maxAgeMs ?? 30_000);
          this.lastVersion = version;
          return version;
        },
        (err: unknown) => {
          entry.expiresAt = now() + (this.options.retryMs ?? 1_000);
          this.options.onAskError?.(model, err);
          return entry.version;
        },
      );
    entry.asking.finally(() => {
      entry.asking = undefined;
    });
    return entry.asking;
  }

  /** Makes the next `get` of `model` ask the upstream again (after a failed batch). */
  expire(model: string): void {
    const known = this.known.get(model);
    if (known !== undefined) known.expiresAt = 0;
  }
}
