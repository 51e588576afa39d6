/**
 * Softmax + categorical cross-entropy + accuracy for one batch, computed in JavaScript doubles from
 * the logits. Keras sees that its output layer is a softmax and computes the loss from the logits
 * (softmax_cross_entropy_with_logits), so this is the stable log-sum-exp form, not log(clip(p)).
 * Doing it here rather than with tensor ops costs one small readback per batch, which the NaN check
 * needs anyway, and saves a dozen kernel launches per step.
 */

/** One batch's loss and accuracy counts. */
export interface HeadResult {
  /** Sum over the batch of the per-sample cross-entropy (not yet divided by the batch size). */
  lossSum: number;
  /** Samples whose arg-max logit is the true class (first maximum wins, like argmax). */
  correct: number;
}

/**
 * @param logits row-major [batch, classes]
 * @param labels class index per sample, `labels[labelOffset + i]` for row i
 * @param gradOut when given, receives d(mean loss)/d(logits) = (softmax - onehot) / batch
 */
export function softmaxCrossEntropy(
  logits: Float32Array,
  labels: ArrayLike<number>,
  labelOffset: number,
  batch: number,
  classes: number,
  gradOut?: Float32Array,
): HeadResult {
  let lossSum = 0;
  let correct = 0;
  const invBatch = 1 / batch;
  for (let i = 0; i < batch; i++) {
    const row = i * classes;
    let max = -Infinity;
    let arg = 0;
    for (let j = 0; j < classes; j++) {
      const z = logits[row + j]!;
      if (z > max) {
        max = z;
        arg = j;
      }
    }
    let sum = 0;
    for (let j = 0; j < classes; j++) sum += Math.exp(logits[row + j]! - max);
    const logSum = max + Math.log(sum);
    const label = labels[labelOffset + i]!;
    // NaN or infinite logits make the loss non-finite; the caller checks it and ends the trial.
    lossSum += logSum - logits[row + label]!;
    if (arg === label) correct++;
    if (gradOut) {
      for (let j = 0; j < classes; j++) {
        const p = Math.exp(logits[row + j]! - logSum);
        gradOut[row + j] = (j === label ? p - 1 : p) * invBatch;
      }
    }
  }
  return { lossSum, correct };
}
