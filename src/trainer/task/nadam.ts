import * as tf from '@tensorflow/tfjs-core';
import { BaseOptimizer } from './optimizer.js';

/**
 * Nadam as old Keras (2.x, `keras.optimizers.Nadam`) implemented it: Adam with Nesterov momentum and
 * Dozat's momentum schedule. TensorFlow.js has none. With t = step + 1 and sd = schedule_decay:
 *
 *   mu_t  = b1 * (1 - 0.5 * 0.96^(t * sd)),  mu_t1 = b1 * (1 - 0.5 * 0.96^((t + 1) * sd))
 *   m_schedule_new = m_schedule * mu_t,      m_schedule_next = m_schedule_new * mu_t1
 *   g' = g / (1 - m_schedule_new)
 *   m  = b1 * m + (1 - b1) * g,              m' = m / (1 - m_schedule_next)
 *   v  = b2 * v + (1 - b2) * g^2,            v' = v / (1 - b2^t)
 *   m_bar = (1 - mu_t) * g' + mu_t1 * m'
 *   p -= lr * m_bar / (sqrt(v') + eps)
 *
 * m_schedule starts at 1 and becomes m_schedule_new after each step. The per-step factors are
 * computed once in doubles, so each variable costs a handful of elementwise ops.
 */
export class Nadam extends BaseOptimizer {
  private readonly b1: tf.Scalar;
  private readonly oneMinusB1: tf.Scalar;
  private readonly b2: tf.Scalar;
  private readonly oneMinusB2: tf.Scalar;
  private readonly eps: tf.Scalar;
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private mSchedule = 1;
  private step: { gScale: tf.Scalar; mScale: tf.Scalar; vScale: tf.Scalar; lr: tf.Scalar } | null = null;

  constructor(
    vars: readonly tf.Variable[],
    private readonly lr: number,
    private readonly beta1: number,
    private readonly beta2: number,
    eps: number,
    private readonly scheduleDecay: number,
  ) {
    super(vars);
    this.b1 = this.constant(beta1);
    this.oneMinusB1 = this.constant(1 - beta1);
    this.b2 = this.constant(beta2);
    this.oneMinusB2 = this.constant(1 - beta2);
    this.eps = this.constant(eps);
    this.m = this.slots(0);
    this.v = this.slots(0);
  }

  override apply(grads: readonly tf.Tensor[]): void {
    const t = this.iterations + 1;
    const muT = this.beta1 * (1 - 0.5 * 0.96 ** (t * this.scheduleDecay));
    const muT1 = this.beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * this.scheduleDecay));
    const mScheduleNew = this.mSchedule * muT;
    const mScheduleNext = mScheduleNew * muT1;
    this.step = {
      // m_bar = gScale * g + mScale * m, both corrections folded into one factor each.
      gScale: tf.scalar((1 - muT) / (1 - mScheduleNew)),
      mScale: tf.scalar(muT1 / (1 - mScheduleNext)),
      vScale: tf.scalar(1 / (1 - this.beta2 ** t)),
      lr: tf.scalar(this.lr),
    };
    super.apply(grads);
    this.mSchedule = mScheduleNew;
  }

  protected update(i: number, p: tf.Variable, g: tf.Tensor): void {
    const s = this.step!;
    const m = this.m[i]!;
    const v = this.v[i]!;
    m.assign(tf.add(tf.mul(m, this.b1), tf.mul(g, this.oneMinusB1)));
    v.assign(tf.add(tf.mul(v, this.b2), tf.mul(tf.square(g), this.oneMinusB2)));
    const mBar = tf.add(tf.mul(g, s.gScale), tf.mul(m, s.mScale));
    const denom = tf.add(tf.sqrt(tf.mul(v, s.vScale)), this.eps);
    p.assign(tf.sub(p, tf.div(tf.mul(mBar, s.lr), denom)));
  }
}
