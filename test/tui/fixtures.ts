import type { EpochRecord, SweepRecord, TrialRecord } from '../../src/store/index.js';
import type { TrainConfig } from '../../src/transport/protocol.js';
import type { SweepView, TrialView, WorkerView } from '../../src/tui/view-model.js';
import { trainConfig } from '../helpers/fixtures.js';

/** Fixed clock for every fixture: 2024-01-01T00:10:00Z. */
export const NOW_MS = Date.UTC(2024, 0, 1, 0, 10, 0);
export const STARTED_MS = NOW_MS - 125_000;

export function config(over: Partial<TrainConfig> = {}): TrainConfig {
  return trainConfig({ train_size: 6000, epochs: 5, batch_size: 64, hidden_layers: 2, units: 32, ...over });
}

export function sweepRecord(over: Partial<SweepRecord> = {}): SweepRecord {
  return {
    id: 'smoke-1',
    name: 'smoke',
    method: 'grid',
    metric: { name: 'val_accuracy', goal: 'maximize' },
    specHash: 'h',
    sourceText: '',
    sourcePath: 'sweeps/smoke.yaml',
    spec: {},
    createdAtMs: STARTED_MS,
    status: 'running',
    owner: null,
    updatedAtMs: STARTED_MS,
    ...over,
  };
}

export function trialRecord(trialId: string, position: number, over: Partial<TrialRecord> = {}): TrialRecord {
  return {
    sweepId: 'smoke-1',
    trialId,
    study: 'optimizers',
    position,
    config: config(),
    varied: ['optimizer'],
    state: 'queued',
    attempts: 0,
    backend: null,
    worker: null,
    error: null,
    epochsDone: 0,
    bestEpoch: null,
    startedAtMs: null,
    endedAtMs: null,
    ...over,
  };
}

/** Epochs 1..n whose loss falls and accuracy rises by `step` per epoch from the given start. */
export function epochs(trialId: string, n: number, start: { loss: number; acc: number }, step = 0.05, attempt = 1): EpochRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    sweepId: 'smoke-1',
    trialId,
    attempt,
    epoch: i + 1,
    loss: start.loss - step * i,
    accuracy: start.acc + step * i,
    val_loss: start.loss + 0.02 - step * i,
    val_accuracy: start.acc - 0.01 + step * i,
    seconds: 2,
    samples_per_second: 4000,
  }));
}

function trial(record: TrialRecord, eps: EpochRecord[] = []): [string, TrialView] {
  return [record.trialId, { record: { ...record, epochsDone: eps.length }, epochs: eps, backend: record.backend }];
}

/**
 * Six trials in two studies: in `optimizers` adam finished best (val_accuracy 0.80), sgd is
 * running at epoch 3, rmsprop failed, nadam is queued; in `dropout` one trial stopped early and
 * one is running. One worker beat 3 s ago, another 40 s ago (lost).
 */
export function fixtureView(over: Partial<SweepView> = {}): SweepView {
  const opt = (name: TrainConfig['optimizer']['name']) => config({ optimizer: { name, learning_rate: 0.001 } });
  const drop = (rate: number) => config({ dropout: rate });
  const trials = new Map<string, TrialView>([
    trial(trialRecord('t-adam', 0, { config: opt('adam'), state: 'completed', attempts: 1, worker: 'alpha:1', backend: 'cpu', bestEpoch: 5, startedAtMs: STARTED_MS, endedAtMs: NOW_MS - 30_000 }), epochs('t-adam', 5, { loss: 0.6, acc: 0.6 })),
    trial(trialRecord('t-sgd', 1, { config: opt('sgd'), state: 'running', attempts: 1, worker: 'alpha:1', startedAtMs: STARTED_MS }), epochs('t-sgd', 3, { loss: 0.9, acc: 0.5 })),
    trial(trialRecord('t-rms', 2, { config: opt('rmsprop'), state: 'failed', attempts: 2, worker: 'beta:2', error: 'TrainingError: out of memory\n  at train-loop.ts:1', endedAtMs: NOW_MS - 60_000 }), epochs('t-rms', 1, { loss: 1.1, acc: 0.3 }, 0.05, 2)),
    trial(trialRecord('t-nadam', 3, { config: opt('nadam') })),
    trial(trialRecord('t-d15', 4, { study: 'dropout', varied: ['dropout'], config: drop(0.15), state: 'stopped_early', attempts: 1, worker: 'beta:2', bestEpoch: 2, endedAtMs: NOW_MS - 10_000 }), epochs('t-d15', 4, { loss: 0.7, acc: 0.55 }, 0.02)),
    trial(trialRecord('t-d30', 5, { study: 'dropout', varied: ['dropout'], config: drop(0.3), state: 'running', attempts: 1, worker: 'beta:2', startedAtMs: STARTED_MS }), epochs('t-d30', 1, { loss: 0.8, acc: 0.52 })),
  ]);
  const workers = new Map<string, WorkerView>([
    ['alpha:1', { id: 'alpha:1', host: 'alpha', backend: 'tensorflow', slots: 2, running: ['t-sgd'], lastSeenMs: NOW_MS - 3_000 }],
    ['beta:2', { id: 'beta:2', host: 'beta', backend: 'wasm', slots: 4, running: ['t-d30'], lastSeenMs: NOW_MS - 40_000 }],
  ]);
  return {
    sweep: sweepRecord(),
    status: 'running',
    trials,
    workers,
    log: [],
    startedAtMs: STARTED_MS,
    endedAtMs: null,
    notice: null,
    ...over,
  };
}
