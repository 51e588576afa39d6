import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SharedDataset } from '../../src/trainer/task-input.js';
import type { EpochMetrics, TrainConfig } from '../../src/transport/protocol.js';

/** A complete config, as the spec resolver would produce it: written out, not imported, so tests catch a drifting default. */
export function trainConfig(overrides: Partial<TrainConfig> = {}): TrainConfig {
  return {
    dataset: 'fashion-mnist',
    train_size: 1000,
    epochs: 3,
    batch_size: 128,
    hidden_layers: 4,
    units: 100,
    activation: 'relu',
    optimizer: { name: 'sgd', learning_rate: 0.01, momentum: 0, nesterov: false },
    initializer: { name: 'glorot_uniform' },
    batch_norm: false,
    weight_decay: 0,
    dropout: 0,
    early_stopping: null,
    seed: 0,
    ...overrides,
  };
}

export function epochMetrics(epoch: number, loss = 1 / epoch): EpochMetrics {
  return { epoch, loss, accuracy: 1 - loss / 3, val_loss: loss * 1.1, val_accuracy: 1 - loss / 2.5, seconds: 0.01, samples_per_second: 1e5 };
}

/** A dataset-shaped object for code paths that only pass datasets along. */
export function tinySharedDataset(checksum = 'c0ffee'): SharedDataset {
  const split = (count: number) => ({ images: new SharedArrayBuffer(count * 784), labels: new SharedArrayBuffer(count), count });
  return { identity: { name: 'fashion-mnist', checksum }, rows: 28, cols: 28, classes: 10, train: split(4), test: split(2) };
}

export function tempDir(prefix = 'sweep-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
