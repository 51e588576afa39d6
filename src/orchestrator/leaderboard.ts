import type { EpochRecord, MetricGoal, TrialRecord } from '../store/sweep-store.js';
import type { MetricName } from '../transport/protocol.js';

export interface SweepMetric {
  name: MetricName;
  goal: MetricGoal;
}

export interface LeaderboardRow {
  /** 1-based; trials without a finite value share the last ranks in expansion order. */
  rank: number;
  trial: TrialRecord;
  /** Best value of the metric over the latest attempt's epochs (goal respected). */
  best: number | null;
  bestEpoch: number | null;
  last: number | null;
  epochs: number;
}

/**
 * Ranks trials by their best value of the sweep's metric. A read model: it takes records and
 * returns new rows, so the plain output, `sweep show`, the dashboard and reports rank alike.
 */
export function rankTrials(trials: readonly TrialRecord[], epochs: readonly EpochRecord[], metric: SweepMetric): LeaderboardRow[] {
  const byTrial = latestAttemptEpochs(trials, epochs);
  const better = metric.goal === 'minimize' ? (a: number, b: number) => a < b : (a: number, b: number) => a > b;
  const rows = trials.map((trial) => {
    const series = byTrial.get(trial.trialId) ?? [];
    let best: number | null = null;
    let bestEpoch: number | null = null;
    for (const e of series) {
      const value = e[metric.name];
      if (Number.isFinite(value) && (best === null || better(value, best))) {
        best = value;
        bestEpoch = e.epoch;
      }
    }
    const lastValue = series.at(-1)?.[metric.name];
    const last = lastValue !== undefined && Number.isFinite(lastValue) ? lastValue : null;
    return { rank: 0, trial, best, bestEpoch, last, epochs: series.length };
  });
  rows.sort((a, b) => {
    if (a.best === null || b.best === null) return a.best === null ? (b.best === null ? a.trial.position - b.trial.position : 1) : -1;
    return better(a.best, b.best) ? -1 : better(b.best, a.best) ? 1 : a.trial.position - b.trial.position;
  });
  return rows.map((row, index) => ({ ...row, rank: index + 1 }));
}

/** Each trial's epochs from its latest attempt only: an earlier, abandoned attempt is history. */
export function latestAttemptEpochs(trials: readonly TrialRecord[], epochs: readonly EpochRecord[]): Map<string, EpochRecord[]> {
  const latest = new Map<string, number>();
  for (const e of epochs) latest.set(e.trialId, Math.max(latest.get(e.trialId) ?? 0, e.attempt));
  const byTrial = new Map<string, EpochRecord[]>(trials.map((t) => [t.trialId, []]));
  for (const e of epochs) if (e.attempt === latest.get(e.trialId)) byTrial.get(e.trialId)?.push(e);
  for (const series of byTrial.values()) series.sort((a, b) => a.epoch - b.epoch);
  return byTrial;
}

/** The settings a trial's study varies, e.g. `optimizer=adam(lr=0.001)`, for compact displays. */
export function describeVaried(trial: Pick<TrialRecord, 'config' | 'varied'>): string {
  if (trial.varied.length === 0) return '(base)';
  return trial.varied.map((path) => `${path}=${formatValue(valueAt(trial.config, path))}`).join(' ');
}

function valueAt(root: unknown, path: string): unknown {
  let value = root;
  for (const key of path.split('.')) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}

/** Objects with a `name` print as name(field=value,...), others as {field=value,...}; learning_rate shortens to lr. */
function formatValue(value: unknown): string {
  if (value === null || value === undefined) return 'none';
  if (typeof value !== 'object') return String(value);
  const { name, ...rest } = value as Record<string, unknown>;
  const shown = Object.entries(rest)
    .filter(([key]) => ['learning_rate', 'stddev', 'monitor', 'patience', 'momentum'].includes(key))
    .filter(([key, v]) => !(key === 'momentum' && v === 0))
    .map(([key, v]) => `${key === 'learning_rate' ? 'lr' : key}=${String(v)}`);
  if (typeof name !== 'string') return shown.length > 0 ? `{${shown.join(',')}}` : JSON.stringify(value);
  return shown.length > 0 ? `${name}(${shown.join(',')})` : name;
}
