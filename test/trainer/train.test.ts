import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/trainer/task/backend.js';
import { trainTrial } from '../../src/trainer/task/train.js';
import type { EpochMetrics, TrainConfig, TrialSpec } from '../../src/transport/protocol.js';
import type { SharedDataset } from '../../src/trainer/task-input.js';
import { config, syntheticDataset } from './synthetic-dataset.js';

function spec(c: Partial<TrainConfig>, backend: TrialSpec['backend'] = 'wasm'): TrialSpec {
  return {
    trialId: 't1',
    sweepId: 's1',
    study: 'test',
    config: config({ units: 32, hidden_layers: 2, batch_size: 32, ...c }),
    attempt: 1,
    dataset: { name: 'mnist', checksum: 'synthetic' },
    backend,
  };
}

async function run(dataset: SharedDataset, c: Partial<TrainConfig>, stopAfterBatches = Infinity) {
  const epochs: EpochMetrics[] = [];
  const backends: string[] = [];
  let polls = 0;
  const outcome = await trainTrial(spec(c), dataset, {
    onBackend: (b) => backends.push(b),
    onEpoch: (m) => epochs.push(m),
    shouldStop: () => ++polls > stopAfterBatches,
  });
  return { outcome, epochs, backends, polls };
}

const curve = (epochs: EpochMetrics[]) => epochs.map(({ seconds: _s, samples_per_second: _p, ...rest }) => rest);

