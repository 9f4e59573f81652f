// What the batcher hands a batch to: one interface for every kind of model server (an emulated
// device, an upstream OpenAI-compatible server, a KServe/Triton server).

/** One completion request as the sidecar normalised it. */
export interface CompletionRequest {
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
  /** The model version it serves (part of every cache key and span). */
  readonly modelVersion: string;
  /** Runs one batch; result i answers request i. `onToken` streams tokens as they come out. */
  runBatch(
    requests: readonly CompletionRequest[],
    signal: AbortSignal,
    onToken?: TokenListener,
  ): Promise<CompletionResult[]>;
  /** Whether it can take work now (GET /v2/health/ready). */
  ready(): Promise<boolean>;
}
