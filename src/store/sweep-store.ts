import type { TrialState } from '../orchestrator/domain.js';
import type { EpochMetrics, TrainConfig } from '../transport/protocol.js';
import type { WorkerInfo } from '../transport/trial-queue.js';

/**
 * The SweepStore contract: where sweeps, trials, attempts, epochs and workers live.
 *
 * Ownership: the orchestrator's controller is the only writer of sweeps, trials and epochs; the
 * dashboard and reports only read. Several processes may open the same database (a `sweep top`
 * beside a `sweep run`), so reads never assume they see a finished sweep.
 *
 * Every method is synchronous (better-sqlite3 is) and returns fresh plain objects: callers may keep
 * or change them without touching the store. Writes that can be repeated by at-least-once delivery
 * (an epoch, an attempt's start or end) are idempotent on their natural key and say whether they
 * changed anything. Trial state moves are compare-and-set: `transitionTrial` returns false, and
 * writes nothing, when the trial is no longer in an expected state (another writer won the race or
 * a stale report arrived).
 *
 * Errors: a missing database directory is created; a database written by a newer version of sweep
 * throws StoreError with code 'SCHEMA_TOO_NEW'; SQLite's own failures surface as StoreError with
 * code 'SQLITE' and the original as `cause`.
 */
export interface SweepStore {
  /** Creates a sweep with the next free id for its name (`<name>-<n>`, n from 1). */
  createSweep(input: NewSweep): SweepRecord;
  /** Exact id first, else the newest sweep with that name; undefined when neither exists. */
  getSweep(idOrName: string): SweepRecord | undefined;
  /** Newest sweep with this name whose spec hash matches: the one `sweep run` resumes. */
  findResumable(name: string, specHash: string): SweepRecord | undefined;
  /** Every sweep, newest first, with its trial counts by state. */
  listSweeps(): SweepSummary[];
  /**
   * Sets a sweep's status. 'running' with an `owner` records the process that runs it (without
   * one, the owner is cleared: unknown); any other status clears the owner. A new sweep has none
   * until its runner claims it here.
   */
  setSweepStatus(sweepId: string, status: SweepStatus, owner?: SweepOwner): void;

  /** Inserts trials not yet present (by trial id) as `queued`; returns how many were new. */
  addTrials(sweepId: string, trials: readonly NewTrial[]): number;
  /** A sweep's trials in expansion order. */
  listTrials(sweepId: string): TrialRecord[];
  getTrial(sweepId: string, trialId: string): TrialRecord | undefined;
  countByState(sweepId: string): Record<TrialState, number>;
  /**
   * Moves a trial from one of `from` to `to` and applies `patch`; false (and no write) when the
   * trial's current state is not in `from`. Moving to `running` increments `attempts` (or raises it
   * to `patch.attempt`). Throws
   * StoreError 'ILLEGAL_TRANSITION' when any `from -> to` is not in the state machine's TRANSITIONS.
   */
  transitionTrial(
    sweepId: string,
    trialId: string,
    from: readonly TrialState[],
    to: TrialState,
    patch?: TrialPatch,
  ): boolean;

  /** Records an attempt's start; repeating the same (trial, attempt) changes nothing and returns false. */
  startAttempt(sweepId: string, trialId: string, attempt: number, worker: string, atMs: number): boolean;
  /** Records an attempt's end; false when it had already ended. */
  endAttempt(sweepId: string, trialId: string, attempt: number, end: AttemptEnd): boolean;
  listAttempts(sweepId: string, trialId?: string): AttemptRecord[];

  /** Idempotent on (sweep, trial, attempt, epoch): false when that epoch was already stored. */
  recordEpoch(sweepId: string, trialId: string, attempt: number, metrics: EpochMetrics): boolean;
  /** Epochs in (trial, attempt, epoch) order; for one trial when `trialId` is given. */
  listEpochs(sweepId: string, trialId?: string): EpochRecord[];

  /** Inserts or refreshes a worker host's heartbeat. */
  upsertWorker(worker: WorkerRecord): void;
  listWorkers(): WorkerRecord[];

  close(): void;
}

export type SweepStatus = 'running' | 'finished' | 'cancelled' | 'interrupted';
/**
 * The orchestrator process that runs a sweep. A reader on the same host can check whether it is
 * still alive; one on another host cannot.
 */
export interface SweepOwner {
  host: string;
  pid: number;
}

export type MetricGoal = 'minimize' | 'maximize';

export interface NewSweep {
  name: string;
  method: string;
  metric: { name: string; goal: MetricGoal };
  /** Hash of the resolved spec: the same file resumes, an edited one starts anew. */
  specHash: string;
  /** The sweep file as the user wrote it. */
  sourceText: string;
  sourcePath: string;
  /** The resolved spec as JSON-safe data (for reports and `sweep show`). */
  spec: unknown;
  createdAtMs: number;
}

export interface SweepRecord extends NewSweep {
  id: string;
  status: SweepStatus;
  /** Who runs it while status is 'running' (null otherwise, or when not recorded). */
  owner: SweepOwner | null;
  updatedAtMs: number;
}

export interface SweepSummary {
  id: string;
  name: string;
  status: SweepStatus;
  owner: SweepOwner | null;
  createdAtMs: number;
  updatedAtMs: number;
  total: number;
  counts: Record<TrialState, number>;
}

export interface NewTrial {
  trialId: string;
  study: string;
  /** 0-based position in expansion order. */
  position: number;
  config: TrainConfig;
  /** Parameter paths this trial's study varies (e.g. ["optimizer"]), for compact displays. */
  varied: string[];
}

export interface TrialRecord extends NewTrial {
  sweepId: string;
  state: TrialState;
  attempts: number;
  backend: string | null;
  worker: string | null;
  error: string | null;
  /** Epochs stored for the latest attempt. */
  epochsDone: number;
  bestEpoch: number | null;
  startedAtMs: number | null;
  endedAtMs: number | null;
}

export interface TrialPatch {
  /**
   * The attempt that starts running: a redelivery may skip numbers (a delivery whose worker died
   * before it reported), so a move to `running` sets `attempts` to max(attempts + 1, attempt).
   */
  attempt?: number;
  backend?: string | null;
  worker?: string | null;
  error?: string | null;
  bestEpoch?: number | null;
  startedAtMs?: number | null;
  endedAtMs?: number | null;
}

export interface AttemptEnd {
  state: TrialState;
  error: string | null;
  atMs: number;
}

export interface AttemptRecord {
  sweepId: string;
  trialId: string;
  attempt: number;
  worker: string;
  startedAtMs: number;
  endedAtMs: number | null;
  state: TrialState | null;
  error: string | null;
}

export interface EpochRecord extends EpochMetrics {
  sweepId: string;
  trialId: string;
  attempt: number;
}

/** A worker host as its latest heartbeat described it, stamped with when that arrived. */
export interface WorkerRecord extends Omit<WorkerInfo, 'atMs'> {
  lastSeenMs: number;
}
