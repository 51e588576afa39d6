/**
 * The dashboard's public door. Commands load it lazily (`await import`) when they draw: Ink and
 * React are a large part of the CLI's start-up, which `sweep ls` or `sweep run --no-tui` need not
 * pay. The plain output and text tables are imported from their own files.
 */
export { createRunView, type RunView, type RunViewOptions } from './run-view.js';
export { runTopView, type TopViewOptions } from './top-view.js';
export { Dashboard, type DashboardProps } from './Dashboard.js';
export { createViewStore, type ViewSource, type ViewStore, type ViewStoreOptions } from './view-store.js';
export { reduceSweepEvent, startedView } from './view-reducer.js';
export { snapshotView } from './store-snapshot.js';
export { followStore, type FollowOptions } from './store-follower.js';
export type { SweepView, TrialView, WorkerView, LogLine } from './view-model.js';
