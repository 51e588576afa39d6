import type { SweepRecord, TrialRecord } from '../store/sweep-store.js';
import type { EpochMetrics, TrialOutcome } from '../transport/protocol.js';
import type { WorkerInfo } from '../transport/trial-queue.js';
import type { TrialState } from './domain.js';

/**
 * What the controller tells its observers (the plain output, the dashboard), after the store has
 * recorded it. Observers never write; a record in an event is a snapshot they may keep.
 */
export type SweepEvent =
  | {
      type: 'sweep-started';
      sweep: SweepRecord;
      /** Every trial of the sweep, in expansion order. */
      trials: TrialRecord[];
      /** How many of them this run will train (the rest finished in an earlier run). */
      toRun: number;
      resumed: boolean;
      atMs: number;
    }
  | { type: 'trial-started'; trial: TrialRecord; attempt: number; worker: string; atMs: number }
  | { type: 'trial-backend'; trialId: string; backend: string }
  | { type: 'epoch'; trialId: string; attempt: number; metrics: EpochMetrics }
  | { type: 'trial-finished'; trial: TrialRecord; outcome: TrialOutcome; atMs: number }
  | { type: 'trial-retried'; trialId: string; attempt: number; reason: string }
  | { type: 'worker'; worker: WorkerInfo }
  | { type: 'sweep-finished'; sweepId: string; status: 'finished' | 'cancelled' | 'interrupted'; counts: Record<TrialState, number>; atMs: number };

export type SweepEventListener = (event: SweepEvent) => void;
