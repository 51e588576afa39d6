import { loadDataset } from '../../src/trainer/dataset.js';
import type { SharedDataset, SharedSplit } from '../../src/trainer/task-input.js';
import type { TrainConfig } from '../../src/transport/protocol.js';
import { trainConfig } from '../helpers/fixtures.js';

/**
 * Test datasets. `syntheticDataset` is a small learnable problem (each class is a noisy copy of its
 * own random prototype image) for tests about mechanics; `fashionSlice` is the first samples of the
 * real Fashion-MNIST for tests about a technique's effect.
 */

function split(images: Uint8Array, labels: Uint8Array): SharedSplit {
  const img = new SharedArrayBuffer(images.length);
  new Uint8Array(img).set(images);
  const lab = new SharedArrayBuffer(labels.length);
  new Uint8Array(lab).set(labels);
  return { images: img, labels: lab, count: labels.length };
}

export function syntheticDataset(opts: { train: number; test: number; side?: number; classes?: number; seed?: number }): SharedDataset {
  const side = opts.side ?? 8;
  const classes = opts.classes ?? 10;
  const pixels = side * side;
  let s = (opts.seed ?? 7) >>> 0;
  const rand = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const prototypes = Array.from({ length: classes }, () => Uint8Array.from({ length: pixels }, () => (rand() < 0.5 ? 0 : 255)));
  const make = (count: number): SharedSplit => {
    const images = new Uint8Array(count * pixels);
    const labels = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      const c = Math.floor(rand() * classes);
      labels[i] = c;
      for (let p = 0; p < pixels; p++) {
        const noisy = prototypes[c]![p]! + (rand() - 0.5) * 300;
        images[i * pixels + p] = Math.max(0, Math.min(255, Math.round(noisy)));
      }
    }
    return split(images, labels);
  };
  return {
    identity: { name: 'mnist', checksum: 'synthetic' },
    rows: side,
    cols: side,
    classes,
    train: make(opts.train),
    test: make(opts.test),
  };
}

let fashion: Promise<SharedDataset> | undefined;

/** The first `train` training and `test` test images of the real Fashion-MNIST (data/fashion-mnist). */
export async function fashionSlice(train: number, test: number): Promise<SharedDataset> {
  fashion ??= loadDataset({ name: 'fashion-mnist', download: false });
  const full = await fashion;
  const pixels = full.rows * full.cols;
  const cut = (from: SharedSplit, count: number): SharedSplit =>
    split(new Uint8Array(from.images, 0, count * pixels), new Uint8Array(from.labels, 0, count));
  return { ...full, train: cut(full.train, train), test: cut(full.test, test) };
}

/** The chapter-6 network with SGD(0.01), overridable per test. */
export function config(overrides: Partial<TrainConfig> = {}): TrainConfig {
  return trainConfig({ train_size: null, epochs: 1, seed: 1, ...overrides });
}
