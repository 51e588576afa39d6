import { isTerminal } from '../orchestrator/domain.js';
import { latestAttemptEpochs } from '../orchestrator/leaderboard.js';
import type { EpochRecord, SweepRecord, SweepStatus, SweepStore, TrialRecord } from '../store/sweep-store.js';
import { endLogLine, retryLogLine } from './log-lines.js';
import { appendLog, withWorkers } from './view-reducer.js';
import type { LogLine, SweepView, TrialView } from './view-model.js';

/** On attach, the log shows this many of the latest notable ends; older ones are in `sweep show`. */
const ATTACH_LOG_LINES = 20;

/**
 * Reads a sweep's view from the store, for `sweep top`. With the previous snapshot it reads only
 * the epochs of trials whose attempt or epoch count changed, so following a large sweep stays
 * cheap, and it logs what changed in between (retries and notable ends).
 * Returns `previous` unchanged when the sweep is not (or no longer) in the store. `statusOf` turns
 * the stored status into the one to show (a 'running' sweep whose orchestrator died is interrupted).
 */
export function snapshotView(
  store: SweepStore,
  sweepId: string,
  previous: SweepView | null,
  statusOf: (sweep: SweepRecord) => SweepStatus = (sweep) => sweep.status,
): SweepView {
  const sweep = store.getSweep(sweepId);
  if (!sweep) return previous ?? missingSweep(sweepId);
  const records = store.listTrials(sweepId);
  const epochsOf = previous ? (record: TrialRecord) => changedEpochs(store, record, previous) : allEpochs(store, sweepId, records);
  const status = statusOf(sweep);
  const trials = new Map<string, TrialView>();
  for (const record of records) trials.set(record.trialId, { record, epochs: epochsOf(record), backend: record.backend });

  let view: SweepView = {
    sweep,
    status,
    trials,
    workers: new Map(),
    log: previous?.log ?? [],
    startedAtMs: sweep.createdAtMs,
    endedAtMs: status === 'running' ? null : sweep.updatedAtMs,
    notice: null,
  };
  view = withWorkers(view, store.listWorkers());
  const lines = previous ? changeLines(store, previous, view) : attachLines(view);
  for (const line of lines) view = appendLog(view, line);
  return view;
}

function missingSweep(sweepId: string): SweepView {
  return { sweep: null, status: 'waiting', trials: new Map(), workers: new Map(), log: [], startedAtMs: null, endedAtMs: null, notice: `sweep ${sweepId} is not in the store` };
}

function allEpochs(store: SweepStore, sweepId: string, records: readonly TrialRecord[]): (record: TrialRecord) => EpochRecord[] {
  const byTrial = latestAttemptEpochs(records, store.listEpochs(sweepId));
  return (record) => (byTrial.get(record.trialId) ?? []).filter((e) => e.attempt === record.attempts);
}

/** The previous epochs when nothing changed, else the trial's epochs read again. */
function changedEpochs(store: SweepStore, record: TrialRecord, previous: SweepView): readonly EpochRecord[] {
  const known = previous.trials.get(record.trialId);
  if (known && known.record.attempts === record.attempts && known.epochs.length === record.epochsDone) return known.epochs;
  return store.listEpochs(record.sweepId, record.trialId).filter((e) => e.attempt === record.attempts);
}

function changeLines(store: SweepStore, previous: SweepView, next: SweepView): LogLine[] {
  const lines: LogLine[] = [];
  for (const { record, epochs } of next.trials.values()) {
    const before = previous.trials.get(record.trialId)?.record;
    if (before && record.attempts > before.attempts && before.attempts > 0) {
      const earlier = store.listAttempts(record.sweepId, record.trialId).find((a) => a.attempt === record.attempts - 1);
      lines.push(retryLogLine(record, record.attempts, earlier?.error ?? `attempt ${record.attempts - 1} ended ${earlier?.state ?? 'without a result'}`));
    }
    if (isTerminal(record.state) && before?.state !== record.state) {
      const line = endLogLine(record, epochs.length);
      if (line) lines.push(line);
    }
  }
  return lines;
}

function attachLines(view: SweepView): LogLine[] {
  const ended = [...view.trials.values()]
    .filter((t) => isTerminal(t.record.state))
    .sort((a, b) => (a.record.endedAtMs ?? 0) - (b.record.endedAtMs ?? 0));
  const lines: LogLine[] = [];
  for (const t of ended) {
    const line = endLogLine(t.record, t.epochs.length);
    if (line) lines.push(line);
  }
  return lines.slice(-ATTACH_LOG_LINES);
}
