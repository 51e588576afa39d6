import type * as tf from '@tensorflow/tfjs-core';
import type { OptimizerConfig } from '../../transport/protocol.js';
import { Adadelta, Adagrad, Adam, Rmsprop, Sgd } from './keras-optimizers.js';
import { Nadam } from './nadam.js';
import { KERAS_DEFAULTS, type Optimizer } from './optimizer.js';

/** Builds the named optimizer over `vars`; absent hyperparameters take Keras's defaults. */
export function createOptimizer(config: OptimizerConfig, vars: readonly tf.Variable[]): Optimizer {
  const lr = config.learning_rate;
  switch (config.name) {
    case 'sgd':
    case 'momentum': {
      const d = KERAS_DEFAULTS[config.name];
      return new Sgd(vars, lr, config.momentum ?? d.momentum, config.nesterov ?? d.nesterov);
    }
    case 'adagrad': {
      const d = KERAS_DEFAULTS.adagrad;
      return new Adagrad(vars, lr, config.initial_accumulator_value ?? d.initial_accumulator_value, config.epsilon ?? d.epsilon);
    }
    case 'adadelta': {
      const d = KERAS_DEFAULTS.adadelta;
      return new Adadelta(vars, lr, config.rho ?? d.rho, config.epsilon ?? d.epsilon);
    }
    case 'rmsprop': {
      const d = KERAS_DEFAULTS.rmsprop;
      return new Rmsprop(vars, lr, config.rho ?? d.rho, config.momentum ?? d.momentum, config.epsilon ?? d.epsilon);
    }
    case 'adam': {
      const d = KERAS_DEFAULTS.adam;
      return new Adam(vars, lr, config.beta_1 ?? d.beta_1, config.beta_2 ?? d.beta_2, config.epsilon ?? d.epsilon);
    }
    case 'nadam': {
      const d = KERAS_DEFAULTS.nadam;
      return new Nadam(
        vars,
        lr,
        config.beta_1 ?? d.beta_1,
        config.beta_2 ?? d.beta_2,
        config.epsilon ?? d.epsilon,
        config.schedule_decay ?? d.schedule_decay,
      );
    }
  }
}
