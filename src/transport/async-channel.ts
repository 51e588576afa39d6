/**
 * An unbounded FIFO that producers push into and consumers await: the in-process stand-in for a
 * stream. `takeUpTo` hands out several items at once so a consumer can match what it takes to its
 * free capacity.
 */
export class AsyncChannel<T> {
  private readonly items: T[] = [];
  private readonly waiters: Array<() => void> = [];
  private closed = false;

  get size(): number {
    return this.items.length;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  push(item: T): void {
    if (this.closed) return;
    this.items.push(item);
    this.wake();
  }

  /** Removes every queued item that matches, returning them. */
  remove(match: (item: T) => boolean): T[] {
    const kept: T[] = [];
    const removed: T[] = [];
    for (const item of this.items) (match(item) ? removed : kept).push(item);
    this.items.splice(0, this.items.length, ...kept);
    return removed;
  }

  /** Waits for at least one item, then returns up to `max`; [] once closed or aborted. */
  async takeUpTo(max: number, signal?: AbortSignal): Promise<T[]> {
    while (this.items.length === 0) {
      if (this.closed || signal?.aborted) return [];
      await new Promise<void>((resolve) => {
        const onAbort = (): void => resolve();
        signal?.addEventListener('abort', onAbort, { once: true });
        this.waiters.push(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        });
      });
    }
    return this.items.splice(0, Math.max(1, max));
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for (;;) {
      const [item] = await this.takeUpTo(1);
      if (item === undefined) return;
      yield item;
    }
  }

  close(): void {
    this.closed = true;
    this.wake();
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}
