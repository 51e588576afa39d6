import { describe, expect, it } from 'vitest';
import type { SweepEvent } from '../../src/orchestrator/events.js';
import type { SweepRecord, TrialRecord } from '../../src/store/index.js';
import { createPlainOutput } from '../../src/tui/plain-output.js';
import { epochMetrics, trainConfig } from '../helpers/fixtures.js';
import { trialRecord } from './fixtures.js';

function trial(id: string, position: number, epochs: number): TrialRecord {
  return trialRecord(id, position, { sweepId: 's-1', study: 'st', config: trainConfig({ epochs, train_size: 10_000 }), varied: ['epochs'] });
}

const sweep = { id: 's-1', metric: { name: 'val_loss', goal: 'minimize' } } as SweepRecord;

describe('plain output', () => {
  it('prints a line per start and end, and an ETA from the work left rather than the trials left', () => {
    const lines: string[] = [];
    let clock = 0;
    const out = createPlainOutput({ write: (l) => lines.push(l), now: () => clock });
    const long = trial('long', 0, 30);
    const short = trial('short', 1, 10);
    const events: SweepEvent[] = [
      { type: 'sweep-started', sweep, trials: [long, short], toRun: 2, resumed: false, atMs: 0 },
      { type: 'trial-started', trial: { ...short, state: 'running' }, attempt: 1, worker: 'w', atMs: 0 },
    ];
    for (let e = 1; e <= 10; e++) events.push({ type: 'epoch', trialId: 'short', attempt: 1, metrics: epochMetrics(e) });
    events.forEach(out);
    clock = 10_000;
    out({
      type: 'trial-finished',
      trial: { ...short, state: 'completed', startedAtMs: 0, endedAtMs: 10_000 },
      outcome: { status: 'completed', epochs: 10, backend: 'wasm', bestEpoch: 10, error: null },
      atMs: 10_000,
    });
    expect(lines[0]).toBe('sweep s-1: 2 trials · metric val_loss (minimize)');
    expect(lines[1]).toBe('[2/2] start  st  epochs=10');
    expect(lines[2]).toMatch(/^\[2\/2\] done   st  epochs=10  completed  10 ep  loss 0\.1000 .* 10\.0s  wasm$/);
    // 10 of 40 epochs of equal size took 10 s: 30 s remain (a trial count would say 10 s).
    expect(lines[3]).toBe('progress 1/2 (1 queued, 1 completed) · 10s elapsed · ETA ~30s');
  });

  it('drops the epochs an early stop will never train from the estimate', () => {
    const lines: string[] = [];
    let clock = 0;
    const out = createPlainOutput({ write: (l) => lines.push(l), now: () => clock });
    const a = trial('a', 0, 20);
    const b = trial('b', 1, 10);
    out({ type: 'sweep-started', sweep, trials: [a, b], toRun: 2, resumed: false, atMs: 0 });
    for (let e = 1; e <= 10; e++) out({ type: 'epoch', trialId: 'a', attempt: 1, metrics: epochMetrics(e) });
    clock = 10_000;
    out({
      type: 'trial-finished',
      trial: { ...a, state: 'stopped_early', startedAtMs: 0, endedAtMs: 10_000 },
      outcome: { status: 'stopped_early', epochs: 10, backend: 'wasm', bestEpoch: 8, error: null },
      atMs: 10_000,
    });
    expect(lines.at(-1)).toBe('progress 1/2 (1 stopped_early, 1 queued) · 10s elapsed · ETA ~10s');
  });
});
