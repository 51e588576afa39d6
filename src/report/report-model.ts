import { FINISHED_STATES, TRIAL_STATES, type TrialState } from '../orchestrator/domain.js';
import { latestAttemptEpochs, rankTrials, type LeaderboardRow, type SweepMetric } from '../orchestrator/leaderboard.js';
import type { EpochRecord, SweepRecord, SweepStore, TrialRecord } from '../store/index.js';
import { figureKindOf, type FigureKind } from './figure-kind.js';
import { studyLabels } from './trial-labels.js';

/** One trial as the report shows it. */
export interface ReportTrial {
  trial: TrialRecord;
  /** Its leaderboard row (rank, best and last value of the sweep's metric). */
  row: LeaderboardRow;
  /** The latest attempt's epochs, in order. */
  epochs: EpochRecord[];
  /** Legend label, unique within the study, saying when the curve is partial. */
  label: string;
  /** The last epoch of a trial that early stopping ended; null otherwise. */
  stoppedAtEpoch: number | null;
  /** Sum of the epochs' wall time, in seconds. */
  seconds: number;
}

/** One study: its trials in expansion order and the figure its varied parameters call for. */
export interface ReportStudy {
  name: string;
  /** Union of the trials' varied parameter paths, in first-seen order. */
  varied: string[];
  kind: FigureKind;
  trials: ReportTrial[];
}

/** Everything a report shows, read once from the store so that every output agrees. */
export interface ReportModel {
  sweep: SweepRecord;
  metric: SweepMetric;
  leaderboard: LeaderboardRow[];
  studies: ReportStudy[];
  counts: Record<TrialState, number>;
  total: number;
  /** Trials that ended normally (completed, stopped early, diverged). */
  finished: number;
  /** Sum of every stored epoch's wall time over all attempts, in seconds. */
  computeSeconds: number;
  /** True while the sweep's status is `running`: the report covers only what has finished so far. */
  inProgress: boolean;
}

/** Reads a sweep's trials and epochs and arranges them by study. */
export function loadReportModel(store: SweepStore, sweep: SweepRecord): ReportModel {
  const trials = store.listTrials(sweep.id);
  const allEpochs = store.listEpochs(sweep.id);
  const metric = sweep.metric as SweepMetric;
  const leaderboard = rankTrials(trials, allEpochs, metric);
  const rows = new Map(leaderboard.map((row) => [row.trial.trialId, row]));
  const series = latestAttemptEpochs(trials, allEpochs);
  const counts = Object.fromEntries(TRIAL_STATES.map((s) => [s, 0])) as Record<TrialState, number>;
  for (const t of trials) counts[t.state] += 1;

  const studies: ReportStudy[] = [];
  for (const name of new Set(trials.map((t) => t.study))) {
    const members = trials.filter((t) => t.study === name);
    const varied = [...new Set(members.flatMap((t) => t.varied))];
    const labels = studyLabels(members.map((trial) => ({ trial, epochs: series.get(trial.trialId)?.length ?? 0 })));
    studies.push({
      name,
      varied,
      kind: figureKindOf(varied),
      trials: members.map((trial, i) => {
        const epochs = series.get(trial.trialId) ?? [];
        const row = rows.get(trial.trialId);
        if (!row) throw new Error(`rankTrials lost trial ${trial.trialId}`);
        return {
          trial,
          row,
          epochs,
          label: labels[i] ?? trial.trialId,
          stoppedAtEpoch: trial.state === 'stopped_early' ? (epochs.at(-1)?.epoch ?? null) : null,
          seconds: epochs.reduce((sum, e) => sum + (Number.isFinite(e.seconds) ? e.seconds : 0), 0),
        };
      }),
    });
  }
  return {
    sweep,
    metric,
    leaderboard,
    studies,
    counts,
    total: trials.length,
    finished: trials.filter((t) => FINISHED_STATES.has(t.state)).length,
    computeSeconds: allEpochs.reduce((sum, e) => sum + (Number.isFinite(e.seconds) ? e.seconds : 0), 0),
    inProgress: sweep.status === 'running',
  };
}
