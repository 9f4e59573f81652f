// Answers that come after the outbox stopped waiting. A receiver slower than the timeout has
// usually taken the message (Slack posts it, then answers 200): aborting the request and
// retrying would deliver it twice, and Slack has no idempotency key to drop the second. So a
// timed-out request stays open; a 2xx that arrives before the retry leaves is the delivery,
// and the retry, once due, first gives the open request one more timeout to answer.
import type { AttemptOutcome } from './retry-policy';

interface OpenAttempt {
  /** Resolves once the answer is in (and recorded when it delivered) or abandoned. */
  settled: Promise<void>;
  abort(): void;
}

const TIMED_OUT = Symbol('timed out');

function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The open requests of one outbox, by message id, and the messages their answers delivered. */
export class LateAnswers {
  private readonly open = new Map<string, OpenAttempt>();
  private readonly delivered = new Set<string>();

  /**
   * Returns the attempt's outcome if `answer` comes within `timeoutMs`; else undefined, and the
   * request stays open: `onDelivered` records a 2xx that comes later, `abort` ends the request
   * when a retry is due, on close, or after `capMs` at the latest.
   */
  async wait(
    id: string,
    answer: Promise<AttemptOutcome>,
    timeoutMs: number,
    capMs: number,
    abort: () => void,
    onDelivered: (outcome: AttemptOutcome) => Promise<void>,
  ): Promise<AttemptOutcome | undefined> {
    const first = await within(answer, timeoutMs);
    if (first !== TIMED_OUT) return first;
    const cap = setTimeout(abort, capMs);
    cap.unref();
    const settled = answer
      .then(async (outcome) => {
        if (outcome.kind !== 'delivered') return;
        await onDelivered(outcome);
        this.delivered.add(id);
      })
      .catch(() => undefined)
      .finally(() => {
        clearTimeout(cap);
        this.open.delete(id);
      });
    this.open.set(id, { settled, abort });
    return undefined;
  }

  /**
   * Forgets late deliveries already stored; call before reading the queue, so a message is
   * either no longer pending in what is read or still listed here.
   */
  startPass(): void {
    this.delivered.clear();
  }

  /**
   * Decides whether message `id` was delivered by a late answer; an open request gets up to
   * `waitMs` more, then is abandoned (its retry may go).
   */
  async settle(id: string, waitMs: number): Promise<boolean> {
    const open = this.open.get(id);
    if (open !== undefined && (await within(open.settled, waitMs)) === TIMED_OUT) {
      open.abort();
      await open.settled;
    }
    return this.delivered.has(id);
  }

  /** Gives every open request up to `waitMs` to answer, then abandons the rest. */
  async close(waitMs: number): Promise<void> {
    await Promise.all([...this.open.keys()].map((id) => this.settle(id, waitMs)));
  }
}
