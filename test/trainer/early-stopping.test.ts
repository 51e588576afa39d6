import { describe, expect, it } from 'vitest';
import { EarlyStopping } from '../../src/trainer/task/early-stopping.js';
import type { EarlyStoppingConfig } from '../../src/transport/protocol.js';

/** Feeds values epoch by epoch; returns the 1-based epoch at which it stopped (or null) and the best epoch. */
function run(config: Partial<EarlyStoppingConfig>, values: number[]): { stoppedAt: number | null; best: number | null } {
  const es = new EarlyStopping({ monitor: 'val_loss', patience: 0, min_delta: 0, mode: 'auto', restore_best_weights: false, ...config });
  for (let i = 0; i < values.length; i++) {
    if (es.update(i + 1, values[i]!).stop) return { stoppedAt: i + 1, best: es.bestEpoch };
  }
  return { stoppedAt: null, best: es.bestEpoch };
}

describe('EarlyStopping (Keras semantics)', () => {
  it('stops once `patience` epochs pass without improvement', () => {
    expect(run({ patience: 2 }, [1.0, 0.9, 0.95, 0.93, 0.8])).toEqual({ stoppedAt: 4, best: 2 });
  });

  it('patience 0 stops at the first epoch without improvement, never at the first epoch', () => {
    expect(run({ patience: 0 }, [1.0, 1.1])).toEqual({ stoppedAt: 2, best: 1 });
    expect(run({ patience: 0 }, [NaN, 1.0])).toEqual({ stoppedAt: null, best: 2 });
  });

  it('an improvement must beat the best by more than min_delta', () => {
    // 0.95 is better than 1.0 but not by more than 0.1: no improvement, best stays epoch 1.
    expect(run({ patience: 1, min_delta: 0.1 }, [1.0, 0.95, 0.5])).toEqual({ stoppedAt: 2, best: 1 });
    expect(run({ patience: 1, min_delta: -0.1 }, [1.0, 0.95, 0.5])).toEqual({ stoppedAt: 2, best: 1 });
  });

  it('mode auto maximises accuracy metrics and minimises losses', () => {
    expect(run({ monitor: 'val_accuracy', patience: 1 }, [0.5, 0.6, 0.55, 0.7])).toEqual({ stoppedAt: 3, best: 2 });
    expect(run({ monitor: 'accuracy', patience: 1, mode: 'min' }, [0.5, 0.6])).toEqual({ stoppedAt: 2, best: 1 });
    expect(run({ monitor: 'loss', patience: 1, mode: 'max' }, [0.5, 0.6, 0.4])).toEqual({ stoppedAt: 3, best: 2 });
  });

  it('equal values are no improvement', () => {
    expect(run({ patience: 1 }, [1.0, 1.0])).toEqual({ stoppedAt: 2, best: 1 });
  });
});