describe('trainTrial', () => {
  const data = syntheticDataset({ train: 640, test: 200 });

  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('trains, reports every epoch 1-based with timings, and reports the backend once', async () => {
    const r = await run(data, { epochs: 3, optimizer: { name: 'adam', learning_rate: 0.001 } });
    expect(r.outcome).toEqual({ status: 'completed', epochs: 3, backend: 'wasm', bestEpoch: expect.any(Number), error: null });
    expect(r.backends).toEqual(['wasm']);
    expect(r.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    for (const e of r.epochs) {
      expect(e.seconds).toBeGreaterThan(0);
      expect(e.samples_per_second).toBeGreaterThan(640 / e.seconds);
    }
    expect(r.epochs[2]!.loss).toBeLessThan(r.epochs[0]!.loss);
    expect(r.epochs[2]!.val_accuracy).toBeGreaterThan(0.5);
  });

  it('gives identical metrics for the same seed and different ones for another seed', async () => {
    const c = { epochs: 2, dropout: 0.2, batch_norm: true, optimizer: { name: 'nadam' as const, learning_rate: 0.002 } };
    const a = await run(data, c);
    const b = await run(data, c);
    const other = await run(data, { ...c, seed: 2 });
    expect(curve(b.epochs)).toEqual(curve(a.epochs));
    expect(curve(other.epochs)).not.toEqual(curve(a.epochs));
  });

  it('uses every sample once per epoch, including the last partial batch', async () => {
    // 100 samples in batches of 32: 32 + 32 + 32 + 4. Accuracy is a count over 100 samples.
    const r = await run(data, { epochs: 1, train_size: 100 });
    expect(r.polls).toBe(4);
    expect(Math.round(r.epochs[0]!.accuracy * 100)).toBeCloseTo(r.epochs[0]!.accuracy * 100, 9);
  });

  it('ends as diverged, naming epoch and batch, when the loss stops being finite', async () => {
    const r = await run(data, { epochs: 3, optimizer: { name: 'sgd', learning_rate: 1e12, momentum: 0, nesterov: false } });
    expect(r.outcome.status).toBe('diverged');
    expect(r.outcome.error).toMatchObject({ name: 'TrainerError', code: 'DIVERGED' });
    expect(r.outcome.error!.message).toMatch(/at epoch \d+, batch \d+ of 20 .*learning_rate 1000000000000/);
    expect(r.outcome.epochs).toBe(r.epochs.length);
    for (const e of r.epochs) expect(Number.isFinite(e.loss)).toBe(true);
  });

  it('stops between batches when asked and ends as cancelled, keeping the epochs reported', async () => {
    // 20 batches per epoch: stopping after 25 leaves one finished epoch.
    const r = await run(data, { epochs: 5 }, 25);
    expect(r.outcome).toMatchObject({ status: 'cancelled', epochs: 1, error: null });
    expect(r.epochs).toHaveLength(1);
  });

  it('frees every tensor: none accumulate across epochs or trials', async () => {
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    for (const c of [
      { batch_norm: true, dropout: 0.15, weight_decay: 0.1, optimizer: { name: 'adam' as const, learning_rate: 0.001 } },
      {
        optimizer: { name: 'nadam' as const, learning_rate: 0.002 },
        early_stopping: { monitor: 'val_loss' as const, patience: 10, min_delta: 0, mode: 'auto' as const, restore_best_weights: true },
      },
      { optimizer: { name: 'adadelta' as const, learning_rate: 1 }, activation: 'tanh' as const },
    ]) {
      const perEpoch: number[] = [];
      const outcome = await trainTrial(spec({ epochs: 4, ...c }), data, {
        onEpoch: () => perEpoch.push(tf.memory().numTensors),
        shouldStop: () => false,
      });
      expect(outcome.error).toBeNull();
      // restore_best_weights holds one snapshot from the end of epoch 1 on, replaced, never added to.
      expect(new Set(perEpoch.slice(1)).size).toBe(1);
      expect(perEpoch[0]).toBeLessThanOrEqual(perEpoch[1]!);
      counts.push(tf.memory().numTensors);
    }
    expect(counts).toEqual([before, before, before]);
  });

  it('gives the same curve on the cpu backend as on wasm, to float precision', async () => {
    // SGD: Adam would turn float-rounding differences in near-zero gradients (the Dense bias under
    // batch norm has an exactly-zero true gradient) into full-size steps, and the curves would drift.
    const c = { epochs: 2, batch_norm: true, dropout: 0.1, weight_decay: 0.01, optimizer: { name: 'sgd' as const, learning_rate: 0.1 } };
    const onWasm = await run(data, c);
    const cpuEpochs: EpochMetrics[] = [];
    const outcome = await trainTrial({ ...spec(c), backend: 'cpu' }, data, { onEpoch: (m) => cpuEpochs.push(m), shouldStop: () => false });
    await initBackend('wasm');
    expect(outcome).toMatchObject({ status: 'completed', backend: 'cpu' });
    cpuEpochs.forEach((e, i) => {
      const w = onWasm.epochs[i]!;
      // The cpu backend aliases a tensor's source array: this also guards the per-layer dropout buffers.
      expect(e.loss).toBeCloseTo(w.loss, 4);
      expect(e.val_loss).toBeCloseTo(w.val_loss, 4);
      expect(e.accuracy).toBe(w.accuracy);
    });
  });

  it('returns a failed outcome with a code for an impossible config', async () => {
    const r = await run(data, { train_size: 5000 });
    expect(r.outcome).toMatchObject({ status: 'failed', epochs: 0, backend: 'wasm' });
    expect(r.outcome.error).toMatchObject({ name: 'TrainerError', code: 'INVALID_CONFIG' });
    expect(r.outcome.error!.message).toContain('train_size 5000 exceeds the 640 training images');
  });

  it('returns a failed outcome when an explicitly requested backend cannot be loaded', async () => {
    const outcome = await trainTrial(spec({}, 'tensorflow'), data, { onEpoch: () => {}, shouldStop: () => false });
    if (outcome.status === 'completed') return expect(outcome.backend).toBe('tensorflow'); // tfjs-node is installed here
    expect(outcome).toMatchObject({ status: 'failed', backend: null, error: { name: 'TrainerError', code: 'BACKEND_UNAVAILABLE' } });
    expect(outcome.error!.message).toContain('npm install @tensorflow/tfjs-node');
  });
});
