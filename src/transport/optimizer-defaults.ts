import type { OptimizerConfig, OptimizerName } from './protocol.js';

/**
 * Every hyperparameter each optimizer reads, with Keras's default: the meaning of a resolved
 * OptimizerConfig. Sweep files resolve to exactly these fields; the trainer falls back to them for
 * a field a config lacks (a message from an older sweep). `momentum` is the book's "Momentum":
 * Keras SGD with momentum 0.9. Nadam is old Keras's (lr 0.002, schedule_decay 0.004).
 */
export const KERAS_OPTIMIZER_DEFAULTS = {
  sgd: { learning_rate: 0.01, momentum: 0, nesterov: false },
  momentum: { learning_rate: 0.01, momentum: 0.9, nesterov: false },
  adagrad: { learning_rate: 0.001, initial_accumulator_value: 0.1, epsilon: 1e-7 },
  adadelta: { learning_rate: 0.001, rho: 0.95, epsilon: 1e-7 },
  rmsprop: { learning_rate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7 },
  adam: { learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 },
  nadam: { learning_rate: 0.002, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, schedule_decay: 0.004 },
} as const satisfies Record<OptimizerName, Omit<OptimizerConfig, 'name'>>;
