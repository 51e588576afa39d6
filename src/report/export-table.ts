import { latestAttemptEpochs, rankTrials, type SweepMetric } from '../orchestrator/leaderboard.js';
import type { EpochRecord, SweepRecord, SweepStore, TrialRecord } from '../store/index.js';
import { flattenPaths, valueAt, type Scalar } from './config-paths.js';

/** Rows with named columns, ready for CSV or JSON. */
export interface ExportTable {
  columns: string[];
  rows: Scalar[][];
}

/** What `sweep export` writes: one row per trial, or one per stored epoch. */
export type ExportWhat = 'trials' | 'epochs';

const METRICS = ['loss', 'accuracy', 'val_loss', 'val_accuracy'] as const;
const EPOCH_COLUMNS = ['sweep_id', 'trial_id', 'study', 'attempt', 'epoch', ...METRICS, 'seconds', 'samples_per_second'] as const;

/**
 * A sweep's trials or epochs as a flat table. Trials carry their state, their last epoch's metrics
 * (latest attempt), the best value of the sweep's metric (the leaderboard's ranking) and their
 * config flattened to `config.<path>` columns; epochs carry every attempt, so a retried trial's
 * abandoned attempt stays visible. Non-finite metrics (a diverged loss) become null.
 */
export function exportTable(store: SweepStore, sweep: SweepRecord, what: ExportWhat): ExportTable {
  const trials = store.listTrials(sweep.id);
  const epochs = store.listEpochs(sweep.id);
  return what === 'trials' ? trialTable(trials, epochs, sweep.metric as SweepMetric) : epochTable(trials, epochs);
}

function trialTable(trials: readonly TrialRecord[], epochs: readonly EpochRecord[], metric: SweepMetric): ExportTable {
  const ranked = new Map(rankTrials(trials, epochs, metric).map((row) => [row.trial.trialId, row]));
  const series = latestAttemptEpochs(trials, epochs);
  // The union of config paths in first-seen order: optimizers fill different fields. A setting that
  // is null in one trial and an object in another (early_stopping) gets a column of its own too,
  // holding the object as JSON, so that "off" (empty) and "on" differ there.
  const configColumns = [...new Set(trials.flatMap((t) => flattenPaths(t.config, 'config').map(([path]) => path)))];
  const columns = [
    'sweep_id', 'trial_id', 'study', 'position', 'varied', 'state', 'attempts', 'epochs', 'monitor_best_epoch',
    'backend', 'worker', 'error', 'started_at_ms', 'ended_at_ms',
    ...METRICS.map((m) => `final_${m}`), `best_${metric.name}`, `best_${metric.name}_epoch`, 'rank',
    ...configColumns,
  ];
  const rows = trials.map((t): Scalar[] => {
    const last = series.get(t.trialId)?.at(-1);
    const row = ranked.get(t.trialId);
    return [
      t.sweepId, t.trialId, t.study, t.position, t.varied.join(';'), t.state, t.attempts, t.epochsDone, t.bestEpoch,
      t.backend, t.worker, t.error, t.startedAtMs, t.endedAtMs,
      ...METRICS.map((m) => finite(last?.[m])), row?.best ?? null, row?.bestEpoch ?? null, row?.rank ?? null,
      ...configColumns.map((c) => scalar(valueAt(t.config, c.slice('config.'.length)))),
    ];
  });
  return { columns, rows };
}

function epochTable(trials: readonly TrialRecord[], epochs: readonly EpochRecord[]): ExportTable {
  const studies = new Map(trials.map((t) => [t.trialId, t.study]));
  return {
    columns: [...EPOCH_COLUMNS],
    rows: epochs.map((e) => [
      e.sweepId, e.trialId, studies.get(e.trialId) ?? null, e.attempt, e.epoch,
      ...METRICS.map((m) => finite(e[m])), finite(e.seconds), finite(e.samples_per_second),
    ]),
  };
}

function scalar(value: unknown): Scalar {
  if (value === undefined || value === null) return null;
  return typeof value === 'object' ? JSON.stringify(value) : (value as Scalar);
}

function finite(value: number | undefined): number | null {
  return value !== undefined && Number.isFinite(value) ? value : null;
}

/**
 * RFC 4180 CSV with a header line: fields holding a comma, a double quote, a line break or edge
 * spaces are quoted, quotes doubled; null is an empty field. Lines end in \n, which every CSV
 * reader accepts and Unix tools prefer.
 */
export function toCsv(table: ExportTable): string {
  const field = (value: Scalar): string => {
    const text = value === null ? '' : String(value);
    return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [table.columns, ...table.rows].map((row) => row.map(field).join(',')).join('\n') + '\n';
}

/** A JSON array of objects keyed by column, one per row, pretty-printed. */
export function toJson(table: ExportTable): string {
  const objects = table.rows.map((row) => Object.fromEntries(table.columns.map((c, i) => [c, row[i] ?? null])));
  return `${JSON.stringify(objects, null, 2)}\n`;
}
