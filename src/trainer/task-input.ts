import type { MessagePort } from 'node:worker_threads';
import type { BackendName, DatasetIdentity, EpochMetrics, TrialSpec } from '../transport/protocol.js';

/**
 * One split of a dataset in shared memory: every worker thread reads the same bytes, nothing is
 * copied per trial. Images are raw 0-255 pixels, `rows * cols` bytes each, row-major; the trainer
 * scales them to [0, 1] per batch.
 */
export interface SharedSplit {
  images: SharedArrayBuffer;
  labels: SharedArrayBuffer;
  count: number;
}

export interface SharedDataset {
  identity: DatasetIdentity;
  rows: number;
  cols: number;
  classes: number;
  train: SharedSplit;
  test: SharedSplit;
}

/** Index into the Int32Array over `TaskInput.control`. */
export const CONTROL_STOP = 0;

/** What the pool hands a worker thread for one trial attempt. */
export interface TaskInput {
  trial: TrialSpec;
  dataset: SharedDataset;
  /** Progress goes back through this port as `TaskMessage`s, as each epoch ends. */
  port: MessagePort;
  /**
   * An Int32Array's buffer; a non-zero value at CONTROL_STOP asks the trial to stop after the
   * current batch and end as `cancelled`. Shared memory rather than a message, because the training
   * loop runs synchronously and would not see a message until it finished.
   */
  control: SharedArrayBuffer;
}

export type TaskMessage =
  | { type: 'backend'; backend: BackendName }
  | { type: 'epoch'; metrics: EpochMetrics };
