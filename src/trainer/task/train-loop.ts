import * as tf from '@tensorflow/tfjs-core';
import { TrainerError } from '../../errors.js';
import type { EpochMetrics, TrainConfig, TrialEnd, WireError } from '../../transport/protocol.js';
import type { SharedDataset } from '../task-input.js';
import { BatchReader } from './batches.js';
import { EarlyStopping } from './early-stopping.js';
import { Mlp } from './model.js';
import { createOptimizer } from './optimizer-factory.js';
import type { Optimizer } from './optimizer.js';
import { Rng, STREAM_DROPOUT, STREAM_INIT, STREAM_SHUFFLE } from './rng.js';
import { evaluate, trainStep, type StepContext } from './train-step.js';

/**
 * Keras's `model.fit(x, y, epochs, batch_size, shuffle=True, validation_data=test, callbacks)`,
 * without fit's overhead: shuffle each epoch, every batch including the last partial one, the
 * epoch's loss and accuracy as sample-weighted means of the batches' training-mode values, then
 * val_loss / val_accuracy on the test set in inference mode.
 */

/** Rows per inference batch when evaluating; the result does not depend on it. */
export const EVAL_BATCH = 2000;

export interface LoopHooks {
  onEpoch(metrics: EpochMetrics): void;
  /** Polled before every batch; true ends the trial as `cancelled`. */
  shouldStop(): boolean;
}

export interface LoopResult {
  status: TrialEnd;
  /** Epochs completed and reported. */
  epochs: number;
  bestEpoch: number | null;
  error: WireError | null;
}

export interface TrainerOptions {
  /** Fill the transposed batch on the JS side (saves a transpose on backends where it is slow). @default false */
  transposeInJs?: boolean;
}

/** One trial's model, optimizer and data readers. Call `run` once, then `dispose`. */
export class TrialTrainer {
  readonly model: Mlp;
  private readonly optimizer: Optimizer;
  private readonly train: BatchReader;
  private readonly test: BatchReader;
  private readonly step: StepContext;
  private readonly shuffleRng: Rng;
  private readonly order: Uint32Array;

  /** @throws TrainerError INVALID_CONFIG or DATASET_MISMATCH before anything is allocated on the backend. */
  constructor(
    private readonly config: TrainConfig,
    dataset: SharedDataset,
    options: TrainerOptions = {},
  ) {
    checkConfig(config, dataset);
    const pixels = dataset.rows * dataset.cols;
    const trainCount = config.train_size ?? dataset.train.count;
    const transposeInJs = options.transposeInJs ?? false;
    this.train = new BatchReader(dataset.train, pixels, trainCount, config.batch_size, transposeInJs);
    this.test = new BatchReader(dataset.test, pixels, dataset.test.count, EVAL_BATCH, false);
    this.model = new Mlp(
      {
        inputSize: pixels,
        classes: dataset.classes,
        hiddenLayers: config.hidden_layers,
        units: config.units,
        activation: config.activation,
        initializer: config.initializer,
        batchNorm: config.batch_norm,
        dropout: config.dropout,
        weightDecay: config.weight_decay,
      },
      new Rng(config.seed, STREAM_INIT),
    );
    this.optimizer = createOptimizer(config.optimizer, this.model.trainable);
    this.shuffleRng = new Rng(config.seed, STREAM_SHUFFLE);
    this.order = Uint32Array.from({ length: trainCount }, (_, i) => i);
    this.step = {
      model: this.model,
      optimizer: this.optimizer,
      reader: this.train,
      classes: dataset.classes,
      dropoutRng: new Rng(config.seed, STREAM_DROPOUT),
      useTranspose: transposeInJs,
      gradBuffer: new Float32Array(config.batch_size * dataset.classes),
    };
  }

  run(hooks: LoopHooks): LoopResult {
    const { config } = this;
    const stopper = config.early_stopping ? new EarlyStopping(config.early_stopping) : null;
    const best = new BestWeights(this.model, config.early_stopping?.restore_best_weights === true);
    let bestValLoss = { epoch: null as number | null, value: Infinity };
    let epochs = 0;
    const result = (status: TrialEnd, error: WireError | null = null): LoopResult => ({
      status,
      epochs,
      bestEpoch: stopper ? stopper.bestEpoch : bestValLoss.epoch,
      error,
    });
    try {
      for (let epoch = 1; epoch <= config.epochs; epoch++) {
        const startMs = performance.now();
        const trained = this.trainEpoch(epoch, hooks);
        if (trained.end) return result(trained.end, trained.error);
        const trainMs = performance.now() - startMs;
        const val = this.evaluate();
        if (!Number.isFinite(val.val_loss)) {
          return result('diverged', diverged(`val_loss became ${val.val_loss} after epoch ${epoch}`, config));
        }
        const n = this.train.count;
        const metrics: EpochMetrics = {
          epoch,
          loss: trained.lossSum / n,
          accuracy: trained.correct / n,
          ...val,
          seconds: (performance.now() - startMs) / 1000,
          samples_per_second: n / (trainMs / 1000),
        };
        hooks.onEpoch(metrics);
        epochs = epoch;
        if (metrics.val_loss < bestValLoss.value) bestValLoss = { epoch, value: metrics.val_loss };
        if (stopper) {
          const decision = stopper.update(epoch, metrics[stopper.monitor]);
          best.record(decision.improved);
          if (decision.stop && epoch < config.epochs) {
            best.restore();
            return result('stopped_early');
          }
        }
      }
      // Keras 3 restores the best weights at the end of training whether or not it stopped early.
      best.restore();
      return result('completed');
    } finally {
      best.dispose();
    }
  }

