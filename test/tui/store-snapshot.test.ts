import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type SweepStore } from '../../src/store/index.js';
import type { EpochMetrics } from '../../src/transport/protocol.js';
import { snapshotView } from '../../src/tui/store-snapshot.js';
import { followStore } from '../../src/tui/store-follower.js';
import { summarize } from '../../src/tui/summary.js';
import { createViewStore } from '../../src/tui/view-store.js';
import { config, STARTED_MS } from './fixtures.js';
import { tick } from './render.js';

let dir: string;
let writer: SweepStore;
let reader: SweepStore;
let sweepId: string;

const m = (epoch: number): EpochMetrics => ({ epoch, loss: 1 / epoch, accuracy: 0.5, val_loss: 1.5 / epoch, val_accuracy: 0.25, seconds: 2, samples_per_second: 3000 });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sweep-tui-'));
  const path = join(dir, 'sweeps.db');
  writer = openSqliteStore(path);
  sweepId = writer.createSweep({ name: 'smoke', method: 'grid', metric: { name: 'val_loss', goal: 'minimize' }, specHash: 'h', sourceText: '', sourcePath: 'smoke.yaml', spec: {}, createdAtMs: STARTED_MS }).id;
  writer.addTrials(
    sweepId,
    ['a', 'b', 'c'].map((id, position) => ({ trialId: id, position, study: 'optimizers', config: config({ epochs: 3 }), varied: ['optimizer'] })),
  );
  // The dashboard's connection: read-only, beside the writer, as `sweep top` opens it.
  reader = openSqliteStore(path, { readonly: true });
});
afterEach(() => {
  reader.close();
  writer.close();
  rmSync(dir, { recursive: true, force: true });
});

function start(trialId: string, attempt: number, worker = 'w1'): void {
  writer.transitionTrial(sweepId, trialId, ['queued'], 'running', { worker, startedAtMs: STARTED_MS });
  writer.startAttempt(sweepId, trialId, attempt, worker, STARTED_MS);
}

describe('snapshotView (sweep top)', () => {
  it('reads trials, latest-attempt epochs, workers and counts that match the store', () => {
    start('a', 1);
    writer.recordEpoch(sweepId, 'a', 1, m(1));
    writer.recordEpoch(sweepId, 'a', 1, m(2));
    writer.upsertWorker({ id: 'w1', host: 'alpha', pid: 7, backend: 'cpu', gpus: [], slots: 2, running: ['a'], lastSeenMs: STARTED_MS + 5 });
    const view = snapshotView(reader, sweepId, null);
    expect(view.sweep?.id).toBe(sweepId);
    expect(view.status).toBe('running');
    expect(view.trials.get('a')!.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(view.workers.get('w1')).toMatchObject({ host: 'alpha', slots: 2, running: ['a'] });
    const summary = summarize(view, STARTED_MS + 10);
    expect({ queued: summary.counts.queued, running: summary.counts.running }).toEqual({ queued: 2, running: 1 });
    expect(summary.counts).toEqual(reader.countByState(sweepId));
    expect(view.log).toEqual([]);
  });

  it('rereads only the trials that changed and logs retries and notable ends between snapshots', () => {
    start('a', 1);
    start('b', 1);
    writer.recordEpoch(sweepId, 'a', 1, m(1));
    writer.recordEpoch(sweepId, 'b', 1, m(1));
    const first = snapshotView(reader, sweepId, null);

    // b's worker vanishes: the controller requeues it and another worker starts attempt 2.
    writer.endAttempt(sweepId, 'b', 1, { state: 'failed', error: 'worker w1 lost\nno heartbeat', atMs: STARTED_MS + 1 });
    writer.transitionTrial(sweepId, 'b', ['running'], 'queued');
    start('b', 2, 'w2');
    writer.recordEpoch(sweepId, 'b', 2, m(1));
    start('c', 1);
    writer.transitionTrial(sweepId, 'c', ['running'], 'failed', { error: 'TrainerError: out of memory\n  at x', endedAtMs: STARTED_MS + 2 });
    const second = snapshotView(reader, sweepId, first);

    expect(second.trials.get('a')!.epochs).toBe(first.trials.get('a')!.epochs);
    expect(second.trials.get('b')!.epochs.map((e) => [e.attempt, e.epoch])).toEqual([[2, 1]]);
    expect(second.log.map((l) => l.text)).toEqual([
      'optimizers optimizer=sgd(lr=0.01) retried as attempt 2: worker w1 lost',
      'optimizers optimizer=sgd(lr=0.01) failed: TrainerError: out of memory',
    ]);
    // Nothing new: nothing logged twice.
    expect(snapshotView(reader, sweepId, second).log).toHaveLength(2);
  });

  it('shows the end of the sweep and, on attach, the notable ends so far', () => {
    start('a', 1);
    writer.recordEpoch(sweepId, 'a', 1, m(1));
    writer.transitionTrial(sweepId, 'a', ['running'], 'stopped_early', { bestEpoch: 1, endedAtMs: STARTED_MS + 3 });
    writer.setSweepStatus(sweepId, 'finished');
    const view = snapshotView(reader, sweepId, null);
    expect(view.status).toBe('finished');
    expect(view.endedAtMs).not.toBeNull();
    expect(view.log.map((l) => l.text)).toEqual(['optimizers optimizer=sgd(lr=0.01) stopped early after epoch 1 (best epoch 1)']);
  });
});

describe('followStore', () => {
  it('publishes fresh snapshots while the writer works, and a notice (not a crash) when a read fails', async () => {
    const views = createViewStore({ minIntervalMs: 0 });
    let failing = false;
    const flaky: SweepStore = new Proxy(reader, {
      get(target, key, receiver) {
        if (key === 'listTrials' && failing) return () => { throw new Error('database is locked'); };
        const value = Reflect.get(target, key, receiver) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const stop = followStore(flaky, sweepId, views, { intervalMs: 20 });
    try {
      expect(summarize(views.getSnapshot(), STARTED_MS).counts.queued).toBe(3);
      start('a', 1);
      writer.recordEpoch(sweepId, 'a', 1, m(1));
      await tick(80);
      expect(views.getSnapshot().trials.get('a')!.epochs).toHaveLength(1);
      failing = true;
      await tick(60);
      expect(views.getSnapshot().notice).toBe('store not readable (database is locked); retrying');
      expect(views.getSnapshot().trials.get('a')!.record.state).toBe('running');
      failing = false;
      writer.transitionTrial(sweepId, 'a', ['running'], 'completed', { endedAtMs: STARTED_MS + 9 });
      await tick(60);
      expect(views.getSnapshot().notice).toBeNull();
      expect(views.getSnapshot().trials.get('a')!.record.state).toBe('completed');
    } finally {
      stop();
    }
  });
});
