import type {
  ActivationName,
  DatasetName,
  EarlyStoppingConfig,
  InitializerConfig,
  InitializerName,
  MetricName,
  OptimizerConfig,
  OptimizerName,
  TrainConfig,
} from '../transport/protocol.js';
import { KERAS_OPTIMIZER_DEFAULTS } from '../transport/optimizer-defaults.js';

/**
 * Keras's defaults, the one place they are written down. A trial's config is resolved against these
 * before it leaves the orchestrator, so no worker ever applies a default of its own.
 */

/** Every optimizer a sweep can name, in the order help and did-you-mean list them. */
export const OPTIMIZER_NAMES = ['sgd', 'momentum', 'adagrad', 'adadelta', 'rmsprop', 'adam', 'nadam'] as const satisfies readonly OptimizerName[];
/** Keras kernel initializers a sweep can name. */
export const INITIALIZER_NAMES = ['glorot_uniform', 'glorot_normal', 'he_uniform', 'he_normal', 'random_normal'] as const satisfies readonly InitializerName[];
/** Hidden-layer activations. */
export const ACTIVATION_NAMES = ['relu', 'sigmoid', 'tanh'] as const satisfies readonly ActivationName[];
/** Datasets a trial can train on. */
export const DATASET_NAMES = ['fashion-mnist', 'mnist'] as const satisfies readonly DatasetName[];
/** Keras's epoch log keys, the metrics a sweep can rank by or monitor. */
export const METRIC_NAMES = ['loss', 'accuracy', 'val_loss', 'val_accuracy'] as const satisfies readonly MetricName[];
/** Both datasets have 60,000 training images; `train_size` cannot ask for more. */
export const TRAIN_IMAGES = 60_000;

/** Old Keras logged `acc`/`val_acc`; files written for it keep working. */
export const METRIC_ALIASES: Readonly<Record<string, MetricName>> = { acc: 'accuracy', val_acc: 'val_accuracy' };

/** Field aliases inside an optimizer: old Keras called the learning rate `lr`. */
export const OPTIMIZER_FIELD_ALIASES: Readonly<Record<string, string>> = { lr: 'learning_rate' };

type OptimizerFields = Omit<OptimizerConfig, 'name'>;

/** Every hyperparameter each optimizer reads, with Keras's default (the keys are exactly a resolved config's fields). */
export const OPTIMIZER_DEFAULTS: Readonly<Record<OptimizerName, Readonly<OptimizerFields>>> = KERAS_OPTIMIZER_DEFAULTS;

/** Fields each initializer reads; only random_normal has any. */
export const INITIALIZER_DEFAULTS: Readonly<Record<InitializerName, Readonly<Omit<InitializerConfig, 'name'>>>> = {
  glorot_uniform: {},
  glorot_normal: {},
  he_uniform: {},
  he_normal: {},
  random_normal: { mean: 0, stddev: 0.05 },
};

/** `early_stopping: true` means exactly Keras's EarlyStopping(). */
export const EARLY_STOPPING_DEFAULTS: Readonly<EarlyStoppingConfig> = {
  monitor: 'val_loss',
  patience: 0,
  min_delta: 0,
  mode: 'auto',
  restore_best_weights: false,
};

/** What a trial trains with when the sweep file says nothing. */
export const TRAIN_DEFAULTS: Readonly<TrainConfig> = {
  dataset: 'fashion-mnist',
  train_size: null,
  epochs: 15,
  batch_size: 128,
  hidden_layers: 4,
  units: 100,
  activation: 'relu',
  optimizer: defaultOptimizer('sgd'),
  initializer: defaultInitializer('glorot_uniform'),
  batch_norm: false,
  weight_decay: 0,
  dropout: 0,
  early_stopping: null,
  seed: 0,
};

/** A new optimizer config with Keras's defaults for `name`. */
export function defaultOptimizer(name: OptimizerName): OptimizerConfig {
  return { name, ...OPTIMIZER_DEFAULTS[name] };
}

/** A new initializer config with Keras's defaults for `name`. */
export function defaultInitializer(name: InitializerName): InitializerConfig {
  return { name, ...INITIALIZER_DEFAULTS[name] };
}

/** Keras's `mode: auto`: accuracy-like metrics are maximized, losses minimized. */
export function goalOf(metric: MetricName): 'minimize' | 'maximize' {
  return metric.endsWith('accuracy') ? 'maximize' : 'minimize';
}
