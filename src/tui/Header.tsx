import { Text } from 'ink';
import type { SweepMetric } from '../orchestrator/leaderboard.js';
import type { SweepSummary } from './summary.js';
import { formatDuration } from './table.js';
import { formatCount, progressBar } from './text.js';
import type { Tone } from './theme.js';
import { useTheme } from './use-theme.js';
import type { SweepView } from './view-model.js';

export interface HeaderProps {
  view: SweepView;
  summary: SweepSummary;
  /** The metric the leaderboard is sorted by. */
  metric: SweepMetric;
  width: number;
}

const STATUS_TONES: Readonly<Record<SweepView['status'], Tone>> = {
  waiting: 'muted',
  running: 'info',
  finished: 'good',
  interrupted: 'warn',
  cancelled: 'warn',
};

/**
 * Three lines: the sweep, its progress with time and speed, and the trials per state (short
 * labels, so that a `cancelled` count still fits in 80 columns).
 */
export function Header({ view, summary, metric, width }: HeaderProps) {
  const tone = useTheme();
  const { counts } = summary;
  const name = view.sweep ? `sweep ${view.sweep.id}` : 'waiting for the sweep to start';
  const method = view.sweep ? ` · ${view.sweep.method}` : '';
  const barWidth = Math.max(10, Math.min(30, width - 60));
  const eta = summary.etaMs === null ? (view.status === 'running' ? ' · ETA -' : '') : ` · ETA ~${formatDuration(summary.etaMs)}`;
  return (
    <>
      <Text wrap="truncate-end">
        <Text {...tone('title')}>{name}</Text>
        {method} · by {metric.name} ({metric.goal}) · <Text {...tone(STATUS_TONES[view.status])}>{view.status}</Text>
        {view.notice ? <Text {...tone('warn')}> · {view.notice}</Text> : null}
      </Text>
      <Text wrap="truncate-end">
        <Text {...tone('good')}>{progressBar(summary.total === 0 ? 0 : summary.ended / summary.total, barWidth)}</Text> {summary.ended}/{summary.total} trials
        {summary.elapsedMs === null ? '' : ` · ${formatDuration(summary.elapsedMs)}`}
        {eta}
        {summary.samplesPerSecond > 0 ? ` · ${formatCount(summary.samplesPerSecond)} samples/s` : ''}
      </Text>
      <Text wrap="truncate-end">
        queued {counts.queued} · <Text {...tone(counts.running > 0 ? 'info' : 'plain')}>running {counts.running}</Text> ·{' '}
        <Text {...tone(counts.completed > 0 ? 'good' : 'plain')}>done {counts.completed}</Text> ·{' '}
        <Text {...tone(counts.failed > 0 ? 'bad' : 'plain')}>failed {counts.failed}</Text> ·{' '}
        <Text {...tone(counts.stopped_early > 0 ? 'warn' : 'plain')}>early {counts.stopped_early}</Text> ·{' '}
        <Text {...tone(counts.diverged > 0 ? 'accent' : 'plain')}>diverged {counts.diverged}</Text>
        {counts.cancelled > 0 ? ` · cancelled ${counts.cancelled}` : ''}
      </Text>
    </>
  );
}
