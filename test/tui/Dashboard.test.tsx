import { afterEach, describe, expect, it, vi } from 'vitest';
import { Dashboard } from '../../src/tui/Dashboard.js';
import { appendLog } from '../../src/tui/view-reducer.js';
import { createViewStore } from '../../src/tui/view-store.js';
import { fixtureView, NOW_MS } from './fixtures.js';
import { KEYS, renderAt, tick, type Rendered } from './render.js';

const SGR = /\u001B\[[0-9;]*m/;
let mounted: Rendered[] = [];
afterEach(() => {
  for (const r of mounted) r.unmount();
  mounted = [];
});

async function mount(props: Partial<Parameters<typeof Dashboard>[0]> = {}, size = { columns: 100, rows: 30 }) {
  const views = createViewStore({ initial: fixtureView() });
  const r = renderAt(<Dashboard source={views} now={() => NOW_MS} color={false} {...props} />, size);
  mounted.push(r);
  await tick();
  return { r, views };
}

/** The leaderboard's trial rows: lines with a rank after the selection marker. */
function leaderboardLines(frame: string): string[] {
  return frame.split('\n').filter((l) => /^[› ] +\d+ /.test(l));
}

describe('Dashboard', () => {
  it('shows header counts, the ranked leaderboard, running trials and workers', async () => {
    const { r } = await mount();
    const frame = r.lastFrame();
    expect(frame).toContain('sweep smoke-1 · grid · by val_accuracy (maximize) · running');
    expect(frame).toContain('3/6 trials · 2m05s · ETA ~11s · 8,000 samples/s');
    expect(frame).toContain('queued 1 · running 2 · done 1 · failed 1 · early 1 · diverged 0');
    const rows = leaderboardLines(frame);
    expect(rows.map((l) => l.match(/optimizer=\w+|dropout=[\d.]+/)?.[0])).toEqual(['optimizer=adam', 'dropout=0.15', 'optimizer=sgd', 'dropout=0.3', 'optimizer=rmsprop', 'optimizer=nadam']);
    expect(rows[0]).toMatch(/^› +1 optimizers +optimizer=adam\(lr=0\.001\) +0\.7900 +0\.7900 +5\/5 done$/);
    expect(rows[5]).toMatch(/6 optimizers +optimizer=nadam\(lr=0\.001\) +- +- +0\/5 queued$/);
    expect(frame).toMatch(/Running 2/);
    expect(frame).toMatch(/optimizer=sgd\(lr=0\.001\) +██████░░░░ +3\/5 +0\.8000 +0\.8200 █▄▁ +alpha:1/);
    expect(frame).toMatch(/alpha +tensorflow +1\/2 busy seen 3s ago/);
    expect(frame).toMatch(/beta +wasm +1\/4 busy LOST 40s/);
    expect(frame).toContain('Workers 2 (1 lost)');
  });

  it('cycles the sort metric with s, and the losses rank ascending', async () => {
    const { r } = await mount();
    await r.press('s');
    expect(r.lastFrame()).toContain('Leaderboard by val_loss (minimize)');
    const rows = leaderboardLines(r.lastFrame());
    // Best val_loss: adam 0.42, d15 0.66, sgd 0.82, d30 0.82 (later position), rms 1.12; nadam none.
    expect(rows.map((l) => l.match(/optimizer=\w+|dropout=[\d.]+/)?.[0])).toEqual(['optimizer=adam', 'dropout=0.15', 'optimizer=sgd', 'dropout=0.3', 'optimizer=rmsprop', 'optimizer=nadam']);
    expect(rows[0]).toMatch(/0\.4200 +0\.4200 +5\/5 done$/);
    await r.press('s', 's', 's');
    expect(r.lastFrame()).toContain('Leaderboard by val_accuracy (maximize)');
  });

  it('filters by study with f, cycling through each study and back to all', async () => {
    const { r } = await mount();
    await r.press('f');
    expect(r.lastFrame()).toContain('study: optimizers');
    expect(leaderboardLines(r.lastFrame())).toHaveLength(4);
    await r.press('f');
    const dropout = leaderboardLines(r.lastFrame());
    expect(r.lastFrame()).toContain('study: dropout');
    expect(dropout.map((l) => l.match(/dropout=[\d.]+/)?.[0])).toEqual(['dropout=0.15', 'dropout=0.3']);
    // Ranks restart within the study.
    expect(dropout[0]).toMatch(/^› +1 dropout/);
    await r.press('f');
    expect(r.lastFrame()).toContain('study: all');
    expect(leaderboardLines(r.lastFrame())).toHaveLength(6);
  });

  it('moves the selection with the arrows and opens the detail with enter', async () => {
    const { r } = await mount();
    await r.press(KEYS.down, KEYS.down);
    expect(leaderboardLines(r.lastFrame())[2]).toMatch(/^› +3 optimizers +optimizer=sgd/);
    await r.press(KEYS.up);
    expect(leaderboardLines(r.lastFrame())[1]).toMatch(/^› +2 dropout/);
    await r.press(KEYS.enter);
    const detail = r.lastFrame();
    expect(detail.split('\n')[0]).toMatch(/^dropout dropout=0\.15 · stopped_early · attempt 1 · worker beta:2 · best epoch 2/);
    // The full resolved config, not only what the study varies.
    expect(detail).toContain('dataset=fashion-mnist  train_size=6000  epochs=5  batch_size=64');
    expect(detail).toContain('optimizer.name=sgd');
    expect(detail).toContain('early_stopping=none');
    expect(detail).toContain('* loss  o val_loss');
    expect(detail).toMatch(/ 0\.7200 │o/);
    expect(detail).toMatch(/ 0\.6400 │ +\*+$/m);
    expect(detail).toMatch(/^ +4 +0\.6400 +0\.6100 +0\.6600 +0\.6000 +2\.0 +4,000$/m);
    await r.press('a');
    expect(r.lastFrame()).toContain('* accuracy  o val_accuracy');
    expect(r.lastFrame()).toMatch(/ 0\.6100 │/);
    await r.press(KEYS.escape);
    expect(r.lastFrame()).toContain('Leaderboard by val_accuracy');
  });

  it("shows a failed trial's first error line in its detail and keeps the selection across re-sorting", async () => {
    const { r } = await mount();
    await r.press(KEYS.down, KEYS.down, KEYS.down, KEYS.down);
    expect(leaderboardLines(r.lastFrame())[4]).toMatch(/^› +5 optimizers +optimizer=rmsprop/);
    await r.press('s');
    expect(leaderboardLines(r.lastFrame()).find((l) => l.startsWith('›'))).toMatch(/optimizer=rmsprop/);
    await r.press(KEYS.enter);
    expect(r.lastFrame()).toContain('error: TrainingError: out of memory');
    expect(r.lastFrame()).not.toContain('train-loop.ts');
    expect(r.lastFrame()).toContain('attempt 2');
  });

  it('fits 80x24: no line is wider than 80 and the live area is shorter than the terminal', async () => {
    const { r } = await mount({}, { columns: 80, rows: 24 });
    for (const frame of [r.lastFrame(), await r.press(KEYS.enter).then(() => r.lastFrame())]) {
      const lines = frame.split('\n');
      expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(80);
      expect(lines.length).toBeLessThan(24);
    }
    // Long cells are cut with an ellipsis, never wrapped onto a second line.
    await r.press(KEYS.escape);
    expect(r.lastFrame()).toMatch(/^  optimizer=sgd\(lr=0… ██████░░░░ /m);
  });

  it('follows a resize: fewer leaderboard rows and narrower lines', async () => {
    const { r } = await mount({}, { columns: 120, rows: 40 });
    expect(leaderboardLines(r.lastFrame())).toHaveLength(6);
    r.stdout.resize(60, 12);
    await tick();
    const lines = r.lastFrame().split('\n');
    expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(60);
    expect(lines.length).toBeLessThan(12);
    expect(leaderboardLines(r.lastFrame()).length).toBeLessThan(6);
    expect(r.lastFrame()).toContain('Leaderboard 1-3 of 6 by val_accuracy');
    expect(r.lastFrame()).toContain('Running 2 (+1)');
  });

  it('writes no ANSI styling without colour (NO_COLOR)', async () => {
    const { r, views } = await mount({ color: false });
    views.update((v) => appendLog(v, { key: 'k', kind: 'failed', trialId: 't-rms', text: 'optimizers optimizer=rmsprop failed: boom' }));
    await tick(150);
    await r.press(KEYS.enter);
    expect(r.stdout.frames.length).toBeGreaterThan(2);
    for (const frame of r.stdout.frames) expect(frame).not.toMatch(SGR);
    expect(r.lastFrame()).toContain('failed   optimizers optimizer=rmsprop failed: boom');
  });

  it('prints each log line once, above the live area', async () => {
    const { r, views } = await mount();
    views.update((v) => appendLog(v, { key: 'a', kind: 'stopped_early', trialId: 't-d15', text: 'dropout dropout=0.15 stopped early after epoch 4' }));
    await tick(150);
    views.update((v) => appendLog(v, { key: 'b', kind: 'retried', trialId: 't-rms', text: 'optimizers optimizer=rmsprop retried as attempt 2: worker lost' }));
    await tick(150);
    const frame = r.lastFrame();
    expect(frame.indexOf('early    dropout dropout=0.15 stopped early')).toBeLessThan(frame.indexOf('retry    optimizers optimizer=rmsprop retried'));
    expect(frame.indexOf('retry    optimizers')).toBeLessThan(frame.indexOf('sweep smoke-1'));
    expect(frame.split('stopped early after epoch 4')).toHaveLength(2);
  });

  it('leaves at once with q when attached', async () => {
    const onStop = vi.fn();
    const { r } = await mount({ onStop });
    expect(r.hasExited()).toBe(false);
    await r.press('q');
    expect(r.hasExited()).toBe(true);
    expect(r.lastFrame()).not.toContain('stop the local workers?');
    expect(onStop).not.toHaveBeenCalled();
  });

  it('asks before stopping an embedded run, and stops only on y', async () => {
    const onStop = vi.fn();
    const { r } = await mount({ embedded: true, onStop });
    await r.press('q');
    expect(r.lastFrame()).toContain('stop the local workers? (y/n)');
    await r.press('n');
    expect(r.lastFrame()).not.toContain('stop the local workers?');
    await r.press(KEYS.escape, 'y');
    expect(onStop).toHaveBeenCalledTimes(1);
    expect(r.hasExited()).toBe(false);
    expect(r.lastFrame()).toContain('stopping: running trials end after their current batch');
  });

  it('stops an embedded run on Ctrl-C without asking and hands a second Ctrl-C to the caller', async () => {
    const onStop = vi.fn();
    const onInterrupt = vi.fn();
    const { r } = await mount({ embedded: true, onStop, onInterrupt });
    await r.press(KEYS.ctrlC);
    expect(onStop).toHaveBeenCalledTimes(1);
    expect(onInterrupt).not.toHaveBeenCalled();
    await r.press(KEYS.ctrlC);
    expect(onInterrupt).toHaveBeenCalledTimes(1);
  });
});
