import { describe, expect, it } from 'vitest';
import { initKernel, TRUNCATED_NORMAL_STDDEV_CORRECTION } from '../../src/trainer/task/initializers.js';
import { Rng } from '../../src/trainer/task/rng.js';

function stats(values: Float32Array): { mean: number; std: number; min: number; max: number } {
  let sum = 0;
  let sq = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    sum += v;
    sq += v * v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const mean = sum / values.length;
  return { mean, std: Math.sqrt(sq / values.length - mean * mean), min, max };
}

describe('Keras kernel initializers', () => {
  const [fanIn, fanOut] = [784, 100];

  it('glorot_uniform draws from U(-sqrt(6 / (in + out)), +limit)', () => {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const s = stats(initKernel({ name: 'glorot_uniform' }, fanIn, fanOut, new Rng(1)));
    expect(s.min).toBeGreaterThanOrEqual(-limit);
    expect(s.max).toBeLessThanOrEqual(limit);
    expect(s.max).toBeGreaterThan(limit * 0.99);
    expect(s.std).toBeCloseTo(limit / Math.sqrt(3), 3);
  });

  it('he_uniform draws from U(-sqrt(6 / in), +limit)', () => {
    const limit = Math.sqrt(6 / fanIn);
    const s = stats(initKernel({ name: 'he_uniform' }, fanIn, fanOut, new Rng(1)));
    expect(s.max).toBeLessThanOrEqual(limit);
    expect(s.std).toBeCloseTo(limit / Math.sqrt(3), 3);
  });

  it('glorot_normal and he_normal are truncated at two (corrected) standard deviations and keep the target variance', () => {
    for (const [name, target] of [
      ['glorot_normal', Math.sqrt(2 / (fanIn + fanOut))],
      ['he_normal', Math.sqrt(2 / fanIn)],
    ] as const) {
      const sigma = target / TRUNCATED_NORMAL_STDDEV_CORRECTION;
      const s = stats(initKernel({ name }, fanIn, fanOut, new Rng(2)));
      expect(s.max).toBeLessThanOrEqual(2 * sigma);
      expect(s.min).toBeGreaterThanOrEqual(-2 * sigma);
      expect(Math.abs(s.std / target - 1)).toBeLessThan(0.02);
    }
  });

  it('random_normal uses mean and stddev (default 0.05) without truncation', () => {
    const s = stats(initKernel({ name: 'random_normal', mean: 0.5, stddev: 0.01 }, fanIn, fanOut, new Rng(3)));
    expect(s.mean).toBeCloseTo(0.5, 3);
    expect(Math.abs(s.std / 0.01 - 1)).toBeLessThan(0.02);
    const d = stats(initKernel({ name: 'random_normal' }, fanIn, fanOut, new Rng(3)));
    expect(Math.abs(d.std / 0.05 - 1)).toBeLessThan(0.02);
    expect(d.max).toBeGreaterThan(2.5 * 0.05);
  });

  it('is a function of the seed', () => {
    const a = initKernel({ name: 'glorot_uniform' }, 10, 10, new Rng(5));
    expect(Array.from(initKernel({ name: 'glorot_uniform' }, 10, 10, new Rng(5)))).toEqual(Array.from(a));
    expect(Array.from(initKernel({ name: 'glorot_uniform' }, 10, 10, new Rng(6)))).not.toEqual(Array.from(a));
  });
});
