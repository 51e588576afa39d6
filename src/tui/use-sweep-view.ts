import { useSyncExternalStore } from 'react';
import type { SweepView } from './view-model.js';
import type { ViewSource } from './view-store.js';

/** The latest published view of the sweep; re-renders when a newer one is published. */
export function useSweepView(source: ViewSource): SweepView {
  return useSyncExternalStore(source.subscribe, source.getSnapshot, source.getSnapshot);
}