  /** One shuffled pass over the training samples, or why it ended early. */
  private trainEpoch(
    epoch: number,
    hooks: LoopHooks,
  ): { end: null; lossSum: number; correct: number } | { end: 'cancelled' | 'diverged'; error: WireError | null } {
    const { config, train } = this;
    const n = train.count;
    const batches = Math.ceil(n / config.batch_size);
    this.shuffleRng.shuffle(this.order);
    let lossSum = 0;
    let correct = 0;
    for (let b = 0; b < batches; b++) {
      if (hooks.shouldStop()) return { end: 'cancelled', error: null };
      const size = Math.min(config.batch_size, n - b * config.batch_size);
      train.read(this.order, b * config.batch_size, size);
      const s = trainStep(this.step, size);
      if (!s.finite) {
        const what = `the training loss became ${s.lossSum + s.regularization} at epoch ${epoch}, batch ${b + 1} of ${batches}`;
        return { end: 'diverged', error: diverged(what, config) };
      }
      // Keras logs the batch-size-weighted mean of the batch losses, penalty included.
      lossSum += s.lossSum + s.regularization * size;
      correct += s.correct;
    }
    return { end: null, lossSum, correct };
  }

  /** Inference-mode loss and accuracy on the test set with the current weights. */
  evaluate(): { val_loss: number; val_accuracy: number } {
    const r = evaluate(this.model, this.test, this.step.classes, EVAL_BATCH);
    return { val_loss: r.loss, val_accuracy: r.accuracy };
  }

  dispose(): void {
    this.optimizer.dispose();
    this.model.dispose();
  }
}

/** restore_best_weights: a snapshot of every weight (moving averages included) at the best epoch. */
class BestWeights {
  private snapshot: tf.Tensor[] | null = null;

  constructor(
    private readonly model: Mlp,
    private readonly enabled: boolean,
  ) {}

  /** After each epoch: keep this epoch's weights when it improved, or when nothing is kept yet (Keras 3). */
  record(improved: boolean): void {
    if (!this.enabled || !(improved || this.snapshot === null)) return;
    tf.dispose(this.snapshot ?? []);
    this.snapshot = this.model.snapshot();
  }

  restore(): void {
    if (this.snapshot) this.model.restore(this.snapshot);
  }

  dispose(): void {
    tf.dispose(this.snapshot ?? []);
    this.snapshot = null;
  }
}

function diverged(what: string, config: TrainConfig): WireError {
  const err = new TrainerError(
    'DIVERGED',
    `Training diverged: ${what} (optimizer ${config.optimizer.name}, learning_rate ${config.optimizer.learning_rate}); a smaller learning rate usually helps.`,
  );
  return { name: err.name, code: err.code, message: err.message };
}

function checkConfig(config: TrainConfig, dataset: SharedDataset): void {
  const problems: string[] = [];
  const positiveInt = (name: string, v: number): void => {
    if (!Number.isInteger(v) || v < 1) problems.push(`${name} must be a positive integer (got ${v})`);
  };
  positiveInt('epochs', config.epochs);
  positiveInt('batch_size', config.batch_size);
  positiveInt('hidden_layers', config.hidden_layers);
  positiveInt('units', config.units);
  if (config.train_size !== null) {
    positiveInt('train_size', config.train_size);
    if (config.train_size > dataset.train.count) {
      problems.push(`train_size ${config.train_size} exceeds the ${dataset.train.count} training images of ${dataset.identity.name}`);
    }
  }
  if (!(config.dropout >= 0 && config.dropout < 1)) problems.push(`dropout must be in [0, 1) (got ${config.dropout})`);
  if (!(config.weight_decay >= 0)) problems.push(`weight_decay must be >= 0 (got ${config.weight_decay})`);
  if (!(config.optimizer.learning_rate > 0)) problems.push(`optimizer.learning_rate must be > 0 (got ${config.optimizer.learning_rate})`);
  if (problems.length > 0) throw new TrainerError('INVALID_CONFIG', `Invalid trial config: ${problems.join('; ')}.`);
}
