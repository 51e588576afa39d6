import type { TrainConfig } from '../transport/protocol.js';

/** Training images per dataset when `train_size` is null (both have 60,000). */
const FULL_TRAIN_SIZE = 60_000;
/** Validation runs every epoch over the 10,000 test images; a forward pass costs about a third of a training step. */
const EVAL_COST_PER_EPOCH = 10_000 / 3;

/** Relative cost of a trial in training-sample units: what the scheduler orders by and the ETA counts. */
export function estimatedWork(config: TrainConfig): number {
  const trainSize = config.train_size ?? FULL_TRAIN_SIZE;
  return config.epochs * (trainSize + EVAL_COST_PER_EPOCH);
}

/**
 * Longest first (the LPT rule): with trials of very different lengths, starting the long ones
 * first keeps every worker busy until the end instead of leaving one grinding through a 300-epoch
 * trial alone. Ties keep their expansion order.
 */
export function longestFirst<T extends { config: TrainConfig; position: number }>(trials: readonly T[]): T[] {
  return [...trials].sort((a, b) => estimatedWork(b.config) - estimatedWork(a.config) || a.position - b.position);
}
