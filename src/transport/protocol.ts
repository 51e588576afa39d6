/**
 * The messages that cross between the orchestrator and worker hosts, whether the trial queue is the
 * in-process one or JetStream. Everything here is plain, structured-clonable, JSON-safe data: a
 * trial's config is fully resolved (every default filled in) before it leaves the orchestrator, so
 * a worker never needs the sweep file and two hosts cannot disagree about a default.
 */

/** Keras's optimizer names, plus `momentum` for SGD with momentum 0.9 (as the book calls it). */
export type OptimizerName = 'sgd' | 'momentum' | 'adagrad' | 'adadelta' | 'rmsprop' | 'adam' | 'nadam';
export type InitializerName = 'glorot_uniform' | 'glorot_normal' | 'he_uniform' | 'he_normal' | 'random_normal';
export type ActivationName = 'relu' | 'sigmoid' | 'tanh';
export type DatasetName = 'fashion-mnist' | 'mnist';
/** Keras's epoch log keys. */
export type MetricName = 'loss' | 'accuracy' | 'val_loss' | 'val_accuracy';
export type BackendPreference = 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
/** The backend a trial actually ran on. */
export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

/**
 * An optimizer with every hyperparameter it uses filled in with Keras's default. Only the fields
 * that the named optimizer reads are present, so two spellings of the same optimizer hash alike.
 */
export interface OptimizerConfig {
  name: OptimizerName;
  learning_rate: number;
  /** sgd (0), momentum (0.9), rmsprop (0). */
  momentum?: number;
  /** sgd, momentum. @default false */
  nesterov?: boolean;
  /** adadelta (0.95), rmsprop (0.9). */
  rho?: number;
  /** adam, nadam (0.9). */
  beta_1?: number;
  /** adam, nadam (0.999). */
  beta_2?: number;
  /** adagrad, adadelta, rmsprop, adam, nadam (1e-7). */
  epsilon?: number;
  /** adagrad (0.1). */
  initial_accumulator_value?: number;
  /** nadam: old Keras's momentum schedule (0.004). */
  schedule_decay?: number;
}

export interface InitializerConfig {
  name: InitializerName;
  /** random_normal only. @default 0 */
  mean?: number;
  /** random_normal only. @default 0.05 */
  stddev?: number;
}

export interface EarlyStoppingConfig {
  monitor: MetricName;
  /** @default 0 */
  patience: number;
  /** @default 0 */
  min_delta: number;
  /** `auto` resolves by the monitored name (accuracy -> max, else min). @default 'auto' */
  mode: 'auto' | 'min' | 'max';
  /** @default false */
  restore_best_weights: boolean;
}

/** One trial's resolved training settings. */
export interface TrainConfig {
  dataset: DatasetName;
  /** Train on the first N training images; null = all of them. */
  train_size: number | null;
  epochs: number;
  batch_size: number;
  /** Number of hidden Dense layers. @default 4 */
  hidden_layers: number;
  /** Units per hidden Dense layer. @default 100 */
  units: number;
  activation: ActivationName;
  optimizer: OptimizerConfig;
  initializer: InitializerConfig;
  batch_norm: boolean;
  /** L2 kernel regularizer coefficient on every hidden Dense; 0 = none. */
  weight_decay: number;
  /** Dropout rate after each hidden activation; 0 = none. */
  dropout: number;
  early_stopping: EarlyStoppingConfig | null;
  seed: number;
}

/**
 * The version of the messages below as they travel over a network queue. A receiver rejects a
 * message with another version (with an error naming both) instead of guessing at its shape; bump it
 * whenever a field changes meaning or a required field is added.
 */
export const PROTOCOL_VERSION = 1;

/** A unit of work: one attempt at one trial. */
export interface TrialSpec {
  /** Stable hash of study + resolved config. */
  trialId: string;
  sweepId: string;
  study: string;
  config: TrainConfig;
  /** 1-based; a redelivery or retry increments it. */
  attempt: number;
  /** What the worker must hold to run this trial (checked before training). */
  dataset: DatasetIdentity;
  backend: BackendPreference;
  /**
   * Deliveries of this submission a queue makes before giving up on the trial (each is an attempt;
   * a worker that vanished mid-trial used one). The queue then reports the trial as abandoned. @default 3
   */
  maxAttempts?: number;
}

export interface DatasetIdentity {
  name: DatasetName;
  /** SHA-256 over the four decompressed IDX files, in a fixed order. */
  checksum: string;
}

/** What one finished epoch reports. `epoch` is 1-based, as Keras prints it. */
export interface EpochMetrics {
  epoch: number;
  loss: number;
  accuracy: number;
  val_loss: number;
  val_accuracy: number;
  /** Wall time of the epoch including evaluation. */
  seconds: number;
  /** Training samples per second over the epoch's training steps (evaluation excluded). */
  samples_per_second: number;
}

/** How an attempt ended, as far as the trainer is concerned. */
export type TrialEnd = 'completed' | 'stopped_early' | 'diverged' | 'failed' | 'cancelled';

/** An error as it crosses a thread or the network: revived on the other side by `name`/`code`. */
export interface WireError {
  name: string;
  code: string;
  message: string;
}

export interface TrialOutcome {
  status: TrialEnd;
  /** Epochs that completed and were reported. */
  epochs: number;
  backend: BackendName | null;
  /** 1-based epoch with the best monitored value (early stopping's monitor, else val_loss). */
  bestEpoch: number | null;
  error: WireError | null;
}
