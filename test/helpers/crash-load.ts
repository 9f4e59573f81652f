// The crash tests' load generator: concurrent OTLP/JSON exporters, each span with an id of its
// own and an inline score, each request resent until it is answered 200 — as the OpenTelemetry
// exporters retry an export that got no answer or a retryable status — and every attempt's
// outcome recorded.
import { setTimeout as sleep } from 'node:timers/promises';
import { hexId, raw, span, tracesRequest } from './genai-otlp';

/** One export request and what became of its attempts. */
export interface SentRequest {
  traceId: string;
  spanIds: string[];
  /** Attempts that got no answer (connection refused or reset, timeout). */
  unanswered: number;
  /** Attempts answered with a retryable status (429, 502, 503, 504). */
  refused: number;
  acked: boolean;
}

/** How the load runs. */
export interface LoadOptions {
  /** The OTLP base URL (read per attempt). */
  otlpBase: () => string;
  token: string;
  workers: number;
  spansPerRequest: number;
  model: string;
}

const RETRYABLE = new Set([429, 502, 503, 504]);
const FIRST_BACKOFF_MS = 50;
const MAX_BACKOFF_MS = 500;
/** The OTLP exporters' default export timeout. */
const TIMEOUT_MS = 10_000;

/** Runs `workers` exporters until stopped; every request they start is resent until acked. */
export class OtlpLoad {
  readonly requests: SentRequest[] = [];
  /** Answers that are neither 200 nor retryable: each is a defect to report. */
  readonly failures: string[] = [];
  private running = false;
  private aborted = false;
  private workers: Promise<void>[] = [];
  private nextSpan = 1;

  constructor(private readonly options: LoadOptions) {}

  /** Starts the exporters (a second call while running does nothing). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.workers = Array.from({ length: this.options.workers }, () => this.work());
  }

  /** Stops starting requests and waits until every started one is acked (or failed). */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
  }

  /** Stops at once: no new request, no further attempt (for a test that already failed). */
  abort(): void {
    this.running = false;
    this.aborted = true;
  }

  /** Returns the requests acked so far. */
  acked(): SentRequest[] {
    return this.requests.filter((r) => r.acked);
  }

  private async work(): Promise<void> {
    while (this.running) await this.export(this.nextRequest());
  }

  private nextRequest(): { sent: SentRequest; body: string } {
    const n = this.requests.length + 1;
    const now = Date.now();
    const spanIds: string[] = [];
    const spans: unknown[] = [];
    for (let i = 0; i < this.options.spansPerRequest; i++) {
      const spanId = hexId(this.nextSpan++, 8);
      spanIds.push(spanId);
      spans.push(
        span({
          traceId: hexId(n, 16),
          spanId,
          startMs: now - 1_000 + i,
          durationMs: 100 + (i % 50),
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.request.model': this.options.model,
            'gen_ai.usage.input_tokens': 100 + (i % 20),
            'gen_ai.usage.output_tokens': 20 + (i % 10),
          },
          // A score inline: every request writes two tables in one flush.
          events: [
            {
              name: 'gen_ai.evaluation.result',
              attributes: {
                'gen_ai.evaluation.name': 'accuracy',
                'gen_ai.evaluation.score.value': raw({ doubleValue: (i % 100) / 100 }),
              },
            },
          ],
        }),
      );
    }
    const sent: SentRequest = {
      traceId: hexId(n, 16),
      spanIds,
      unanswered: 0,
      refused: 0,
      acked: false,
    };
    this.requests.push(sent);
    return { sent, body: JSON.stringify(tracesRequest(spans, { 'service.name': 'crash-load' })) };
  }

  // Sends until 200 (or an answer no exporter retries), backing off between attempts.
  private async export({ sent, body }: { sent: SentRequest; body: string }): Promise<void> {
    let backoff = FIRST_BACKOFF_MS;
    for (;;) {
      let status: number | undefined;
      let text = '';
      try {
        const res = await fetch(`${this.options.otlpBase()}/v1/traces`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${this.options.token}`,
          },
          body,
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        status = res.status;
        text = await res.text();
      } catch {
        status = undefined;
      }
      if (status === 200) {
        sent.acked = true;
        return;
      }
      if (this.aborted) return;
      if (status === undefined) sent.unanswered++;
      else if (RETRYABLE.has(status)) sent.refused++;
      else {
        this.failures.push(`trace ${sent.traceId}: HTTP ${status}: ${text.slice(0, 300)}`);
        return;
      }
      await sleep(backoff * (0.5 + Math.random() / 2));
      backoff = Math.min(MAX_BACKOFF_MS, backoff * 1.5);
    }
  }
}

/** What the store holds of the load's spans, judged against what was sent and acked. */
export interface StoredTally {
  /** Rows found for the load's span ids (duplicates included). */
  rows: number;
  /** Span ids acked but not stored. */
  lost: string[];
  /** Rows beyond the first per span id. */
  duplicates: number;
  /** Span ids stored more often than their request was sent without getting an answer, plus one. */
  unexplained: string[];
  /** Stored span ids the load never sent. */
  strangers: string[];
}

/**
 * Judges `stored` (rows per span id) against the requests: an acked span must be stored; a span
 * may be stored once more for each attempt of its request that got no answer (the first attempt
 * may have been committed before the crash cut its answer off), and no more.
 */
export function tallyStored(
  requests: readonly SentRequest[],
  stored: ReadonlyMap<string, number>,
): StoredTally {
  const tally: StoredTally = { rows: 0, lost: [], duplicates: 0, unexplained: [], strangers: [] };
  const sent = new Set<string>();
  for (const request of requests) {
    for (const id of request.spanIds) {
      sent.add(id);
      const n = stored.get(id) ?? 0;
      if (n === 0 && request.acked) tally.lost.push(id);
      if (n > 1) tally.duplicates += n - 1;
      if (n - 1 > request.unanswered) tally.unexplained.push(`${id} x${n}`);
    }
  }
  for (const [id, n] of stored) {
    tally.rows += n;
    if (!sent.has(id)) tally.strangers.push(id);
  }
  return tally;
}
