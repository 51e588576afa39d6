import { describe, expect, it } from 'vitest';
import { BatchReader } from '../../src/trainer/task/batches.js';
import { syntheticDataset } from './synthetic-dataset.js';

describe('BatchReader', () => {
  const data = syntheticDataset({ train: 50, test: 10, side: 5 });
  const pixels = 25;
  const images = new Uint8Array(data.train.images);
  const labels = new Uint8Array(data.train.labels);
  const order = Uint32Array.from({ length: 50 }, (_, i) => (i * 17) % 50);

  for (const size of [1, 7, 8, 13, 16, 20]) {
    it(`reads ${size} shuffled samples scaled by 1/255, row-major and transposed`, () => {
      const reader = new BatchReader(data.train, pixels, 50, 20, true);
      reader.read(order, 3, size);
      for (let r = 0; r < size; r++) {
        const sample = order[3 + r]!;
        expect(reader.labels[r]).toBe(labels[sample]);
        for (let p = 0; p < pixels; p++) {
          const want = Math.fround(images[sample * pixels + p]! / 255);
          expect(reader.x[r * pixels + p]).toBe(want);
          expect(reader.xT[p * size + r]).toBe(want);
        }
      }
    });
  }

  it('reads a contiguous range for evaluation', () => {
    const reader = new BatchReader(data.test, pixels, 10, 4, false);
    reader.readRange(6, 4);
    expect(Array.from(reader.labels)).toEqual(Array.from(new Uint8Array(data.test.labels).subarray(6, 10)));
    expect(reader.x[0]).toBe(Math.fround(new Uint8Array(data.test.images)[6 * pixels]! / 255));
  });

  it('refuses a split smaller than the samples asked for, saying what to do', () => {
    expect(() => new BatchReader(data.train, pixels, 60, 8, false)).toThrow(
      expect.objectContaining({ code: 'DATASET_MISMATCH', message: expect.stringContaining('reload the dataset or lower train_size') }),
    );
  });
});
