import { describeVaried, type LeaderboardRow, type SweepMetric } from '../orchestrator/leaderboard.js';
import { formatMetric, renderTable } from './table.js';

/** The leaderboard's columns as text cells: one table for the terminal, `summary.md` and the report page. */
export function leaderboardCells(rows: readonly LeaderboardRow[], metric: Pick<SweepMetric, 'name'>): { header: string[]; rows: string[][] } {
  return {
    header: ['#', 'study', 'varies', 'state', 'epochs', `best ${metric.name}`, 'at', `last ${metric.name}`, 'trial'],
    rows: rows.map((row) => [
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
  };
}

/** The leaderboard as `sweep run` ends with it and `sweep show` prints it. */
export function renderLeaderboard(rows: readonly LeaderboardRow[], metric: SweepMetric): string {
  const table = leaderboardCells(rows, metric);
  return renderTable(table.header, table.rows);
}
