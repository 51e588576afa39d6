import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/trainer/task/rng.js';

describe('Rng', () => {
  it('fillKeepMask equals uniform() >= rate ? scale : 0, draw for draw', () => {
    for (const rate of [0.15, 0.5, 0.999, 1e-9]) {
      const a = new Rng(42, 3);
      const b = new Rng(42, 3);
      const mask = new Float32Array(5000);
      a.fillKeepMask(mask, rate, 2);
      const want = Float32Array.from({ length: 5000 }, () => (b.uniform() >= rate ? 2 : 0));
      expect(Array.from(mask)).toEqual(Array.from(want));
      // Both generators stay in step afterwards.
      expect(a.nextUint32()).toBe(b.nextUint32());
    }
  });

  it('drops about `rate` of the units', () => {
    const mask = new Float32Array(100_000);
    new Rng(1).fillKeepMask(mask, 0.15, 1 / 0.85);
    const dropped = mask.filter((v) => v === 0).length / mask.length;
    expect(Math.abs(dropped - 0.15)).toBeLessThan(0.005);
  });

  it('gives independent streams per (seed, stream) and repeats per seed', () => {
    const draw = (seed: number, stream: number) => Array.from({ length: 5 }, ((r) => () => r.nextUint32())(new Rng(seed, stream)));
    expect(draw(1, 1)).toEqual(draw(1, 1));
    expect(draw(1, 1)).not.toEqual(draw(1, 2));
    expect(draw(1, 1)).not.toEqual(draw(2, 1));
  });

  it('shuffles into a permutation', () => {
    const values = Uint32Array.from({ length: 1000 }, (_, i) => i);
    new Rng(3).shuffle(values);
    expect([...values].sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Array.from(values.subarray(0, 10))).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
