import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/trainer/task/backend.js';
import { TrialTrainer } from '../../src/trainer/task/train-loop.js';
import type { EpochMetrics, TrainConfig } from '../../src/transport/protocol.js';
import type { SharedDataset } from '../../src/trainer/task-input.js';
import { config, fashionSlice } from './synthetic-dataset.js';

/** Each technique's observable effect in a tiny run on real Fashion-MNIST images. */

function train(dataset: SharedDataset, c: TrainConfig): { epochs: EpochMetrics[]; status: string; bestEpoch: number | null; trainer: TrialTrainer } {
  const trainer = new TrialTrainer(c, dataset);
  const epochs: EpochMetrics[] = [];
  const r = trainer.run({ onEpoch: (m) => epochs.push(m), shouldStop: () => false });
  return { epochs, status: r.status, bestEpoch: r.bestEpoch, trainer };
}

/** Sum of squares of the hidden kernels (every other trainable variable before the output layer). */
function hiddenKernelSquares(trainer: TrialTrainer, layers: number, perLayer: number): number {
  return tf.tidy(() => {
    let total = 0;
    for (let l = 0; l < layers; l++) total += tf.sum(tf.square(trainer.model.trainable[l * perLayer]!)).dataSync()[0]!;
    return total;
  });
}

describe('training techniques', () => {
  let data: SharedDataset;
  beforeAll(async () => {
    await initBackend('wasm');
    data = await fashionSlice(4000, 1000);
  });

  it('optimizers rank as in experiment 1: Nadam, then Adam, far ahead of SGD and Adadelta (sigmoid network)', () => {
    // Batches of 32 give 250 steps in two epochs of 4000 images: enough for the ordering to show.
    // (Adagrad's lead over SGD only shows over longer runs; its update rule is unit-tested.)
    const c = config({ activation: 'sigmoid', epochs: 2, train_size: 4000, batch_size: 32 });
    const loss = (optimizer: TrainConfig['optimizer']): number => {
      const r = train(data, { ...c, optimizer });
      r.trainer.dispose();
      return r.epochs[1]!.loss;
    };
    const sgd = loss({ name: 'sgd', learning_rate: 0.1, momentum: 0, nesterov: false });
    const adadelta = loss({ name: 'adadelta', learning_rate: 0.1, rho: 0.95, epsilon: 1e-7 });
    const adam = loss({ name: 'adam', learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 });
    const nadam = loss({ name: 'nadam', learning_rate: 0.002, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, schedule_decay: 0.004 });
    expect(Math.min(sgd, adadelta)).toBeGreaterThan(2.2);
    expect(adam).toBeLessThan(Math.min(sgd, adadelta) - 0.5);
    expect(nadam).toBeLessThan(adam);
  });

  it('batch norm makes random_normal(0.01) + ReLU + SGD(0.01) learn where the plain network does not', () => {
    const c = config({ initializer: { name: 'random_normal', mean: 0, stddev: 0.01 }, epochs: 2 });
    const plain = train(data, c);
    const bn = train(data, { ...c, batch_norm: true });
    plain.trainer.dispose();
    bn.trainer.dispose();
    // Plain: the signal vanishes through four tiny layers; the loss stays at ln(10) and accuracy at chance.
    expect(plain.epochs[1]!.loss).toBeGreaterThan(2.29);
    expect(plain.epochs[1]!.accuracy).toBeLessThan(0.2);
    // The training curves are what the chapter plots. (Test accuracy lags here: after 64 steps the
    // moving variance, starting at 1 with momentum 0.99, is still far above the true one, as in Keras.)
    expect(bn.epochs[1]!.loss).toBeLessThan(1.6);
    expect(bn.epochs[1]!.accuracy).toBeGreaterThan(0.6);
  });

  it('weight decay adds w * sum(W^2) of the hidden kernels to loss and val_loss', () => {
    // A vanishing learning rate keeps the weights at their (seeded, identical) initial values.
    const c = config({ optimizer: { name: 'sgd', learning_rate: 1e-12, momentum: 0, nesterov: false }, train_size: 1000 });
    const none = train(data, c);
    const decayed = train(data, { ...c, weight_decay: 0.1 });
    const penalty = 0.1 * hiddenKernelSquares(decayed.trainer, 4, 2);
    none.trainer.dispose();
    decayed.trainer.dispose();
    expect(penalty).toBeGreaterThan(1);
    expect(decayed.epochs[0]!.loss - none.epochs[0]!.loss).toBeCloseTo(penalty, 3);
    expect(decayed.epochs[0]!.val_loss - none.epochs[0]!.val_loss).toBeCloseTo(penalty, 3);
    expect(decayed.epochs[0]!.accuracy).toBe(none.epochs[0]!.accuracy);
  });

  it('weight decay lowers the final weight norm', () => {
    const c = config({ epochs: 2, train_size: 2000, optimizer: { name: 'sgd', learning_rate: 0.05, momentum: 0, nesterov: false } });
    const none = train(data, c);
    const decayed = train(data, { ...c, weight_decay: 0.1 });
    const normNone = hiddenKernelSquares(none.trainer, 4, 2);
    const normDecayed = hiddenKernelSquares(decayed.trainer, 4, 2);
    none.trainer.dispose();
    decayed.trainer.dispose();
    expect(normDecayed).toBeLessThan(normNone * 0.8);
  });

  it('early stopping stops after `patience` epochs without improvement and restores the best weights', () => {
    // min_delta 10 makes every epoch after the first "no improvement".
    const es = { monitor: 'val_loss' as const, patience: 2, min_delta: 10, mode: 'auto' as const, restore_best_weights: true };
    const c = config({ epochs: 10, train_size: 1000, optimizer: { name: 'sgd', learning_rate: 0.05, momentum: 0, nesterov: false } });
    const restored = train(data, { ...c, early_stopping: es });
    expect(restored.status).toBe('stopped_early');
    expect(restored.epochs).toHaveLength(3);
    expect(restored.bestEpoch).toBe(1);
    expect(restored.epochs[2]!.val_loss).not.toBe(restored.epochs[0]!.val_loss);
    expect(restored.trainer.evaluate().val_loss).toBe(restored.epochs[0]!.val_loss);
    restored.trainer.dispose();

    const kept = train(data, { ...c, early_stopping: { ...es, restore_best_weights: false } });
    expect(kept.status).toBe('stopped_early');
    expect(kept.trainer.evaluate().val_loss).toBe(kept.epochs[2]!.val_loss);
    kept.trainer.dispose();
  });

  it('without early stopping, bestEpoch is the epoch with the lowest val_loss and all epochs run', () => {
    const r = train(data, config({ epochs: 3, train_size: 1000 }));
    r.trainer.dispose();
    expect(r.status).toBe('completed');
    const losses = r.epochs.map((e) => e.val_loss);
    expect(r.bestEpoch).toBe(losses.indexOf(Math.min(...losses)) + 1);
  });

  it('dropout lowers training accuracy relative to test accuracy (it is off at evaluation)', () => {
    const c = config({ epochs: 2, train_size: 2000, dropout: 0.5 });
    const r = train(data, c);
    const again = r.trainer.evaluate();
    r.trainer.dispose();
    // Evaluating again gives the very same numbers: no mask is drawn at evaluation.
    expect(again.val_loss).toBe(r.epochs[1]!.val_loss);
    expect(r.epochs[1]!.val_accuracy).toBeGreaterThan(r.epochs[1]!.accuracy);
  });
});
