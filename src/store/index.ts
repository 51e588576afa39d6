export type {
  AttemptEnd,
  AttemptRecord,
  EpochRecord,
  MetricGoal,
  NewSweep,
  NewTrial,
  SweepOwner,
  SweepRecord,
  SweepStatus,
  SweepStore,
  SweepSummary,
  TrialPatch,
  TrialRecord,
  WorkerRecord,
} from './sweep-store.js';
export { openSqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
export { SCHEMA_VERSION } from './migrations.js';
