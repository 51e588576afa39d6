import { Text } from 'ink';
import type { EpochRecord } from '../store/sweep-store.js';
import { formatMetric } from './table.js';
import { cell, formatCount } from './text.js';
import { useTheme } from './use-theme.js';

export interface EpochTableProps {
  epochs: readonly EpochRecord[];
  /** Rows to show: the latest epochs when there are more. */
  maxRows: number;
}

const HEADER = ['epoch', 'loss', 'accuracy', 'val_loss', 'val_acc', 'seconds', 'samples/s'] as const;
const WIDTHS = [5, 8, 8, 8, 8, 7, 9] as const;

/** Per-epoch metrics of the trial's latest attempt. */
export function EpochTable({ epochs, maxRows }: EpochTableProps) {
  const tone = useTheme();
  const shown = epochs.slice(-Math.max(1, maxRows));
  const line = (cells: readonly string[]): string => cells.map((c, i) => cell(c, WIDTHS[i] ?? 8, 'right')).join(' ');
  return (
    <>
      <Text wrap="truncate-end" {...tone('muted')}>
        {line(HEADER)}
        {shown.length < epochs.length ? `  (last ${shown.length} of ${epochs.length})` : ''}
      </Text>
      {shown.map((e) => (
        <Text key={e.epoch} wrap="truncate-end">
          {line([String(e.epoch), formatMetric(e.loss), formatMetric(e.accuracy), formatMetric(e.val_loss), formatMetric(e.val_accuracy), e.seconds.toFixed(1), formatCount(e.samples_per_second)])}
        </Text>
      ))}
    </>
  );
}
