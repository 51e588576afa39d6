import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/trainer/task/backend.js';
import { expectClose, G1, G2, P0, runOptimizer } from './optimizer-harness.js';

/** Keras 3's update rules, transcribed in plain doubles. */
type Rule = (p: number, g: number, s: Record<string, number>, t: number) => number;

function reference(init: Record<string, number>, rule: Rule, grads: number[][]): number[][] {
  const p = [...P0];
  const slots = P0.map(() => ({ ...init }));
  return grads.map((g, step) => {
    for (let i = 0; i < p.length; i++) p[i] = rule(p[i]!, g[i]!, slots[i]!, step + 1);
    return [...p];
  });
}

describe('Keras optimizers', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('sgd: p -= lr * g', () => {
    const got = runOptimizer({ name: 'sgd', learning_rate: 0.1, momentum: 0, nesterov: false }, P0, [G1, G2]);
    const want = reference({}, (p, g) => p - 0.1 * g, [G1, G2]);
    got.forEach((row, i) => expectClose(row, want[i]!));
  });

  it('momentum: SGD with momentum 0.9, m = 0.9 m - lr g; p += m', () => {
    const got = runOptimizer({ name: 'momentum', learning_rate: 0.1, momentum: 0.9, nesterov: false }, P0, [G1, G2]);
    const want = reference({ m: 0 }, (p, g, s) => {
      s.m = 0.9 * s.m! - 0.1 * g;
      return p + s.m;
    }, [G1, G2]);
    got.forEach((row, i) => expectClose(row, want[i]!));
  });

  it('sgd nesterov: p += momentum * m - lr * g', () => {
    const got = runOptimizer({ name: 'sgd', learning_rate: 0.1, momentum: 0.5, nesterov: true }, P0, [G1, G2]);
    const want = reference({ m: 0 }, (p, g, s) => {
      s.m = 0.5 * s.m! - 0.1 * g;
      return p + 0.5 * s.m - 0.1 * g;
    }, [G1, G2]);
    got.forEach((row, i) => expectClose(row, want[i]!));
  });

  it('adagrad: accumulator starts at 0.1, epsilon inside the square root', () => {
    const got = runOptimizer({ name: 'adagrad', learning_rate: 0.1, initial_accumulator_value: 0.1, epsilon: 1e-7 }, P0, [G1, G2]);
    const want = reference({ acc: 0.1 }, (p, g, s) => {
      s.acc = s.acc! + g * g;
      return p - (0.1 * g) / Math.sqrt(s.acc + 1e-7);
    }, [G1, G2]);
    got.forEach((row, i) => expectClose(row, want[i]!));
  });

  it('adadelta: the learning rate multiplies the update', () => {
    const rho = 0.95;
    const eps = 1e-7;
    const got = runOptimizer({ name: 'adadelta', learning_rate: 0.1, rho, epsilon: eps }, P0, [G1, G2]);
    const want = reference({ g2: 0, d2: 0 }, (p, g, s) => {
      s.g2 = rho * s.g2! + (1 - rho) * g * g;
      const delta = (-Math.sqrt(s.d2! + eps) / Math.sqrt(s.g2 + eps)) * g;
      s.d2 = rho * s.d2! + (1 - rho) * delta * delta;
      return p + 0.1 * delta;
    }, [G1, G2]);
    got.forEach((row, i) => expectClose(row, want[i]!));
    // lr 1 moves ten times as far as lr 0.1 on the first step.
    const full = runOptimizer({ name: 'adadelta', learning_rate: 1, rho, epsilon: eps }, P0, [G1]);
    expectClose(full[0]!.map((v, i) => (v - P0[i]!) / 10), got[0]!.map((v, i) => v - P0[i]!), 1e-4);
  });

  it('rmsprop: plain and with momentum', () => {
    const plain = runOptimizer({ name: 'rmsprop', learning_rate: 0.01, rho: 0.9, momentum: 0, epsilon: 1e-7 }, P0, [G1, G2]);
    const wantPlain = reference({ ms: 0 }, (p, g, s) => {
      s.ms = 0.9 * s.ms! + 0.1 * g * g;
      return p - (0.01 * g) / Math.sqrt(s.ms + 1e-7);
    }, [G1, G2]);
    plain.forEach((row, i) => expectClose(row, wantPlain[i]!));
    const mom = runOptimizer({ name: 'rmsprop', learning_rate: 0.01, rho: 0.9, momentum: 0.5, epsilon: 1e-7 }, P0, [G1, G2]);
    const wantMom = reference({ ms: 0, m: 0 }, (p, g, s) => {
      s.ms = 0.9 * s.ms! + 0.1 * g * g;
      s.m = 0.5 * s.m! + (0.01 * g) / Math.sqrt(s.ms + 1e-7);
      return p - s.m;
    }, [G1, G2]);
    mom.forEach((row, i) => expectClose(row, wantMom[i]!));
  });

  it('adam: epsilon added to sqrt(v) with the bias correction folded into the step size', () => {
    const [b1, b2, eps, lr] = [0.9, 0.999, 1e-7, 0.001];
    const got = runOptimizer({ name: 'adam', learning_rate: lr, beta_1: b1, beta_2: b2, epsilon: eps }, P0, [G1, G2]);
    const want = reference({ m: 0, v: 0 }, (p, g, s, t) => {
      const alpha = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
      s.m = s.m! + (g - s.m!) * (1 - b1);
      s.v = s.v! + (g * g - s.v!) * (1 - b2);
      return p - (alpha * s.m) / (Math.sqrt(s.v) + eps);
    }, [G1, G2]);
    got.forEach((row, i) => expectClose(row, want[i]!));
    // With a large epsilon the placement matters: tf.train.adam's eps / sqrt(1 - b2^t) would differ.
    const big = runOptimizer({ name: 'adam', learning_rate: lr, beta_1: b1, beta_2: b2, epsilon: 0.1 }, [0], [[0.01]]);
    const alpha1 = (lr * Math.sqrt(1 - b2)) / (1 - b1);
    expect(big[0]![0]).toBeCloseTo(-(alpha1 * 0.001) / (Math.sqrt(0.01 * 0.01 * 0.001) + 0.1), 9);
  });
});
