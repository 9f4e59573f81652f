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

/** Returns the version serving `model` now, as the backend reports it. */
export function currentVersion(backend: Backend, model: string): Promise<string> {
  return backend.versionOf?.(model) ?? Promise.resolve(backend.modelVersion);
}
