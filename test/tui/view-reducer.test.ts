import { describe, expect, it } from 'vitest';
import type { SweepEvent } from '../../src/orchestrator/events.js';
import type { TrialRecord } from '../../src/store/index.js';
import type { EpochMetrics } from '../../src/transport/protocol.js';
import { rankView, sweepMetricOf } from '../../src/tui/ranking.js';
import { summarize } from '../../src/tui/summary.js';
import { emptyView, type SweepView } from '../../src/tui/view-model.js';
import { reduceSweepEvent, withRecords } from '../../src/tui/view-reducer.js';
import { config, STARTED_MS, sweepRecord, trialRecord } from './fixtures.js';

const t1 = trialRecord('t1', 0, { config: config({ optimizer: { name: 'adam', learning_rate: 0.001 } }) });
const t2 = trialRecord('t2', 1, { config: config({ optimizer: { name: 'sgd', learning_rate: 0.01 } }) });
const t3 = trialRecord('t3', 2, { config: config({ optimizer: { name: 'nadam', learning_rate: 0.001 } }) });

function m(epoch: number, loss: number): EpochMetrics {
  return { epoch, loss, accuracy: 1 - loss, val_loss: loss + 0.1, val_accuracy: 0.9 - loss, seconds: 1.5, samples_per_second: 5000 };
}
const as = (t: TrialRecord, over: Partial<TrialRecord>): TrialRecord => ({ ...t, ...over });
const outcome = (status: 'completed' | 'stopped_early' | 'failed', epochs: number, error: string | null = null) => ({
  status,
  epochs,
  backend: 'cpu' as const,
  bestEpoch: epochs,
  error: error ? { name: 'TrainerError', code: 'TRAINING', message: error } : null,
});

/** A run of three trials: t1 completes; t2 loses its worker, is retried and stops early; t3 fails. */
const SCRIPT: SweepEvent[] = [
  { type: 'sweep-started', sweep: sweepRecord({ metric: { name: 'val_loss', goal: 'minimize' } }), trials: [t1, t2, t3], toRun: 3, resumed: false, atMs: STARTED_MS },
  { type: 'trial-started', trial: as(t1, { state: 'running', attempts: 1, worker: 'w1' }), attempt: 1, worker: 'w1', atMs: STARTED_MS + 10 },
  { type: 'trial-backend', trialId: 't1', backend: 'wasm' },
  { type: 'trial-started', trial: as(t2, { state: 'running', attempts: 1, worker: 'w2' }), attempt: 1, worker: 'w2', atMs: STARTED_MS + 20 },
  { type: 'epoch', trialId: 't1', attempt: 1, metrics: m(1, 0.8) },
  { type: 'epoch', trialId: 't2', attempt: 1, metrics: m(1, 0.9) },
  { type: 'trial-retried', trialId: 't2', attempt: 2, reason: 'worker w2 lost\nlease expired' },
  { type: 'trial-started', trial: as(t2, { state: 'running', attempts: 2, worker: 'w1' }), attempt: 2, worker: 'w1', atMs: STARTED_MS + 30 },
  // A late report from the lost attempt must not mix into the new one's curve.
  { type: 'epoch', trialId: 't2', attempt: 1, metrics: m(2, 0.1) },
  { type: 'epoch', trialId: 't2', attempt: 2, metrics: m(1, 0.7) },
  { type: 'epoch', trialId: 't1', attempt: 1, metrics: m(2, 0.5) },
  { type: 'worker', worker: { id: 'w1', host: 'alpha', pid: 1, backend: 'wasm', gpus: [], slots: 2, running: ['t1', 't2'], atMs: STARTED_MS + 40 } },
  { type: 'trial-finished', trial: as(t1, { state: 'completed', attempts: 1, worker: 'w1', endedAtMs: STARTED_MS + 50 }), outcome: outcome('completed', 2), atMs: STARTED_MS + 50 },
  { type: 'trial-finished', trial: as(t2, { state: 'stopped_early', attempts: 2, bestEpoch: 1 }), outcome: outcome('stopped_early', 1), atMs: STARTED_MS + 60 },
  { type: 'trial-started', trial: as(t3, { state: 'running', attempts: 1, worker: 'w1' }), attempt: 1, worker: 'w1', atMs: STARTED_MS + 61 },
  { type: 'trial-finished', trial: as(t3, { state: 'failed', attempts: 1, error: 'TrainerError: NaN in weights\n    at step' }), outcome: outcome('failed', 0, 'NaN in weights'), atMs: STARTED_MS + 70 },
  { type: 'sweep-finished', sweepId: 'smoke-1', status: 'finished', counts: { queued: 0, running: 0, completed: 1, failed: 1, stopped_early: 1, diverged: 0, cancelled: 0 }, atMs: STARTED_MS + 80 },
];

