import { rankTrials, type LeaderboardRow, type SweepMetric } from '../orchestrator/leaderboard.js';
import type { MetricName } from '../transport/protocol.js';
import type { SweepView } from './view-model.js';

const METRICS: readonly MetricName[] = ['val_accuracy', 'val_loss', 'accuracy', 'loss'];

/**
 * The metrics `s` cycles through: the sweep's own metric (with its goal) first, then the other
 * Keras metrics with their natural goal (losses down, accuracies up).
 */
export function sortMetrics(sweepMetric: SweepMetric): SweepMetric[] {
  const others = METRICS.filter((name) => name !== sweepMetric.name).map((name) => ({ name, goal: naturalGoal(name) }));
  return [sweepMetric, ...others];
}

function naturalGoal(name: MetricName): SweepMetric['goal'] {
  return name.endsWith('loss') ? 'minimize' : 'maximize';
}

/** The sweep's metric as stored (the store keeps it as plain text). */
export function sweepMetricOf(view: SweepView): SweepMetric {
  const metric = view.sweep?.metric;
  return metric && (METRICS as readonly string[]).includes(metric.name)
    ? { name: metric.name as MetricName, goal: metric.goal }
    : { name: 'val_loss', goal: 'minimize' };
}

/** The studies in expansion order, for the `f` filter. */
export function studiesOf(view: SweepView): string[] {
  return [...new Set([...view.trials.values()].map((t) => t.record.study))];
}

/** The leaderboard through the one ranking (rankTrials), restricted to one study when asked. */
export function rankView(view: SweepView, metric: SweepMetric, study: string | null): LeaderboardRow[] {
  const shown = [...view.trials.values()].filter((t) => study === null || t.record.study === study);
  return rankTrials(
    shown.map((t) => t.record),
    shown.flatMap((t) => t.epochs),
    metric,
  );
}
