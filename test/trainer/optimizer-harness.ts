import * as tf from '@tensorflow/tfjs-core';
import { createOptimizer } from '../../src/trainer/task/optimizer-factory.js';
import type { OptimizerConfig } from '../../src/transport/protocol.js';

/** Runs `steps` updates of the named optimizer on one variable and returns its values after each step. */
export function runOptimizer(config: OptimizerConfig, initial: number[], grads: number[][]): number[][] {
  const v = tf.variable(tf.tensor1d(initial));
  const opt = createOptimizer(config, [v]);
  const out: number[][] = [];
  try {
    for (const g of grads) {
      tf.tidy(() => opt.apply([tf.tensor1d(g)]));
      out.push(Array.from(v.dataSync()));
    }
  } finally {
    opt.dispose();
    v.dispose();
  }
  return out;
}

/** Asserts elementwise closeness at float32 precision. */
export function expectClose(actual: number[], expected: number[], rel = 2e-6): void {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  actual.forEach((a, i) => {
    const e = expected[i]!;
    const tol = rel * Math.max(1, Math.abs(e));
    if (!(Math.abs(a - e) <= tol)) throw new Error(`element ${i}: got ${a}, expected ${e} (tolerance ${tol})`);
  });
}

export const P0 = [0.5, -1.25, 2, 0.001];
export const G1 = [0.1, -0.2, 3, -0.0004];
export const G2 = [-0.3, 0.05, 2.5, 0.0007];