function play(events: readonly SweepEvent[]): SweepView[] {
  const views = [emptyView()];
  for (const event of events) views.push(reduceSweepEvent(views.at(-1)!, event));
  return views;
}

describe('reduceSweepEvent over a scripted run', () => {
  const views = play(SCRIPT);
  const last = views.at(-1)!;

  it('ends with every trial in its final state and the sweep finished', () => {
    expect([...last.trials.values()].map((t) => t.record.state)).toEqual(['completed', 'stopped_early', 'failed']);
    expect(last.status).toBe('finished');
    expect(summarize(last, STARTED_MS + 1000)).toMatchObject({ total: 3, ended: 3, elapsedMs: 80, etaMs: null, samplesPerSecond: 0 });
  });

  it("keeps only the latest attempt's epochs and ignores a late epoch of the old attempt", () => {
    expect(last.trials.get('t2')!.epochs.map((e) => [e.attempt, e.epoch, e.loss])).toEqual([[2, 1, 0.7]]);
    expect(last.trials.get('t1')!.epochs.map((e) => e.loss)).toEqual([0.8, 0.5]);
    expect(last.trials.get('t1')!.backend).toBe('cpu');
    expect(views[3]!.trials.get('t1')!.backend).toBe('wasm');
  });

  it('logs the retry, the early stop and the failure with its first line, in order', () => {
    expect(last.log.map((l) => [l.kind, l.text])).toEqual([
      ['retried', 'optimizers optimizer=sgd(lr=0.01) retried as attempt 2: worker w2 lost'],
      ['stopped_early', 'optimizers optimizer=sgd(lr=0.01) stopped early after epoch 1 (best epoch 1)'],
      ['failed', 'optimizers optimizer=nadam(lr=0.001) failed: TrainerError: NaN in weights'],
    ]);
  });

  it('counts and estimates while running: the ETA is remaining images over measured images per second', () => {
    // After t1 epoch 2 (index 11): t1 has 3 epochs left of 6,000 images, t2 (attempt 2) 4, t3 5.
    const mid = views[11]!;
    expect(summarize(mid, STARTED_MS + 35)).toMatchObject({ total: 3, ended: 0, counts: { running: 2, queued: 1 }, samplesPerSecond: 10_000 });
    // Two running trials each train 6,000 images per 1.5 s epoch: 8,000 images/s for 72,000 images.
    expect(summarize(mid, STARTED_MS + 35).etaMs).toBeCloseTo(9_000);
  });

  it('ranks by the sweep metric from the view (goal respected)', () => {
    const rows = rankView(last, sweepMetricOf(last), null);
    expect(rows.map((r) => [r.trial.trialId, r.best === null ? null : Number(r.best.toFixed(4))])).toEqual([
      ['t1', 0.6],
      ['t2', 0.8],
      ['t3', null],
    ]);
  });

  it('records worker heartbeats and never changes an earlier view', () => {
    expect(last.workers.get('w1')).toMatchObject({ host: 'alpha', slots: 2, running: ['t1', 't2'], lastSeenMs: STARTED_MS + 40 });
    expect(views[1]!.trials.get('t1')!.record.state).toBe('queued');
    expect(views[1]!.log).toEqual([]);
    expect(play(SCRIPT).at(-1)).toEqual(last);
  });

  it('takes fresher records from the store at the end (queued trials the controller cancelled)', () => {
    const after = withRecords(last, [as(t3, { state: 'cancelled' })]);
    expect(after.trials.get('t3')!.record.state).toBe('cancelled');
    expect(after.trials.get('t1')).toBe(last.trials.get('t1'));
  });

  it('ignores events for trials it does not know', () => {
    const view = views[1]!;
    expect(reduceSweepEvent(view, { type: 'epoch', trialId: 'nope', attempt: 1, metrics: m(1, 1) })).toBe(view);
    expect(reduceSweepEvent(view, { type: 'trial-retried', trialId: 'nope', attempt: 2, reason: 'x' })).toBe(view);
  });
});
