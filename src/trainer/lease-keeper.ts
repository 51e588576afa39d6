import type { Lease } from '../transport/trial-queue.js';

/**
 * Keeps the leases of a host's running trials alive: one timer renews them all (BullMQ's lock
 * manager, not a timer per job), and a renewal that throws (the connection is gone for now) is
 * retried on the next tick instead of ending the trial. The queue redelivers a trial whose lease
 * lapses, so the period must sit well inside the queue's ack wait.
 */
export class LeaseKeeper {
  private readonly leases = new Set<Lease>();
  private timer: NodeJS.Timeout | undefined;

  /** @param renewEveryMs how often each held lease is extended */
  constructor(private readonly renewEveryMs: number) {}

  /** Renews `lease` until the returned function is called. */
  hold(lease: Lease): () => void {
    this.leases.add(lease);
    this.timer ??= setInterval(() => this.renewAll(), this.renewEveryMs);
    return () => {
      this.leases.delete(lease);
      if (this.leases.size === 0) this.stop();
    };
  }

  get size(): number {
    return this.leases.size;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private renewAll(): void {
    for (const lease of this.leases) {
      try {
        lease.working();
      } catch {
        // Disconnected: the client reconnects, and the next tick renews.
      }
    }
  }
}
