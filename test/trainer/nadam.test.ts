import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/trainer/task/backend.js';
import { KERAS_DEFAULTS } from '../../src/trainer/task/optimizer.js';
import { expectClose, G1, G2, P0, runOptimizer } from './optimizer-harness.js';

/** Old Keras's Nadam.get_updates, transcribed in plain doubles, one variable at a time. */
function kerasNadam(p0: number[], grads: number[][], lr = 0.002, b1 = 0.9, b2 = 0.999, eps = 1e-7, sd = 0.004): number[][] {
  const p = [...p0];
  const m = p0.map(() => 0);
  const v = p0.map(() => 0);
  let mSchedule = 1;
  const out: number[][] = [];
  grads.forEach((g, step) => {
    const t = step + 1;
    const muT = b1 * (1 - 0.5 * Math.pow(0.96, t * sd));
    const muT1 = b1 * (1 - 0.5 * Math.pow(0.96, (t + 1) * sd));
    const mScheduleNew = mSchedule * muT;
    const mScheduleNext = mSchedule * muT * muT1;
    mSchedule = mScheduleNew;
    for (let i = 0; i < p.length; i++) {
      const gPrime = g[i]! / (1 - mScheduleNew);
      m[i] = b1 * m[i]! + (1 - b1) * g[i]!;
      const mPrime = m[i]! / (1 - mScheduleNext);
      v[i] = b2 * v[i]! + (1 - b2) * g[i]! * g[i]!;
      const vPrime = v[i]! / (1 - Math.pow(b2, t));
      const mBar = (1 - muT) * gPrime + muT1 * mPrime;
      p[i] = p[i]! - (lr * mBar) / (Math.sqrt(vPrime) + eps);
    }
    out.push([...p]);
  });
  return out;
}

describe('Nadam (old Keras)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('has Keras defaults: lr 0.002, betas 0.9/0.999, epsilon 1e-7, schedule_decay 0.004', () => {
    expect(KERAS_DEFAULTS.nadam).toEqual({ learning_rate: 0.002, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, schedule_decay: 0.004 });
  });

  it('matches the hand computation after one and after two steps', () => {
    const got = runOptimizer({ name: 'nadam', learning_rate: 0.002 }, P0, [G1, G2]);
    const want = kerasNadam(P0, [G1, G2]);
    expectClose(got[0]!, want[0]!);
    expectClose(got[1]!, want[1]!);
    // The first step of Nadam moves every weight by about lr against its gradient's sign.
    expect(got[0]![0]).toBeLessThan(P0[0]!);
    expect(got[0]![1]).toBeGreaterThan(P0[1]!);
  });

  it('honours non-default hyperparameters', () => {
    const config = { name: 'nadam' as const, learning_rate: 0.01, beta_1: 0.8, beta_2: 0.99, epsilon: 1e-3, schedule_decay: 0.1 };
    const got = runOptimizer(config, P0, [G1, G2, G1]);
    const want = kerasNadam(P0, [G1, G2, G1], 0.01, 0.8, 0.99, 1e-3, 0.1);
    got.forEach((row, i) => expectClose(row, want[i]!));
  });
});
