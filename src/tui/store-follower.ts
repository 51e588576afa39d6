import type { SweepRecord, SweepStatus, SweepStore } from '../store/sweep-store.js';
import { snapshotView } from './store-snapshot.js';
import type { SweepView } from './view-model.js';
import type { ViewStore } from './view-store.js';

export interface FollowOptions {
  /** How often to read the store. @default 250 */
  intervalMs?: number;
  /** The status to show for the stored sweep (see snapshotView). @default its stored status */
  statusOf?: (sweep: SweepRecord) => SweepStatus;
}

/**
 * Keeps `views` current by reading the store every interval, for a dashboard attached to a sweep
 * another process runs. Reading never blocks that writer (WAL), and a failed read (the database
 * locked by a checkpoint, a file being replaced) is shown as a notice and retried on the next tick,
 * so the dashboard outlives both the end of the sweep and a busy database. Returns a stop function.
 */
export function followStore(store: SweepStore, sweepId: string, views: ViewStore, options: FollowOptions = {}): () => void {
  let previous: SweepView | null = null;
  const tick = (): void => {
    try {
      const next = snapshotView(store, sweepId, previous, options.statusOf);
      previous = next;
      views.update(() => next);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      views.update((view) => ({ ...view, notice: `store not readable (${message}); retrying` }));
    }
  };
  tick();
  const timer = setInterval(tick, options.intervalMs ?? 250);
  return () => clearInterval(timer);
}
