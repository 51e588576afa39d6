import { emptyView, type SweepView } from './view-model.js';

/** What components read: a snapshot and a way to hear that a newer one was published. */
export interface ViewSource {
  getSnapshot(): SweepView;
  subscribe(listener: () => void): () => void;
}

/** The writer's side of a {@link ViewSource}. */
export interface ViewStore extends ViewSource {
  /** Computes the next view from the latest (published or not); publishing is throttled. */
  update(change: (view: SweepView) => SweepView): void;
  /** Publishes the latest view now (e.g. before unmounting, so the last frame is current). */
  flush(): void;
  /** Cancels a pending publication; later updates are kept but not published. */
  close(): void;
}

export interface ViewStoreOptions {
  /** @default emptyView() */
  initial?: SweepView;
  /**
   * Fewest milliseconds between two publications. Events can arrive hundreds of times a second
   * (an epoch from each of many trials); re-rendering on each would cost the controller's thread
   * for frames nobody can read. @default 100
   */
  minIntervalMs?: number;
}

/**
 * An external store for `useSyncExternalStore`: writers update at any rate, readers see at most
 * one new snapshot per interval. The first update after a quiet period is published at once, so a
 * lone event is not delayed.
 */
export function createViewStore(options: ViewStoreOptions = {}): ViewStore {
  const minIntervalMs = options.minIntervalMs ?? 100;
  let latest = options.initial ?? emptyView();
  let published = latest;
  let lastPublishedMs = -Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  const listeners = new Set<() => void>();

  const publish = (): void => {
    timer = undefined;
    lastPublishedMs = Date.now();
    if (published === latest) return;
    published = latest;
    for (const listener of [...listeners]) listener();
  };

  return {
    getSnapshot: () => published,
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    update(change) {
      latest = change(latest);
      if (closed || timer !== undefined) return;
      const waitMs = lastPublishedMs + minIntervalMs - Date.now();
      if (waitMs <= 0) publish();
      else timer = setTimeout(publish, waitMs);
    },
    flush() {
      if (timer !== undefined) clearTimeout(timer);
      publish();
    },
    close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
