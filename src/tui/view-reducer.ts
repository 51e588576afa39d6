import type { SweepEvent } from '../orchestrator/events.js';
import { latestAttemptEpochs } from '../orchestrator/leaderboard.js';
import type { EpochRecord, SweepRecord, TrialRecord, WorkerRecord } from '../store/sweep-store.js';
import type { EpochMetrics } from '../transport/protocol.js';
import { endLogLine, retryLogLine } from './log-lines.js';
import type { LogLine, SweepView, TrialView, WorkerView } from './view-model.js';

/**
 * Applies one controller event to the view and returns the new view (the old one is untouched).
 * Duplicate and stale reports cannot reach here (the controller drops them), but an epoch of an
 * older attempt is still ignored so that a late event cannot mix two attempts in one chart.
 */
export function reduceSweepEvent(view: SweepView, event: SweepEvent): SweepView {
  switch (event.type) {
    case 'sweep-started':
      return { ...startedView(event.sweep, event.trials, [], event.atMs), workers: view.workers };
    case 'trial-started':
      return updateTrial(view, event.trial.trialId, (t) => ({
        ...t,
        record: event.trial,
        epochs: t.epochs[0]?.attempt === event.attempt ? t.epochs : [],
      }));
    case 'trial-backend':
      return updateTrial(view, event.trialId, (t) => ({ ...t, backend: event.backend }));
    case 'epoch':
      return updateTrial(view, event.trialId, (t) => withEpoch(t, event.attempt, event.metrics));
    case 'trial-finished': {
      const next = updateTrial(view, event.trial.trialId, (t) => ({ ...t, record: event.trial, backend: event.outcome.backend ?? t.backend }));
      const line = endLogLine(event.trial, event.outcome.epochs);
      return line ? appendLog(next, line) : next;
    }
    case 'trial-retried': {
      const trial = view.trials.get(event.trialId);
      if (!trial) return view;
      const next = updateTrial(view, event.trialId, (t) => ({ ...t, record: { ...t.record, state: 'queued' } }));
      return appendLog(next, retryLogLine(trial.record, event.attempt, event.reason));
    }
    case 'worker': {
      const { id, host, backend, slots, running, atMs } = event.worker;
      const workers = new Map(view.workers);
      workers.set(id, { id, host, backend, slots, running, lastSeenMs: atMs });
      return { ...view, workers };
    }
    case 'sweep-finished':
      return { ...view, status: event.status, endedAtMs: event.atMs };
  }
}

/**
 * The view at the start of a run: every trial with the epochs it already has (a resumed sweep
 * shows its finished trials' curves at once).
 */
export function startedView(sweep: SweepRecord, trials: readonly TrialRecord[], epochs: readonly EpochRecord[], atMs: number): SweepView {
  const byTrial = latestAttemptEpochs(trials, epochs);
  return {
    sweep,
    status: 'running',
    trials: new Map(trials.map((record) => [record.trialId, { record, epochs: byTrial.get(record.trialId) ?? [], backend: record.backend }])),
    workers: new Map(),
    log: [],
    startedAtMs: atMs,
    endedAtMs: null,
    notice: null,
  };
}

/** Replaces every trial's record with a fresher one, e.g. read from the store after the run. */
export function withRecords(view: SweepView, records: readonly TrialRecord[]): SweepView {
  const trials = new Map(view.trials);
  for (const record of records) {
    const known = trials.get(record.trialId);
    trials.set(record.trialId, known ? { ...known, record } : { record, epochs: [], backend: record.backend });
  }
  return { ...view, trials };
}

/** Replaces the workers with those the store knows. */
export function withWorkers(view: SweepView, records: readonly WorkerRecord[]): SweepView {
  const workers = new Map<string, WorkerView>(records.map((w) => [w.id, { id: w.id, host: w.host, backend: w.backend, slots: w.slots, running: w.running, lastSeenMs: w.lastSeenMs }]));
  return { ...view, workers };
}

function updateTrial(view: SweepView, trialId: string, change: (trial: TrialView) => TrialView): SweepView {
  const trial = view.trials.get(trialId);
  if (!trial) return view;
  const trials = new Map(view.trials);
  trials.set(trialId, change(trial));
  return { ...view, trials };
}

function withEpoch(trial: TrialView, attempt: number, metrics: EpochMetrics): TrialView {
  const current = trial.epochs[0]?.attempt ?? attempt;
  if (attempt < current) return trial;
  const kept = attempt > current ? [] : trial.epochs.filter((e) => e.epoch !== metrics.epoch);
  const record: EpochRecord = { ...metrics, sweepId: trial.record.sweepId, trialId: trial.record.trialId, attempt };
  const epochs = [...kept, record].sort((a, b) => a.epoch - b.epoch);
  return { ...trial, epochs, record: { ...trial.record, epochsDone: epochs.length } };
}

/** Adds a log line unless a line with its key is already there. */
export function appendLog(view: SweepView, line: LogLine): SweepView {
  // A line already shown (the same end read twice) is not shown again.
  if (view.log.some((l) => l.key === line.key)) return view;
  return { ...view, log: [...view.log, line] };
}
