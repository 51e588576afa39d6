import { Text } from 'ink';
import { configTokens, wrapTokens } from './config-lines.js';
import { EpochTable } from './EpochTable.js';
import { planDetail } from './layout.js';
import { LineChart } from './LineChart.js';
import { trialLabel } from './log-lines.js';
import { stateTone } from './theme.js';
import type { UiState } from './ui-state.js';
import { useTheme } from './use-theme.js';
import { firstLine, type TrialView } from './view-model.js';

export interface TrialDetailProps {
  trial: TrialView;
  chart: UiState['chart'];
  width: number;
  rows: number;
}

const MAX_CONFIG_LINES = 5;

/** One trial: what it is, its full resolved config, a chart of loss (or accuracy) and its epochs. */
export function TrialDetail({ trial, chart, width, rows }: TrialDetailProps) {
  const tone = useTheme();
  const { record, epochs } = trial;
  const error = record.error && record.state !== 'cancelled' ? [`error: ${firstLine(record.error)}`] : [];
  const config = [...error, ...wrapTokens(configTokens(record.config), width, MAX_CONFIG_LINES)];
  const layout = planDetail(rows, config.length, epochs.length);
  const series =
    chart === 'loss'
      ? [
          { label: 'loss', values: epochs.map((e) => e.loss) },
          { label: 'val_loss', values: epochs.map((e) => e.val_loss) },
        ]
      : [
          { label: 'accuracy', values: epochs.map((e) => e.accuracy) },
          { label: 'val_accuracy', values: epochs.map((e) => e.val_accuracy) },
        ];
  const facts = [
    `attempt ${record.attempts}`,
    record.worker ? `worker ${record.worker}` : null,
    trial.backend ? `backend ${trial.backend}` : null,
    record.bestEpoch !== null ? `best epoch ${record.bestEpoch}` : null,
    record.trialId,
  ].filter((f) => f !== null);
  return (
    <>
      <Text wrap="truncate-end">
        <Text {...tone('title')}>{trialLabel(record)}</Text> · <Text {...tone(stateTone(record.state))}>{record.state}</Text> · {facts.join(' · ')}
      </Text>
      {config.map((line, i) => (
        <Text key={i} wrap="truncate-end" {...tone(i < error.length ? 'bad' : 'plain')}>
          {line}
        </Text>
      ))}
      <LineChart series={series} width={width} height={layout.chart} />
      <EpochTable epochs={epochs} maxRows={layout.epochs} />
    </>
  );
}
