/**
 * A small seeded PRNG so that a trial's seed fixes its initial weights, its shuffles and its dropout
 * masks: the same seed on the same backend gives the same curve. TensorFlow.js's own random ops
 * draw from a JS generator too, but seeding them per call is awkward and they allocate tensors;
 * drawing into our own Float32Arrays keeps the hot loop allocation-free.
 */

/** Independent streams derived from one trial seed, so turning dropout on does not change the shuffles. */
export const STREAM_INIT = 1;
export const STREAM_SHUFFLE = 2;
export const STREAM_DROPOUT = 3;

/** sfc32 (Chris Doty-Humphrey's Small Fast Counting generator): 128-bit state, passes PractRand. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d = 1;
  private spareNormal: number | null = null;

  /** @param seed any integer; @param stream one of the STREAM_* constants. */
  constructor(seed: number, stream = 0) {
    // splitmix32 spreads (seed, stream) over the state so nearby seeds give unrelated sequences.
    let s = (Math.trunc(seed) ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Standard normal (Marsaglia's polar method; the second value of each pair is kept). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = this.uniform() * 2 - 1;
      v = this.uniform() * 2 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * f;
    return u * f;
  }

  /**
   * Fills `out` with `scale` where a uniform draw is >= `rate` (0 <= rate < 1) and 0 elsewhere:
   * exactly `uniform() >= rate ? scale : 0` per element, as one loop with the state in locals
   * (dropout masks are the generator's hot path: 50k draws per step).
   */
  fillKeepMask(out: Float32Array, rate: number, scale: number): void {
    // uniform() = u / 2^32 >= rate  <=>  u >= ceil(rate * 2^32). Both sides are shifted by -2^31 so
    // the comparison stays on int32 values (an unsigned u above 2^31 would be a heap double: 2.5x slower).
    const threshold = (Math.ceil(rate * 4294967296) - 2147483648) | 0;
    let { a, b, c, d } = this;
    for (let i = 0; i < out.length; i++) {
      const t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (c << 21) | (c >>> 11);
      c = (c + t) | 0;
      out[i] = (t ^ -2147483648) >= threshold ? scale : 0;
    }
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
  }

  /** In-place Fisher-Yates shuffle. */
  shuffle(values: Uint32Array): void {
    for (let i = values.length - 1; i > 0; i--) {
      const j = Math.floor(this.uniform() * (i + 1));
      const t = values[i]!;
      values[i] = values[j]!;
      values[j] = t;
    }
  }
}
