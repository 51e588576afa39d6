import type { EarlyStoppingConfig, MetricName } from '../../transport/protocol.js';

/**
 * Keras's EarlyStopping decision, without the weights: fed each epoch's logs, it says when to stop
 * and which epoch was best. Keras 3's rules: `wait` counts epochs since the last improvement, an
 * improvement beats the best by more than min_delta, training stops once `wait >= patience` (never
 * after the first epoch), and mode `auto` maximises accuracy metrics and minimises the rest.
 */
export class EarlyStopping {
  readonly monitor: MetricName;
  private readonly patience: number;
  /** Signed like Keras's: added in `min` mode, subtracted in `max` mode. */
  private readonly minDelta: number;
  private readonly maximise: boolean;
  private wait = 0;
  private best: number;
  /** 1-based epoch of `best`, or null before any epoch reported the monitored value. */
  bestEpoch: number | null = null;

  constructor(config: EarlyStoppingConfig) {
    this.monitor = config.monitor;
    this.patience = config.patience;
    this.maximise = config.mode === 'max' || (config.mode === 'auto' && isAccuracy(config.monitor));
    this.minDelta = Math.abs(config.min_delta);
    this.best = this.maximise ? -Infinity : Infinity;
  }

  /**
   * Records one finished epoch (1-based) and returns whether training should stop now.
   * `improved` in the result tells whether this epoch became the best one.
   */
  update(epoch: number, value: number): { stop: boolean; improved: boolean } {
    // Keras skips an epoch whose logs lack the monitored value; a NaN compares false everywhere,
    // which counts as no improvement, as in Keras.
    this.wait += 1;
    if (this.isImprovement(value)) {
      this.best = value;
      this.bestEpoch = epoch;
      this.wait = 0;
      return { stop: false, improved: true };
    }
    return { stop: this.wait >= this.patience && epoch > 1, improved: false };
  }

  private isImprovement(value: number): boolean {
    return this.maximise ? value - this.minDelta > this.best : value + this.minDelta < this.best;
  }
}

/** Keras's `auto` mode: metrics whose name contains "acc" are maximised. */
function isAccuracy(metric: MetricName): boolean {
  return metric.includes('acc');
}
