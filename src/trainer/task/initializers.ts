import type { InitializerConfig } from '../../transport/protocol.js';
import type { Rng } from './rng.js';

/**
 * Keras's kernel initializers for a Dense kernel of shape [fanIn, fanOut], drawn from a seeded
 * generator into a row-major Float32Array. Biases are always zero, as in Keras.
 */

/**
 * Keras divides the truncated-normal stddev by this constant: the stddev of a standard normal
 * truncated to [-2, 2], so that the truncated draws end up with the requested variance.
 */
export const TRUNCATED_NORMAL_STDDEV_CORRECTION = 0.87962566103423978;

/** Keras's RandomNormal defaults. */
export const RANDOM_NORMAL_DEFAULTS = { mean: 0, stddev: 0.05 } as const;

/** Draws a [fanIn, fanOut] kernel, row-major, with the named Keras initializer. */
export function initKernel(config: InitializerConfig, fanIn: number, fanOut: number, rng: Rng): Float32Array {
  const out = new Float32Array(fanIn * fanOut);
  switch (config.name) {
    case 'glorot_uniform':
      return fillUniform(out, Math.sqrt(6 / (fanIn + fanOut)), rng);
    case 'he_uniform':
      return fillUniform(out, Math.sqrt(6 / fanIn), rng);
    case 'glorot_normal':
      return fillTruncatedNormal(out, Math.sqrt(2 / (fanIn + fanOut)) / TRUNCATED_NORMAL_STDDEV_CORRECTION, rng);
    case 'he_normal':
      return fillTruncatedNormal(out, Math.sqrt(2 / fanIn) / TRUNCATED_NORMAL_STDDEV_CORRECTION, rng);
    case 'random_normal': {
      const mean = config.mean ?? RANDOM_NORMAL_DEFAULTS.mean;
      const stddev = config.stddev ?? RANDOM_NORMAL_DEFAULTS.stddev;
      for (let i = 0; i < out.length; i++) out[i] = mean + stddev * rng.normal();
      return out;
    }
  }
}

function fillUniform(out: Float32Array, limit: number, rng: Rng): Float32Array {
  for (let i = 0; i < out.length; i++) out[i] = (rng.uniform() * 2 - 1) * limit;
  return out;
}

/** Like tf.random.truncated_normal: values beyond two standard deviations are redrawn. */
function fillTruncatedNormal(out: Float32Array, stddev: number, rng: Rng): Float32Array {
  for (let i = 0; i < out.length; i++) {
    let z: number;
    do z = rng.normal();
    while (z < -2 || z > 2);
    out[i] = z * stddev;
  }
  return out;
}
