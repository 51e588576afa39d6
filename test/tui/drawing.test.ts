import { describe, expect, it } from 'vitest';
import { configTokens, wrapTokens } from '../../src/tui/config-lines.js';
import { FOOTER_LINES, HEADER_LINES, planDetail, planList } from '../../src/tui/layout.js';
import { plotLines } from '../../src/tui/line-chart.js';
import { isWorkerLost, listedWorkers } from '../../src/tui/summary.js';
import { cell, fit, progressBar, sparkline } from '../../src/tui/text.js';
import { WORKER_LOST_AFTER_MS, type WorkerView } from '../../src/tui/view-model.js';
import { config } from './fixtures.js';

describe('text cells', () => {
  it('draws bars, sparklines and cut cells of exact widths', () => {
    expect(progressBar(0.5, 10)).toBe('█████░░░░░');
    expect(progressBar(2, 4)).toBe('████');
    expect(progressBar(Number.NaN, 3)).toBe('░░░');
    expect(sparkline([3, 2, 1, 1], 8)).toBe('█▅▁▁');
    expect(sparkline([1, 2, 3, 4, 5], 3)).toBe('▁▅█');
    expect(sparkline([0.5, Number.NaN], 4)).toBe('▁!');
    expect(fit('optimizer=adam', 8)).toBe('optimiz…');
    expect(cell('ab', 4, 'right')).toBe('  ab');
    expect(cell('abcdef', 4)).toBe('abc…');
  });
});

describe('plotLines', () => {
  it('spans the shared range top to bottom and marks overlaps', () => {
    const plot = plotLines([[1, 0.5, 0], [1, 1, 1]], 5, 3);
    const text = plot.rows.map((r) => r.map((c) => c.char).join(''));
    expect(text).toEqual(['#oooo', ' **  ', '   **']);
    expect([plot.top, plot.bottom]).toEqual(['1.0000', '0.0000']);
  });

  it('fills rows between steep neighbours so a drop reads as a line', () => {
    const text = plotLines([[1, 0]], 2, 4).rows.map((r) => r.map((c) => c.char).join(''));
    expect(text).toEqual(['* ', ' *', ' *', ' *']);
  });

  it('leaves non-finite values out (a diverged loss)', () => {
    const plot = plotLines([[Number.NaN, Number.NaN]], 4, 2);
    expect(plot.top).toBe('-');
    expect(plot.rows.flat().every((c) => c.char === ' ')).toBe(true);
  });
});

describe('layout', () => {
  it('keeps the list screen shorter than the terminal and shows every section at 80x24', () => {
    const plan = planList(24, { trials: 40, running: 4, workers: 2 });
    expect(plan).toEqual({ leaderboard: 9, running: 4, workers: 2 });
    const lines = HEADER_LINES + 2 + plan.leaderboard + 1 + plan.running + 1 + plan.workers + FOOTER_LINES;
    expect(lines).toBe(23);
  });

  it('drops the smaller sections before the leaderboard on a short terminal', () => {
    expect(planList(12, { trials: 40, running: 4, workers: 2 })).toEqual({ leaderboard: 3, running: 1, workers: 0 });
    expect(planList(40, { trials: 2, running: 0, workers: 0 })).toEqual({ leaderboard: 2, running: 0, workers: 0 });
  });

  it('gives the detail chart a bit over half of what the config leaves', () => {
    expect(planDetail(24, 4, 30)).toEqual({ chart: 8, epochs: 6 });
    expect(planDetail(24, 4, 2)).toEqual({ chart: 8, epochs: 2 });
  });
});

describe('config lines', () => {
  it('lists every resolved setting with dotted paths, packed into the width', () => {
    const tokens = configTokens(config({ early_stopping: { monitor: 'val_loss', patience: 2, min_delta: 0, mode: 'auto', restore_best_weights: false } }));
    expect(tokens).toContain('optimizer.learning_rate=0.01');
    expect(tokens).toContain('early_stopping.patience=2');
    expect(tokens).toContain('train_size=6000');
    const lines = wrapTokens(tokens, 60, 20);
    expect(lines.every((l) => [...l].length <= 60)).toBe(true);
    expect(lines.join('  ').split(/\s{2}/)).toEqual(tokens);
    const cut = wrapTokens(tokens, 40, 2);
    expect(cut).toHaveLength(2);
    expect(cut[1]).toMatch(/…$/);
    // A token wider than the line is cut, not wrapped.
    expect(wrapTokens(['early_stopping.restore_best_weights=false'], 20, 3)).toEqual(['early_stopping.rest…']);
  });
});

describe('workers', () => {
  const worker = (lastSeenMs: number): WorkerView => ({ id: 'w', host: 'h', backend: 'cpu', slots: 1, running: [], lastSeenMs });
  it('marks a worker lost after three missed heartbeats and forgets long-gone ones', () => {
    expect(isWorkerLost(worker(0), WORKER_LOST_AFTER_MS)).toBe(false);
    expect(isWorkerLost(worker(0), WORKER_LOST_AFTER_MS + 1)).toBe(true);
    expect(listedWorkers([worker(0), worker(3_600_000)], 3_600_000)).toHaveLength(1);
  });
});
