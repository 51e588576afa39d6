import { TrainerError } from '../../errors.js';
import type { SharedSplit } from '../task-input.js';

/**
 * Cuts batches out of a dataset split in shared memory. Pixels are read straight from the shared
 * bytes and scaled to [0, 1] into buffers this reader owns and reuses, so a trial never copies the
 * whole split; only one batch at a time exists as floats.
 */

/** float32(v / 255) for every byte value, as Keras's `x.astype('float32') / 255` gives. */
const SCALE = Float32Array.from({ length: 256 }, (_, v) => v / 255);

export class BatchReader {
  /** The current batch, row-major [size, pixels]. */
  readonly x: Float32Array;
  /** The current batch transposed, [pixels, size] (only filled when asked). */
  readonly xT: Float32Array;
  /** Class index per row of the current batch. */
  readonly labels: Uint8Array;
  readonly pixels: number;
  readonly count: number;
  private readonly images: Uint8Array;
  private readonly allLabels: Uint8Array;

  /**
   * @param count how many leading samples of the split to use
   * @param capacity the largest batch that will be read
   * @throws TrainerError DATASET_MISMATCH when the split holds fewer bytes than `count` samples need
   */
  constructor(split: SharedSplit, pixels: number, count: number, capacity: number, withTranspose: boolean) {
    this.images = new Uint8Array(split.images);
    this.allLabels = new Uint8Array(split.labels);
    if (count > split.count || this.images.length < count * pixels || this.allLabels.length < count) {
      throw new TrainerError(
        'DATASET_MISMATCH',
        `the shared dataset split holds ${split.count} samples (${this.images.length} pixel bytes, ${this.allLabels.length} labels), ` +
          `fewer than the ${count} samples of ${pixels} pixels this trial needs; reload the dataset or lower train_size`,
      );
    }
    this.pixels = pixels;
    this.count = count;
    this.x = new Float32Array(capacity * pixels);
    this.xT = new Float32Array(withTranspose ? capacity * pixels : 0);
    this.labels = new Uint8Array(capacity);
  }

  /** Loads samples `order[start .. start + size)` into `x`, `labels` and, when allocated, `xT`. */
  read(order: Uint32Array, start: number, size: number): void {
    const { pixels, images, x, xT } = this;
    const transpose = xT.length > 0;
    for (let r = 0; r < size; r++) {
      const sample = order[start + r]!;
      this.labels[r] = this.allLabels[sample]!;
      const src = sample * pixels;
      const dst = r * pixels;
      for (let p = 0; p < pixels; p++) x[dst + p] = SCALE[images[src + p]!]!;
      if (transpose) for (let p = 0; p < pixels; p++) xT[p * size + r] = SCALE[images[src + p]!]!;
    }
  }

  /** Loads samples `start .. start + size)` in order (evaluation). */
  readRange(start: number, size: number): void {
    const { pixels, images, x } = this;
    for (let i = 0, src = start * pixels, n = size * pixels; i < n; i++) x[i] = SCALE[images[src + i]!]!;
    this.labels.set(this.allLabels.subarray(start, start + size));
  }
}
