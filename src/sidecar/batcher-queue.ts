// The batcher's waiting room: one FIFO per priority level (0 = highest). Each level is a Set, so
// removing a cancelled or timed-out request is O(1) and iteration keeps arrival order.

/** What the queue needs from an entry. */
export interface QueueEntry {
  priority: number;
  /** Arrival order across all levels; ties on time are broken by it. */
  seq: number;
  enqueuedAt: number;
}

/** Priority levels of FIFO queues; `take` drains the highest level first. */
export class PriorityQueue<T extends QueueEntry> {
  private readonly levels: Set<T>[];
  private count = 0;

  constructor(levels: number) {
    this.levels = Array.from({ length: levels }, () => new Set<T>());
  }

  /** Returns the number of queued entries. */
  get size(): number {
    return this.count;
  }

  /** Returns the queued count per level, index = priority. */
  depthByLevel(): number[] {
    return this.levels.map((level) => level.size);
  }

  /** Adds an entry at the back of its level. */
  push(entry: T): void {
    this.level(entry.priority).add(entry);
    this.count++;
  }

  /** Removes an entry; returns false if it was not queued. */
  remove(entry: T): boolean {
    const removed = this.level(entry.priority).delete(entry);
    if (removed) this.count--;
    return removed;
  }

  /** Removes and returns up to `n` entries, highest priority first, FIFO within a level. */
  take(n: number): T[] {
    const out: T[] = [];
    for (const level of this.levels) {
      for (const entry of level) {
        if (out.length >= n) break;
        out.push(entry);
      }
    }
    for (const entry of out) this.remove(entry);
    return out;
  }

  /** Returns the entry that arrived first, whatever its level. */
  oldest(): T | undefined {
    let oldest: T | undefined;
    for (const level of this.levels) {
      const head = level.values().next().value;
      if (head !== undefined && (oldest === undefined || head.seq < oldest.seq)) oldest = head;
    }
    return oldest;
  }

  /** Removes and returns every entry. */
  drain(): T[] {
    return this.take(this.count);
  }

  private level(priority: number): Set<T> {
    const level = this.levels[priority];
    if (level === undefined) throw new RangeError(`no priority level ${priority}`);
    return level;
  }
}
