import * as tf from '@tensorflow/tfjs-core';
import type { BackendName, EpochMetrics, TrialOutcome, TrialSpec, WireError } from '../../transport/protocol.js';
import type { SharedDataset } from '../task-input.js';
import { initBackend } from './backend.js';
import { TrialTrainer } from './train-loop.js';

/** How a trial reports while it runs. */
export interface TrainHooks {
  /** Called once, when the backend is ready, before the first epoch. */
  onBackend?(backend: BackendName): void;
  /** Called as each epoch ends, in order. */
  onEpoch(metrics: EpochMetrics): void;
  /** Polled before every batch; true ends the trial as `cancelled`. */
  shouldStop(): boolean;
}

/**
 * Trains one trial attempt to its end on this thread's backend (initialised on first use). Never
 * throws for a training problem: a bad config, a missing backend or a crash in TensorFlow.js becomes
 * a `failed` outcome with the error as data, divergence a `diverged` one. Every tensor it created is
 * freed before it returns.
 */
export async function trainTrial(trial: TrialSpec, dataset: SharedDataset, hooks: TrainHooks): Promise<TrialOutcome> {
  let backend: BackendName | null = null;
  let epochs = 0;
  try {
    backend = await initBackend(trial.backend, { gpu: trial.backend === 'tensorflow-gpu' });
    hooks.onBackend?.(backend);
    const trainer = new TrialTrainer(trial.config, dataset, { transposeInJs: backend === 'wasm' });
    try {
      const r = trainer.run({
        onEpoch: (m) => {
          hooks.onEpoch(m);
          epochs = m.epoch;
        },
        shouldStop: hooks.shouldStop,
      });
      return { status: r.status, epochs: r.epochs, backend, bestEpoch: r.bestEpoch, error: r.error };
    } finally {
      trainer.dispose();
    }
  } catch (err) {
    return { status: 'failed', epochs, backend, bestEpoch: null, error: toWireError(err) };
  }
}

function toWireError(err: unknown): WireError {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return {
      name: err.name,
      code: typeof code === 'string' ? code : 'TRAINING_FAILED',
      message: typeof code === 'string' ? err.message : `Training crashed: ${err.message} (backend ${safeBackend()}); this is a bug, please report it with the trial config.`,
    };
  }
  return { name: 'Error', code: 'TRAINING_FAILED', message: `Training crashed: ${String(err)}` };
}

function safeBackend(): string {
  try {
    return tf.getBackend() ?? 'none';
  } catch {
    return 'none';
  }
}
