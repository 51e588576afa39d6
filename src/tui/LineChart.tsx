import { Text } from 'ink';
import { plotLines, SERIES_MARKS, type ChartCell } from './line-chart.js';
import { cell } from './text.js';
import type { Tone } from './theme.js';
import { useTheme } from './use-theme.js';

export interface LineChartProps {
  series: readonly { label: string; values: readonly number[] }[];
  width: number;
  height: number;
}

const GUTTER = 8;
const SERIES_TONES: readonly Tone[] = ['series0', 'series1'];

/** A legend, a plot with its range on the left, and an epoch axis. */
export function LineChart({ series, width, height }: LineChartProps) {
  const tone = useTheme();
  const plotWidth = Math.max(4, width - GUTTER - 1);
  const plot = plotLines(
    series.map((s) => s.values),
    plotWidth,
    height,
  );
  const epochs = Math.max(0, ...series.map((s) => s.values.length));
  return (
    <>
      <Text wrap="truncate-end">
        {series.map((s, i) => (
          <Text key={s.label}>
            {i > 0 ? '  ' : ''}
            <Text {...tone(SERIES_TONES[i] ?? 'plain')}>{SERIES_MARKS[i] ?? '+'}</Text> {s.label}
          </Text>
        ))}
      </Text>
      {plot.rows.map((row, r) => (
        <Text key={r} wrap="truncate-end">
          {cell(r === 0 ? plot.top : r === plot.rows.length - 1 ? plot.bottom : '', GUTTER - 1, 'right')} │{runs(row).map((run, i) => (
            <Text key={i} {...tone(run.series === null || run.series < 0 ? 'plain' : (SERIES_TONES[run.series] ?? 'plain'))}>
              {run.text}
            </Text>
          ))}
        </Text>
      ))}
      <Text wrap="truncate-end">
        {' '.repeat(GUTTER - 1)} └{cell(epochs > 0 ? `epoch 1` : 'no epochs yet', Math.max(0, plotWidth - String(epochs).length))}
        {epochs > 1 ? String(epochs) : ''}
      </Text>
    </>
  );
}

/** Adjacent cells of the same series as one string, so a row is a few Text nodes, not one per cell. */
function runs(row: readonly ChartCell[]): { text: string; series: number | null }[] {
  const out: { text: string; series: number | null }[] = [];
  for (const c of row) {
    const last = out.at(-1);
    if (last && last.series === c.series) last.text += c.char;
    else out.push({ text: c.char, series: c.series });
  }
  return out;
}
