// Posts a live run's scores and labels to InsightAgent's feedback API (POST /api/v1/feedback)
// as an evaluation pipeline would: items wait in a schedule until due, and what is due goes out
// in one POST per tick (every second), at most MAX_ITEMS per POST.
import { type FeedbackItem, LabelSchedule } from './label-schedule';

/** Items per POST (the API takes up to 8 MiB; a few hundred bytes each). */
export const MAX_ITEMS = 1_000;
/** Items held (waiting to be due, or to be sent again); beyond it new ones are dropped. */
export const MAX_HELD = 200_000;
/** Ticks an item is sent again after retryable failures before it is dropped (~30 s). */
export const MAX_RETRIES = 30;
/** Statuses worth sending again at the next tick (the OTLP spec's retryable set). */
const RETRYABLE = new Set([429, 502, 503, 504]);
const POST_TIMEOUT_MS = 5_000;

/** Where feedback goes, how often, and what to count. */
export interface FeedbackPosterOptions {
  /** InsightAgent's API base URL; the path /api/v1/feedback is appended. */
  url: string;
  token?: string;
  clock: () => number;
  intervalMs?: number;
  /** Told of the items the API accepted, and of each failure with the items it lost (0: retried). */
  onPosted?: (items: readonly FeedbackItem[]) => void;
  onError?: (err: unknown, items: number) => void;
}

/** The poster: schedule items, post what is due, stop. */
export interface FeedbackPoster {
  /** Schedules an item for `dueMs` (epoch ms); due items go out at the next tick. */
  add(item: FeedbackItem, dueMs: number): void;
  /** Posts everything due now and waits for the POSTs in flight. */
  flush(): Promise<void>;
  /** Stops the timer, posts what is due, and returns how many items were not yet due (dropped). */
  close(): Promise<{ pending: number }>;
}

/** Returns a poster whose timer runs until close. */
export function createFeedbackPoster(options: FeedbackPosterOptions): FeedbackPoster {
  const schedule = new LabelSchedule();
  const endpoint = `${options.url.replace(/\/+$/, '')}/api/v1/feedback`;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let chain: Promise<void> = Promise.resolve();
  let closed = false;
  const intervalMs = options.intervalMs ?? 1_000;
  const retries = new WeakMap<FeedbackItem, number>();

  const post = async (items: FeedbackItem[]): Promise<void> => {
    try {
      const res = await fetch(endpoint, {
        method: 'POST',
        headers,
        body: JSON.stringify(items),
        signal: AbortSignal.timeout(POST_TIMEOUT_MS),
      });
      const text = await res.text();
      if (res.status === 200) {
        const answer = JSON.parse(text) as {
          rejected?: number;
          errors?: Array<{ index: number; message: string }>;
        };
        const refused = new Set((answer.errors ?? []).map((e) => e.index));
        if (refused.size > 0)
          options.onError?.(
            new Error(`feedback refused: ${JSON.stringify(answer.errors?.slice(0, 3))}`),
            refused.size,
          );
        options.onPosted?.(items.filter((_item, i) => !refused.has(i)));
        return;
      }
      const err = new Error(`POST ${endpoint} answered ${res.status}: ${text.slice(0, 200)}`);
      if (RETRYABLE.has(res.status) && !closed) return retry(items, err);
      options.onError?.(err, items.length);
    } catch (err) {
      // Network errors and timeouts: the API may be restarting; try again at the next tick.
      if (!closed) return retry(items, err);
      options.onError?.(err, items.length);
    }
  };
  // Again at the next tick, not in this one: a failing API is not asked in a tight loop. An
  // item that failed MAX_RETRIES times is dropped and counted lost.
  const retry = (items: FeedbackItem[], err: unknown) => {
    let lost = 0;
    for (const item of items) {
      const tries = (retries.get(item) ?? 0) + 1;
      if (tries > MAX_RETRIES) {
        lost++;
        continue;
      }
      retries.set(item, tries);
      schedule.add(item, options.clock() + intervalMs);
    }
    options.onError?.(err, lost);
  };

  // POSTs run one after another: the API sees each item once and in due order.
  const tick = (): Promise<void> => {
    chain = chain.then(async () => {
      for (;;) {
        const due = schedule.takeDue(options.clock(), MAX_ITEMS);
        if (due.length === 0) return;
        await post(due);
      }
    });
    return chain;
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();

  return {
    add(item, dueMs) {
      if (schedule.size >= MAX_HELD) {
        options.onError?.(new Error(`feedback dropped: ${MAX_HELD} items already held`), 1);
        return;
      }
      schedule.add(item, dueMs);
    },
    flush: tick,
    async close() {
      clearInterval(timer);
      closed = true;
      await tick();
      return { pending: schedule.size };
    },
  };
}
