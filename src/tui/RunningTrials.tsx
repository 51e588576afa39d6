import { Text } from 'ink';
import { describeVaried } from '../orchestrator/leaderboard.js';
import { formatMetric } from './table.js';
import { cell, progressBar, sparkline } from './text.js';
import { useTheme } from './use-theme.js';
import type { TrialView } from './view-model.js';

export interface RunningTrialsProps {
  /** The running trials, in the order to show them. */
  trials: readonly TrialView[];
  maxRows: number;
  width: number;
}

const BAR = 10;
const SPARK = 8;
const WORKER = 12;
const METRIC = 8;
/** Wide enough for "123/300". */
const EPOCHS = 7;

/** One row per running trial: epoch progress, current loss and val_loss, the loss so far, its worker. */
export function RunningTrials({ trials, maxRows, width }: RunningTrialsProps) {
  const tone = useTheme();
  // Narrow terminals drop the study column (the leaderboard shows it) to keep what varies legible.
  const study = width >= 100 ? 10 : 0;
  const studyCells = study > 0 ? study + 1 : 0;
  const varies = Math.max(6, width - (2 + studyCells + 1 + BAR + 1 + EPOCHS + 1 + METRIC + 1 + METRIC + 1 + SPARK + 1 + WORKER));
  const hidden = trials.length - maxRows;
  const count = ` ${trials.length}${hidden > 0 ? ` (+${hidden})` : ''}`;
  return (
    <>
      <Text wrap="truncate-end">
        <Text {...tone('title')}>Running</Text>
        {/* Pads the title so the column labels sit over the bar (after the indent, study and varies). */}
        {cell(count, Math.max(count.length, 2 + studyCells + varies + 1 - 'Running'.length - 1))}{' '}
        <Text {...tone('muted')}>
          {cell('epochs', BAR + 1 + EPOCHS)} {cell('loss', METRIC, 'right')} {cell('val_loss', METRIC, 'right')} {cell('loss', SPARK)} worker
        </Text>
      </Text>
      {trials.slice(0, maxRows).map(({ record, epochs }) => {
        const last = epochs.at(-1);
        const done = epochs.length / Math.max(1, record.config.epochs);
        return (
          <Text key={record.trialId} wrap="truncate-end">
            {'  '}
            {study > 0 ? `${cell(record.study, study)} ` : ''}
            {cell(describeVaried(record), varies)} <Text {...tone('info')}>{progressBar(done, BAR)}</Text>{' '}
            {cell(`${epochs.length}/${record.config.epochs}`, EPOCHS, 'right')} {cell(formatMetric(last?.loss), METRIC, 'right')}{' '}
            {cell(formatMetric(last?.val_loss), METRIC, 'right')} <Text {...tone('series0')}>{cell(sparkline(epochs.map((e) => e.loss), SPARK), SPARK)}</Text>{' '}
            {cell(record.worker ?? '-', WORKER)}
          </Text>
        );
      })}
    </>
  );
}
