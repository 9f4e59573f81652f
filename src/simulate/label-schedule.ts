// The feedback a live run owes: scores and labels, each due at a time (a coherence score at the
// answer, a correctness label minutes later). Pure: a min-heap by due time; the poster takes
// what is due and sends it.

/** One item of POST /api/v1/feedback (the API's body shape). */
export interface FeedbackItem {
  trace_id?: string;
  span_id?: string;
  response_id?: string;
  name: string;
  value?: number;
  label?: string;
  /** Epoch ms of the evaluation. */
  ts: number;
  evaluator?: string;
}

interface Entry {
  dueMs: number;
  seq: number;
  item: FeedbackItem;
}

/** Feedback items ordered by due time (ties in the order they were added). */
export class LabelSchedule {
  private readonly heap: Entry[] = [];
  private added = 0;

  /** Items not yet taken. */
  get size(): number {
    return this.heap.length;
  }

  /** Adds an item due at `dueMs`. */
  add(item: FeedbackItem, dueMs: number): void {
    this.heap.push({ dueMs, seq: this.added++, item });
    this.up(this.heap.length - 1);
  }

  /** Removes and returns the items due at or before `nowMs`, earliest first, at most `limit`. */
  takeDue(nowMs: number, limit = Number.POSITIVE_INFINITY): FeedbackItem[] {
    const due: FeedbackItem[] = [];
    while (due.length < limit && this.heap.length > 0 && (this.heap[0] as Entry).dueMs <= nowMs) {
      due.push((this.heap[0] as Entry).item);
      const last = this.heap.pop() as Entry;
      if (this.heap.length > 0) {
        this.heap[0] = last;
        this.down(0);
      }
    }
    return due;
  }

  private before(a: number, b: number): boolean {
    const x = this.heap[a] as Entry;
    const y = this.heap[b] as Entry;
    return x.dueMs < y.dueMs || (x.dueMs === y.dueMs && x.seq < y.seq);
  }

  private swap(a: number, b: number): void {
    const t = this.heap[a] as Entry;
    this.heap[a] = this.heap[b] as Entry;
    this.heap[b] = t;
  }

  private up(i: number): void {
    for (let p = (i - 1) >> 1; i > 0 && this.before(i, p); i = p, p = (i - 1) >> 1) this.swap(i, p);
  }

  private down(i: number): void {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.heap.length && this.before(l, m)) m = l;
      if (r < this.heap.length && this.before(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}
