import type { EpochRecord, SweepRecord, SweepStatus, TrialRecord } from '../store/sweep-store.js';
import type { DatasetName } from '../transport/protocol.js';

/**
 * The dashboard's read model of one sweep: what the components draw. It is built either from the
 * controller's events (`sweep run`) or from store snapshots (`sweep top`), and is never written
 * back. Values are replaced, never mutated, so a component may keep what it was given.
 */
export interface SweepView {
  /** Null until the sweep is known (before `sweep-started`). */
  sweep: SweepRecord | null;
  status: SweepStatus | 'waiting';
  /** Trials by id, in expansion order. */
  trials: ReadonlyMap<string, TrialView>;
  workers: ReadonlyMap<string, WorkerView>;
  /** Notable events, oldest first: retries, failures, early stops, divergences. */
  log: readonly LogLine[];
  /** When this run of the sweep started (`sweep run`), or when the sweep was created (`sweep top`). */
  startedAtMs: number | null;
  /** When the sweep stopped running; null while it runs. */
  endedAtMs: number | null;
  /** A transient problem worth showing (e.g. the store could not be read this time); null when none. */
  notice: string | null;
}

/** One trial as the dashboard knows it. */
export interface TrialView {
  /** The latest record the controller or the store gave. */
  record: TrialRecord;
  /** The latest attempt's epochs, by epoch number; earlier attempts are history and dropped. */
  epochs: readonly EpochRecord[];
  /** The backend the trial reported, before it is stored with the trial's end. */
  backend: string | null;
}

/** A worker host, from its latest heartbeat. */
export interface WorkerView {
  id: string;
  host: string;
  backend: string;
  slots: number;
  /** Trial ids the worker said it runs. */
  running: readonly string[];
  lastSeenMs: number;
}

/** The events worth a log line. */
export type LogKind = 'retried' | 'failed' | 'stopped_early' | 'diverged';

/** One line of the event log, printed once above the live area. */
export interface LogLine {
  /** Unique within a view; `<Static>` keys its lines by it. */
  key: string;
  kind: LogKind;
  trialId: string;
  text: string;
}

/**
 * Workers heartbeat every 5 s; one missing three beats in a row is shown as lost, the same
 * deadline after which a JetStream lease would be handed to another host.
 */
export const WORKER_LOST_AFTER_MS = 15_000;

/** Training images per epoch when a trial trains on the whole set (`train_size: null`). */
export const TRAIN_IMAGES: Readonly<Record<DatasetName, number>> = {
  'fashion-mnist': 60_000,
  mnist: 60_000,
};

/** A view with nothing known yet. */
export function emptyView(): SweepView {
  return { sweep: null, status: 'waiting', trials: new Map(), workers: new Map(), log: [], startedAtMs: null, endedAtMs: null, notice: null };
}

/** Images one epoch of this trial trains on. */
export function imagesPerEpoch(record: Pick<TrialRecord, 'config'>): number {
  return record.config.train_size ?? TRAIN_IMAGES[record.config.dataset];
}

/** The first line of an error message: enough for a log line, the rest is in the store. */
export function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}
