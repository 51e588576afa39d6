import * as tf from '@tensorflow/tfjs-core';
import type { BatchReader } from './batches.js';
import type { Mlp } from './model.js';
import type { Optimizer } from './optimizer.js';
import type { Rng } from './rng.js';
import { softmaxCrossEntropy } from './softmax-head.js';

/**
 * One optimisation step on the batch a BatchReader holds: forward in training mode, loss and its
 * gradient from the logits (one readback, which also catches NaN), hand-written backward, update.
 */

/** What one step reports for the epoch's running means. */
export interface StepResult {
  /** Sum of the per-sample cross-entropy over the batch. */
  lossSum: number;
  correct: number;
  /** The L2 penalty as it was before this step's update (Keras adds it to each batch's loss). */
  regularization: number;
  /** False when the loss was not finite; the update was then skipped. */
  finite: boolean;
}

/** Everything a step uses, built once per trial. */
export interface StepContext {
  model: Mlp;
  optimizer: Optimizer;
  reader: BatchReader;
  classes: number;
  dropoutRng: Rng;
  /** Whether `reader.xT` is filled and should be used for the first layer's kernel gradient. */
  useTranspose: boolean;
  /** Scratch for d(loss)/d(logits), at least capacity * classes long. */
  gradBuffer: Float32Array;
}

/** Runs one step on the first `size` rows of the reader's current batch; frees its tensors. */
export function trainStep(ctx: StepContext, size: number): StepResult {
  const { model, reader, classes } = ctx;
  const pixels = reader.pixels;
  return tf.tidy(() => {
    const x = tf.tensor2d(reader.x.subarray(0, size * pixels), [size, pixels]);
    const fwd = model.forwardTrain(x, ctx.dropoutRng);
    const regularization = model.options.weightDecay > 0 ? model.regularization().dataSync()[0]! : 0;
    const logits = fwd.logits.dataSync() as Float32Array;
    const head = softmaxCrossEntropy(logits, reader.labels, 0, size, classes, ctx.gradBuffer);
    const finite = Number.isFinite(head.lossSum) && Number.isFinite(regularization);
    if (finite) {
      const dLogits = tf.tensor2d(ctx.gradBuffer.subarray(0, size * classes), [size, classes]);
      const xT = ctx.useTranspose ? tf.tensor2d(reader.xT.subarray(0, size * pixels), [pixels, size]) : undefined;
      ctx.optimizer.apply(model.backward(fwd, dLogits, xT));
    }
    return { lossSum: head.lossSum, correct: head.correct, regularization, finite };
  });
}

/** Loss and accuracy over a whole split in inference mode, `reader`-sized batches at a time. */
export function evaluate(model: Mlp, reader: BatchReader, classes: number, batchSize: number): { loss: number; accuracy: number } {
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < reader.count; start += batchSize) {
    const size = Math.min(batchSize, reader.count - start);
    reader.readRange(start, size);
    const logits = tf.tidy(() => model.predict(tf.tensor2d(reader.x.subarray(0, size * reader.pixels), [size, reader.pixels])));
    const values = logits.dataSync() as Float32Array;
    logits.dispose();
    const head = softmaxCrossEntropy(values, reader.labels, 0, size, classes);
    lossSum += head.lossSum;
    correct += head.correct;
  }
  const reg = model.options.weightDecay > 0 ? readScalar(model.regularization()) : 0;
  return { loss: lossSum / reader.count + reg, accuracy: correct / reader.count };
}

function readScalar(t: tf.Scalar): number {
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
}
