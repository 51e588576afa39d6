import { describeVaried, type LeaderboardRow, type SweepMetric } from '../orchestrator/leaderboard.js';
import { formatMetric, renderTable } from './table.js';

/** The leaderboard as `sweep run` ends with it and `sweep show` prints it. */
export function renderLeaderboard(rows: readonly LeaderboardRow[], metric: SweepMetric): string {
  const header = ['#', 'study', 'varies', 'state', 'epochs', `best ${metric.name}`, 'at', `last ${metric.name}`, 'trial'];
  return renderTable(
    header,
    rows.map((row) => [
      String(row.rank),
      row.trial.study,
      describeVaried(row.trial),
      row.trial.state,
      String(row.epochs),
      formatMetric(row.best),
      row.bestEpoch === null ? '-' : String(row.bestEpoch),
      formatMetric(row.last),
      row.trial.trialId,
    ]),
  );
}
