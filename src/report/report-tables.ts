import { leaderboardCells } from '../tui/leaderboard-table.js';
import { formatDuration, formatMetric } from '../tui/table.js';
import type { ParameterInfluence } from './parameter-influence.js';
import type { ReportModel, ReportStudy } from './report-model.js';

/** A table as text cells, rendered to HTML or Markdown by the page that shows it. */
export interface TextTable {
  header: string[];
  rows: string[][];
}

/** The leaderboard: every trial by its best value of the sweep's metric (the `sweep show` ranking and columns). */
export function leaderboardTable(model: ReportModel): TextTable {
  return leaderboardCells(model.leaderboard, model.metric);
}

/** A study's trials with the metrics of their last epoch (latest attempt), in expansion order. */
export function finalMetricsTable(study: ReportStudy, model: ReportModel): TextTable {
  const m = model.metric.name;
  return {
    header: ['setting', 'state', 'epochs', 'loss', 'accuracy', 'val_loss', 'val_accuracy', `best ${m}`, 'at epoch', 'time', 'trial'],
    rows: study.trials.map((t) => {
      const last = t.epochs.at(-1);
      return [
        t.label,
        t.trial.state,
        `${t.epochs.length}/${t.trial.config.epochs}`,
        formatMetric(last?.loss),
        formatMetric(last?.accuracy),
        formatMetric(last?.val_loss),
        formatMetric(last?.val_accuracy),
        formatMetric(t.row.best),
        t.row.bestEpoch === null ? '-' : String(t.row.bestEpoch),
        t.epochs.length > 0 ? formatDuration(t.seconds * 1000) : '-',
        t.trial.trialId,
      ];
    }),
  };
}

/** How much each varied parameter moves the final metric (general studies). */
export function influenceTable(influences: readonly ParameterInfluence[], model: ReportModel): TextTable {
  const m = model.metric.name;
  return {
    header: ['parameter', `mean final ${m} per value`, 'best value', 'spread'],
    rows: influences.map((i) => [
      i.path,
      i.levels.map((l) => `${l.label}: ${formatMetric(l.meanFinal)} (${l.trialIds.length})`).join('; '),
      i.best ?? '-',
      formatMetric(i.spread),
    ]),
  };
}

/** Renders a table as GitHub-flavoured Markdown; pipes and line breaks in cells are escaped. */
export function markdownTable(table: TextTable): string {
  const cell = (text: string): string => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  const line = (cells: readonly string[]): string => `| ${cells.map(cell).join(' | ')} |`;
  return [line(table.header), line(table.header.map(() => '---')), ...table.rows.map(line)].join('\n');
}
