// What the sidecar knows of one finished request: the server fills it, the telemetry turns it
// into a span (GenAI conventions + insightagent.* attributes) and metric points.

/** One request as served (or refused) by the sidecar. */
export interface SidecarRequestRecord {
  /** `text_completion`, `chat` (OpenAI) or `infer` (KServe v2). */
  operation: 'text_completion' | 'chat' | 'infer';
  model: string;
  modelVersion: string;
  /** The `x-request-type` header ('' when absent). */
  requestType: string;
  /** Wall-clock start (epoch ms) and end of the request at the sidecar. */
  startMs: number;
  endMs: number;
  /** Time spent queued before its batch left; null when refused or answered from the cache. */
  queueMs: number | null;
  /** Time to first token as the client saw it (from arrival); null without tokens. */
  ttftMs: number | null;
  batchSize: number | null;
  cacheHit: boolean;
  inputTokens: number | null;
  outputTokens: number | null;
  /** `ok`, or the error type: `queue_full`, `rate_limited`, `request_timeout`, `backend_error`, … */
  outcome: string;
  stream: boolean;
  /**
   * The id of the answer the client got (OpenAI: the answer's `id`; KServe: the request's `id`
   * when given), for linking later feedback; null when nothing was answered.
   */
  responseId: string | null;
}

/** Where finished requests go (telemetry); must not throw. */
export type RequestRecorder = (record: SidecarRequestRecord) => void;
