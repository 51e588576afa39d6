import { isTerminal, TRIAL_STATES, type TrialState } from '../orchestrator/domain.js';
import { imagesPerEpoch, WORKER_LOST_AFTER_MS, type SweepView, type WorkerView } from './view-model.js';

/** The header's numbers, derived from a view at one moment. */
export interface SweepSummary {
  total: number;
  /** Trials in a terminal state. */
  ended: number;
  counts: Record<TrialState, number>;
  elapsedMs: number | null;
  /** Null while there is nothing to estimate from (no running trial has finished an epoch). */
  etaMs: number | null;
  /** Training samples per second over every running trial's latest epoch. */
  samplesPerSecond: number;
}

/**
 * Progress and estimates. The ETA counts work, not trials: the images still to train (each live
 * trial's remaining epochs times its training images) divided by the images per second the
 * running trials train, measured over their latest epoch's wall time, evaluation included. Trials
 * of different sizes and early stops therefore do not skew it the way a trials-per-minute rate would.
 */
export function summarize(view: SweepView, nowMs: number): SweepSummary {
  const counts = Object.fromEntries(TRIAL_STATES.map((s) => [s, 0])) as Record<TrialState, number>;
  let remainingImages = 0;
  let imagesPerSecond = 0;
  let samplesPerSecond = 0;
  for (const { record, epochs } of view.trials.values()) {
    counts[record.state] += 1;
    if (isTerminal(record.state)) continue;
    remainingImages += Math.max(0, record.config.epochs - epochs.length) * imagesPerEpoch(record);
    const last = epochs.at(-1);
    if (record.state === 'running' && last) {
      if (last.seconds > 0) imagesPerSecond += imagesPerEpoch(record) / last.seconds;
      if (Number.isFinite(last.samples_per_second)) samplesPerSecond += last.samples_per_second;
    }
  }
  const total = view.trials.size;
  const ended = TRIAL_STATES.filter(isTerminal).reduce((sum, s) => sum + counts[s], 0);
  const elapsedMs = view.startedAtMs === null ? null : (view.endedAtMs ?? nowMs) - view.startedAtMs;
  let etaMs: number | null = null;
  if (view.status === 'running') {
    if (remainingImages === 0) etaMs = 0;
    else if (imagesPerSecond > 0) etaMs = (remainingImages / imagesPerSecond) * 1000;
  }
  return { total, ended, counts, elapsedMs, etaMs, samplesPerSecond };
}

/** True when a worker missed enough heartbeats to be presumed gone. */
export function isWorkerLost(worker: WorkerView, nowMs: number): boolean {
  return nowMs - worker.lastSeenMs > WORKER_LOST_AFTER_MS;
}

/** Busy slots: what the worker said it runs, capped at what it has. */
export function busySlots(worker: WorkerView): number {
  return Math.min(worker.running.length, worker.slots);
}

/**
 * Workers worth listing: the store keeps every host that ever beat, so one silent for this long
 * is history (`sweep ls`-style cleanup is not the dashboard's job), not a lost worker to flag.
 */
export const WORKER_FORGOTTEN_AFTER_MS = 10 * 60_000;

/** Workers seen recently enough to list, lost ones included. */
export function listedWorkers(workers: Iterable<WorkerView>, nowMs: number): WorkerView[] {
  return [...workers].filter((w) => nowMs - w.lastSeenMs <= WORKER_FORGOTTEN_AFTER_MS);
}
