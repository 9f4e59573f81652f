// A bounded first-in-first-out queue on a ring buffer: the queue model pushes, peeks and takes
// batches from the front without the O(n) shifts of an array.

/** A FIFO of at most `capacity` items. */
export class FifoRing<T> {
  private readonly slots: (T | undefined)[];
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.slots = new Array<T | undefined>(capacity);
  }

  /** Returns how many items are queued. */
  get size(): number {
    return this.count;
  }

  /** Appends an item; throws a RangeError when full (admission should have refused it). */
  push(item: T): void {
    if (this.count === this.capacity) throw new RangeError(`queue full (${this.capacity})`);
    this.slots[(this.head + this.count) % this.capacity] = item;
    this.count++;
  }

  /** Returns the oldest item, or undefined when empty. */
  peek(): T | undefined {
    return this.count === 0 ? undefined : this.slots[this.head];
  }

  /** Removes and returns the oldest item, or undefined when empty. */
  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.slots[this.head];
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    return item;
  }

  /** Removes and returns the `n` oldest items (fewer when fewer are queued), oldest first. */
  take(n: number): T[] {
    const taken: T[] = [];
    while (taken.length < n && this.count > 0) taken.push(this.shift() as T);
    return taken;
  }
}
