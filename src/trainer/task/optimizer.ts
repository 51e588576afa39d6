import * as tf from '@tensorflow/tfjs-core';
import { variableFrom } from './variables.js';
import { KERAS_OPTIMIZER_DEFAULTS } from '../../transport/optimizer-defaults.js';

/**
 * The optimizer seam: one object per trial, owning its slot variables (momenta, accumulators), that
 * updates the model's variables in place from gradients in a fixed order. Written with elementwise
 * tensor ops rather than tf.train.*, whose Adagrad and Adam differ from Keras in their initial
 * accumulator and epsilon placement, and which has no Nadam.
 */
export interface Optimizer {
  /**
   * Applies one step: `grads[i]` is the gradient of variable i (construction order). Call inside
   * tf.tidy; the gradients stay owned by the caller.
   */
  apply(grads: readonly tf.Tensor[]): void;
  /** Frees the slot variables and constants. The model's variables are not touched. */
  dispose(): void;
}

/** Keras's defaults, used when a field of the resolved OptimizerConfig is absent. */
export const KERAS_DEFAULTS = KERAS_OPTIMIZER_DEFAULTS;

/** Shared bookkeeping: the variables, their slots, and long-lived scalar constants. */
export abstract class BaseOptimizer implements Optimizer {
  protected readonly vars: readonly tf.Variable[];
  private readonly owned: tf.Tensor[] = [];
  /** Completed steps (Keras's `iterations`). */
  protected iterations = 0;

  constructor(vars: readonly tf.Variable[]) {
    this.vars = vars;
  }

  apply(grads: readonly tf.Tensor[]): void {
    if (grads.length !== this.vars.length) {
      throw new Error(`optimizer got ${grads.length} gradients for ${this.vars.length} variables`);
    }
    for (let i = 0; i < grads.length; i++) this.update(i, this.vars[i]!, grads[i]!);
    this.iterations++;
  }

  dispose(): void {
    for (const t of this.owned) t.dispose();
    this.owned.length = 0;
  }

  /** Updates variable `i` in place. */
  protected abstract update(i: number, v: tf.Variable, g: tf.Tensor): void;

  /** One slot variable per model variable, filled with `value`. */
  protected slots(value: number): tf.Variable[] {
    return this.vars.map((v) => this.own(variableFrom(() => tf.fill(v.shape, value), false)));
  }

  /** A scalar kept for the optimizer's lifetime, so the hot loop does not upload constants. */
  protected constant(value: number): tf.Scalar {
    return this.own(tf.keep(tf.scalar(value)));
  }

  private own<T extends tf.Tensor>(t: T): T {
    this.owned.push(t);
    return t;
  }
}
