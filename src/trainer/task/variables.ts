import * as tf from '@tensorflow/tfjs-core';

/**
 * A float32 variable initialised from a tensor that is freed right away. `tf.variable(init)` leaves
 * `init` alive (the variable takes its own reference), which would leak one tensor per variable and
 * trial; tidy frees it and never frees variables.
 */
export function variableFrom(init: () => tf.Tensor, trainable: boolean): tf.Variable {
  return tf.tidy(() => tf.variable(init(), trainable, undefined, 'float32'));
}
