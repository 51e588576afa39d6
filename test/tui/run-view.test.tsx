import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { openSqliteStore, type SweepStore, type TrialRecord } from '../../src/store/index.js';
import { createRunView } from '../../src/tui/run-view.js';
import { config, STARTED_MS } from './fixtures.js';
import { FakeStdin, FakeStdout, tick } from './render.js';

let dir: string;
let store: SweepStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sweep-run-view-'));
  store = openSqliteStore(join(dir, 'sweeps.db'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Ink's output with cursor movement and erasing removed: what a terminal would have shown, in order. */
function shown(stdout: FakeStdout): string {
  return stdout.frames.join('').replace(/\u001B\[[0-9;?]*[A-Za-z]/g, '');
}

it('draws the events of a run, and the finished sweep as its last frame when closed', async () => {
  const sweep = store.createSweep({ name: 'smoke', method: 'grid', metric: { name: 'val_loss', goal: 'minimize' }, specHash: 'h', sourceText: '', sourcePath: 's.yaml', spec: {}, createdAtMs: STARTED_MS });
  store.addTrials(sweep.id, [
    { trialId: 'a', position: 0, study: 'smoke', config: config({ epochs: 2 }), varied: ['optimizer'] },
    { trialId: 'b', position: 1, study: 'smoke', config: config({ epochs: 2 }), varied: ['optimizer'] },
  ]);
  // A resumed sweep: b finished in an earlier run, with its epochs stored.
  store.transitionTrial(sweep.id, 'b', ['queued'], 'running');
  store.recordEpoch(sweep.id, 'b', 1, { epoch: 1, loss: 0.5, accuracy: 0.8, val_loss: 0.6, val_accuracy: 0.75, seconds: 1, samples_per_second: 6000 });
  store.transitionTrial(sweep.id, 'b', ['running'], 'completed');

  const stdout = new FakeStdout(100, 30);
  const stdin = new FakeStdin();
  const onStop = vi.fn();
  const view = createRunView({ store, onStop, color: false, stdout: stdout as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream, maxFps: 50, patchConsole: false });
  const trials = store.listTrials(sweep.id);
  const a = trials[0]!;
  view.onEvent({ type: 'sweep-started', sweep, trials, toRun: 1, resumed: true, atMs: Date.now() });
  await tick(60);
  expect(shown(stdout)).toMatch(/1 smoke +optimizer=sgd\(lr=0\.01\) +0\.6000 +0\.6000 +1\/2 done/);

  const running: TrialRecord = { ...a, state: 'running', attempts: 1, worker: 'vm:1' };
  view.onEvent({ type: 'trial-started', trial: running, attempt: 1, worker: 'vm:1', atMs: Date.now() });
  view.onEvent({ type: 'epoch', trialId: 'a', attempt: 1, metrics: { epoch: 1, loss: 0.3, accuracy: 0.9, val_loss: 0.4, val_accuracy: 0.85, seconds: 1, samples_per_second: 6000 } });
  await tick(60);
  expect(shown(stdout)).toMatch(/Running 1/);
  expect(shown(stdout)).toMatch(/1 smoke +optimizer=sgd\(lr=0\.01\) +0\.4000 +0\.4000 +1\/2 running/);

  // Quitting asks, and only a yes cancels the run.
  stdin.write('q');
  await tick(60);
  expect(shown(stdout)).toContain('stop the local workers? (y/n)');
  stdin.write('y');
  await tick(60);
  expect(onStop).toHaveBeenCalledTimes(1);

  store.transitionTrial(sweep.id, 'a', ['queued'], 'running');
  store.transitionTrial(sweep.id, 'a', ['running'], 'cancelled');
  view.onEvent({ type: 'sweep-finished', sweepId: sweep.id, status: 'interrupted', counts: store.countByState(sweep.id), atMs: Date.now() });
  const before = stdout.frames.length;
  await view.close();
  await view.close();
  expect(stdout.frames.length).toBeGreaterThan(before);
  const last = shown({ frames: stdout.frames.slice(before) } as FakeStdout);
  expect(last).toContain('sweep smoke-1 · grid · by val_loss (minimize) · interrupted');
  expect(last).toContain('queued 0 · running 0 · done 1');
  expect(last).toMatch(/cancel/);
});
