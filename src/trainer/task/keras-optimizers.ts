import * as tf from '@tensorflow/tfjs-core';
import { BaseOptimizer } from './optimizer.js';

/**
 * Keras 3's update rules for SGD (with momentum / Nesterov), Adagrad, Adadelta, RMSprop and Adam,
 * each quoted next to its class. Hyperparameters arrive resolved.
 */

/** `m = momentum * m - lr * g; p += nesterov ? momentum * m - lr * g : m` (plain: `p -= lr * g`). */
export class Sgd extends BaseOptimizer {
  private readonly lr: tf.Scalar;
  private readonly momentum: tf.Scalar;
  private readonly moments: tf.Variable[];

  constructor(vars: readonly tf.Variable[], lr: number, private readonly mu: number, private readonly nesterov: boolean) {
    super(vars);
    this.lr = this.constant(lr);
    this.momentum = this.constant(mu);
    this.moments = mu !== 0 ? this.slots(0) : [];
  }

  protected update(i: number, v: tf.Variable, g: tf.Tensor): void {
    const step = tf.mul(g, this.lr);
    if (this.mu === 0) {
      v.assign(tf.sub(v, step));
      return;
    }
    const m = this.moments[i]!;
    m.assign(tf.sub(tf.mul(m, this.momentum), step));
    v.assign(tf.add(v, this.nesterov ? tf.sub(tf.mul(m, this.momentum), step) : m));
  }
}

/** `acc += g^2; p -= lr * g / sqrt(acc + eps)`, acc starting at initial_accumulator_value. */
export class Adagrad extends BaseOptimizer {
  private readonly lr: tf.Scalar;
  private readonly eps: tf.Scalar;
  private readonly acc: tf.Variable[];

  constructor(vars: readonly tf.Variable[], lr: number, initial: number, eps: number) {
    super(vars);
    this.lr = this.constant(lr);
    this.eps = this.constant(eps);
    this.acc = this.slots(initial);
  }

  protected update(i: number, v: tf.Variable, g: tf.Tensor): void {
    const acc = this.acc[i]!;
    acc.assign(tf.add(acc, tf.square(g)));
    v.assign(tf.sub(v, tf.div(tf.mul(g, this.lr), tf.sqrt(tf.add(acc, this.eps)))));
  }
}

/**
 * `Eg2 = rho * Eg2 + (1 - rho) * g^2; d = -sqrt(Edx2 + eps) / sqrt(Eg2 + eps) * g;
 * Edx2 = rho * Edx2 + (1 - rho) * d^2; p += lr * d` (Keras multiplies the update by the learning rate).
 */
export class Adadelta extends BaseOptimizer {
  private readonly lr: tf.Scalar;
  private readonly rho: tf.Scalar;
  private readonly oneMinusRho: tf.Scalar;
  private readonly eps: tf.Scalar;
  private readonly grad2: tf.Variable[];
  private readonly delta2: tf.Variable[];

  constructor(vars: readonly tf.Variable[], lr: number, rho: number, eps: number) {
    super(vars);
    this.lr = this.constant(lr);
    this.rho = this.constant(rho);
    this.oneMinusRho = this.constant(1 - rho);
    this.eps = this.constant(eps);
    this.grad2 = this.slots(0);
    this.delta2 = this.slots(0);
  }

  protected update(i: number, v: tf.Variable, g: tf.Tensor): void {
    const g2 = this.grad2[i]!;
    const d2 = this.delta2[i]!;
    g2.assign(tf.add(tf.mul(g2, this.rho), tf.mul(tf.square(g), this.oneMinusRho)));
    const delta = tf.neg(tf.div(tf.mul(tf.sqrt(tf.add(d2, this.eps)), g), tf.sqrt(tf.add(g2, this.eps))));
    d2.assign(tf.add(tf.mul(d2, this.rho), tf.mul(tf.square(delta), this.oneMinusRho)));
    v.assign(tf.add(v, tf.mul(delta, this.lr)));
  }
}

/**
 * `ms = rho * ms + (1 - rho) * g^2; inc = lr * g / sqrt(ms + eps);
 * p -= momentum > 0 ? (mom = momentum * mom + inc) : inc` (not centered).
 */
export class Rmsprop extends BaseOptimizer {
  private readonly lr: tf.Scalar;
  private readonly rho: tf.Scalar;
  private readonly oneMinusRho: tf.Scalar;
  private readonly eps: tf.Scalar;
  private readonly momentum: tf.Scalar;
  private readonly ms: tf.Variable[];
  private readonly mom: tf.Variable[];

  constructor(vars: readonly tf.Variable[], lr: number, rho: number, private readonly mu: number, eps: number) {
    super(vars);
    this.lr = this.constant(lr);
    this.rho = this.constant(rho);
    this.oneMinusRho = this.constant(1 - rho);
    this.eps = this.constant(eps);
    this.momentum = this.constant(mu);
    this.ms = this.slots(0);
    this.mom = mu > 0 ? this.slots(0) : [];
  }

  protected update(i: number, v: tf.Variable, g: tf.Tensor): void {
    const ms = this.ms[i]!;
    ms.assign(tf.add(tf.mul(ms, this.rho), tf.mul(tf.square(g), this.oneMinusRho)));
    const inc = tf.div(tf.mul(g, this.lr), tf.sqrt(tf.add(ms, this.eps)));
    if (this.mu > 0) {
      const mom = this.mom[i]!;
      mom.assign(tf.add(tf.mul(mom, this.momentum), inc));
      v.assign(tf.sub(v, mom));
    } else {
      v.assign(tf.sub(v, inc));
    }
  }
}

/**
 * `t = iterations + 1; alpha = lr * sqrt(1 - b2^t) / (1 - b1^t); m += (g - m) * (1 - b1);
 * v += (g^2 - v) * (1 - b2); p -= alpha * m / (sqrt(v) + eps)`: epsilon is added to sqrt(v) before
 * bias correction, unlike tf.train.adam.
 */
export class Adam extends BaseOptimizer {
  private readonly oneMinusB1: tf.Scalar;
  private readonly oneMinusB2: tf.Scalar;
  private readonly eps: tf.Scalar;
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private alpha: tf.Scalar | null = null;

  constructor(
    vars: readonly tf.Variable[],
    private readonly lr: number,
    private readonly b1: number,
    private readonly b2: number,
    eps: number,
  ) {
    super(vars);
    this.oneMinusB1 = this.constant(1 - b1);
    this.oneMinusB2 = this.constant(1 - b2);
    this.eps = this.constant(eps);
    this.m = this.slots(0);
    this.v = this.slots(0);
  }

  override apply(grads: readonly tf.Tensor[]): void {
    const t = this.iterations + 1;
    this.alpha = tf.scalar((this.lr * Math.sqrt(1 - this.b2 ** t)) / (1 - this.b1 ** t));
    super.apply(grads);
  }

  protected update(i: number, p: tf.Variable, g: tf.Tensor): void {
    const m = this.m[i]!;
    const v = this.v[i]!;
    m.assign(tf.add(m, tf.mul(tf.sub(g, m), this.oneMinusB1)));
    v.assign(tf.add(v, tf.mul(tf.sub(tf.square(g), v), this.oneMinusB2)));
    p.assign(tf.sub(p, tf.div(tf.mul(m, this.alpha!), tf.add(tf.sqrt(v), this.eps))));
  }
}
