/**
 * How many rows each part of a screen gets. The live area must stay shorter than the terminal:
 * when Ink's output reaches the terminal's height it clears the screen on every frame, which
 * flickers and reprints the whole event log.
 */

/** Header lines on the list screen. */
export const HEADER_LINES = 3;
/** Key help or the quit prompt. */
export const FOOTER_LINES = 1;

export interface ListLayout {
  /** Trial rows in the leaderboard (besides its title and column header). */
  leaderboard: number;
  /** Running-trial rows; 0 hides the section. */
  running: number;
  /** Worker rows; 0 hides the section. */
  workers: number;
}

export interface ListCounts {
  trials: number;
  running: number;
  workers: number;
}

const MAX_RUNNING_ROWS = 8;
const MAX_WORKER_ROWS = 4;

/**
 * Leaderboard first (at least three rows), then one row per running trial, then workers, and
 * whatever is left goes back to the leaderboard. A section is shown only if its title and one row fit.
 */
export function planList(rows: number, counts: ListCounts): ListLayout {
  let free = rows - 1 - HEADER_LINES - FOOTER_LINES - 2;
  const leaderboardMin = Math.min(counts.trials, 3, Math.max(0, free));
  free -= leaderboardMin;
  const running = section(counts.running, MAX_RUNNING_ROWS, free);
  free -= running > 0 ? running + 1 : 0;
  const workers = section(counts.workers, MAX_WORKER_ROWS, free);
  free -= workers > 0 ? workers + 1 : 0;
  const leaderboard = Math.min(counts.trials, leaderboardMin + Math.max(0, free));
  return { leaderboard, running, workers };
}

function section(wanted: number, max: number, free: number): number {
  if (wanted === 0 || free < 2) return 0;
  return Math.min(wanted, max, free - 1);
}

export interface DetailLayout {
  /** Rows of the chart's plot area. */
  chart: number;
  /** Epoch rows in the table (the latest epochs when there are more). */
  epochs: number;
}

/** Lines of the detail screen besides the config, the plot and the epoch rows. */
const DETAIL_FIXED_LINES = 1 /* title */ + 1 /* chart legend */ + 1 /* x axis */ + 1 /* table header */ + FOOTER_LINES;

/** The chart takes a bit over half of what the config leaves, between 3 and 14 rows. */
export function planDetail(rows: number, configLines: number, epochs: number): DetailLayout {
  const free = Math.max(0, rows - 1 - DETAIL_FIXED_LINES - configLines);
  const chart = Math.max(3, Math.min(14, Math.ceil(free * 0.55)));
  return { chart, epochs: Math.min(epochs, Math.max(1, free - chart)) };
}
