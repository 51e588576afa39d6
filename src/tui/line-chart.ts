import { formatMetric } from './table.js';

/** One plotted cell: its character and which series drew it (null for blank, -1 for an overlap). */
export interface ChartCell {
  char: string;
  series: number | null;
}

export interface ChartPlot {
  /** `height` rows of `width` cells, top row first. */
  rows: ChartCell[][];
  /** Labels for the top and bottom rows ('-' when nothing is finite). */
  top: string;
  bottom: string;
}

/** Markers per series; overlapping points show as `#`. */
export const SERIES_MARKS = ['*', 'o'] as const;

/**
 * Plots series over a shared x (epoch 1..n) and y range into a grid of cells: each column takes
 * the series' value interpolated at that x, and a steep change fills the rows in between, so a
 * few epochs still read as a line. Values that are not finite are left out of the range and drawn
 * nowhere.
 */
export function plotLines(series: readonly (readonly number[])[], width: number, height: number): ChartPlot {
  const rows: ChartCell[][] = Array.from({ length: Math.max(0, height) }, () => Array.from({ length: Math.max(0, width) }, () => ({ char: ' ', series: null })));
  const finite = series.flat().filter(Number.isFinite);
  if (finite.length === 0 || width <= 0 || height <= 0) return { rows, top: '-', bottom: '-' };
  const max = Math.max(...finite);
  const min = Math.min(...finite);
  const rowOf = (v: number): number => (max === min ? Math.floor((height - 1) / 2) : Math.round(((max - v) / (max - min)) * (height - 1)));

  series.forEach((values, s) => {
    let previous: number | null = null;
    for (let c = 0; c < width; c += 1) {
      const v = valueAt(values, values.length <= 1 ? 0 : (c / Math.max(1, width - 1)) * (values.length - 1));
      if (v === null) {
        previous = null;
        continue;
      }
      const row = rowOf(v);
      // The rows between this column's point and the previous one's, this point included.
      const from = previous === null || row <= previous ? row : previous + 1;
      const to = previous === null || row >= previous ? row : previous - 1;
      for (let r = from; r <= to; r += 1) mark(rows, r, c, s);
      previous = row;
      if (values.length <= 1) break;
    }
  });
  return { rows, top: formatMetric(max), bottom: formatMetric(min) };
}

function valueAt(values: readonly number[], x: number): number | null {
  const left = Math.floor(x);
  const a = values[left];
  const b = values[Math.min(values.length - 1, left + 1)];
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b)) return null;
  return a + (b - a) * (x - left);
}

function mark(rows: ChartCell[][], r: number, c: number, s: number): void {
  const target = rows[r]?.[c];
  if (!target) return;
  if (target.series !== null && target.series !== s) {
    target.char = '#';
    target.series = -1;
  } else {
    target.char = SERIES_MARKS[s] ?? '+';
    target.series = s;
  }
}
