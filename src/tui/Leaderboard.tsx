import { Text } from 'ink';
import { describeVaried, type LeaderboardRow, type SweepMetric } from '../orchestrator/leaderboard.js';
import { formatMetric } from './table.js';
import { cell } from './text.js';
import { STATE_LABELS, stateTone } from './theme.js';
import { useTheme } from './use-theme.js';

export interface LeaderboardProps {
  rows: readonly LeaderboardRow[];
  selectedId: string | null;
  metric: SweepMetric;
  /** The study shown, or null for all. */
  study: string | null;
  /** Trial rows to show; the window scrolls to keep the selection in it. */
  maxRows: number;
  width: number;
}

/** Widths of the fixed columns; `varies` takes what is left. */
/** Wide enough for "123/300": the chapter's dropout study runs 300 epochs. */
const EPOCHS = 7;

function columns(width: number) {
  const study = width >= 110 ? 16 : 10;
  const fixed = 2 + 3 + 1 + study + 1 + 1 + 8 + 1 + 8 + 1 + EPOCHS + 1 + 8;
  return { study, varies: Math.max(8, width - fixed) };
}

/** The trials ranked by the sort metric: rank, study, what it varies, best and last value, epochs, state. */
export function Leaderboard({ rows, selectedId, metric, study, maxRows, width }: LeaderboardProps) {
  const tone = useTheme();
  const cols = columns(width);
  const selected = Math.max(0, rows.findIndex((r) => r.trial.trialId === selectedId));
  const start = Math.min(Math.max(0, selected - Math.floor(maxRows / 2)), Math.max(0, rows.length - maxRows));
  const shown = rows.slice(start, start + maxRows);
  const range = rows.length > shown.length ? ` ${start + 1}-${start + shown.length} of ${rows.length}` : '';
  return (
    <>
      <Text wrap="truncate-end">
        <Text {...tone('title')}>Leaderboard</Text>
        {range} by {metric.name} ({metric.goal}) · study: {study ?? 'all'}
      </Text>
      <Text wrap="truncate-end" {...tone('muted')}>
        {'  '}
        {cell('#', 3, 'right')} {cell('study', cols.study)} {cell('varies', cols.varies)} {cell('best', 8, 'right')} {cell('last', 8, 'right')}{' '}
        {cell('ep', EPOCHS, 'right')} {'status'}
      </Text>
      {shown.map((row) => {
        const isSelected = row.trial.trialId === selectedId;
        const epochs = `${row.epochs}/${row.trial.config.epochs}`;
        return (
          <Text key={row.trial.trialId} wrap="truncate-end" {...tone(isSelected ? 'selected' : 'plain')}>
            {isSelected ? '› ' : '  '}
            {cell(String(row.rank), 3, 'right')} {cell(row.trial.study, cols.study)} {cell(describeVaried(row.trial), cols.varies)}{' '}
            {cell(formatMetric(row.best), 8, 'right')} {cell(formatMetric(row.last), 8, 'right')} {cell(epochs, EPOCHS, 'right')}{' '}
            <Text {...tone(stateTone(row.trial.state))}>{STATE_LABELS[row.trial.state]}</Text>
          </Text>
        );
      })}
    </>
  );
}
