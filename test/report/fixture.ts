import { join } from 'node:path';
import type { TrialState } from '../../src/orchestrator/domain.js';
import { openSqliteStore, type NewTrial, type SweepStore } from '../../src/store/index.js';
import type { EpochMetrics, TrainConfig } from '../../src/transport/protocol.js';
import { tempDir, trainConfig } from '../helpers/fixtures.js';

/** What the fixture store holds, for tests to compare against. */
export interface ReportFixture {
  storePath: string;
  dir: string;
  /** Two studies (optimizers, early_stopping), still running: one optimizer trial is mid-way. */
  running: string;
  /** A finished optimizer x dropout grid in one study, with a failed and a queued trial. */
  grid: string;
  /** Finished: the other four chapter-6 experiments (initializers, batch_norm, weight_decay, dropout), two trials each. */
  kinds: string;
}

const T0 = 1_700_000_000_000;

/**
 * A store written through the SweepStore contract as the controller would: sweeps, trials moving
 * through their states, attempts and epochs (a retried trial keeps its abandoned first attempt).
 */
export function buildReportFixture(): ReportFixture {
  const dir = tempDir('sweep-report-');
  const storePath = join(dir, 'sweeps.db');
  let clock = T0;
  const store = openSqliteStore(storePath, { now: () => clock });
  try {
    const running = store.createSweep(sweepInput('demo', 'val_loss', 'minimize'));
    const es = { monitor: 'val_loss', patience: 2, min_delta: 0, mode: 'auto', restore_best_weights: false } as const;
    store.addTrials(running.id, [
      trial('opt-sgd', 'optimizers', 0, { optimizer: { name: 'sgd', learning_rate: 0.1, momentum: 0, nesterov: false } }, ['optimizer']),
      trial('opt-adam', 'optimizers', 1, { optimizer: { name: 'adam', learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 } }, ['optimizer']),
      trial('opt-nadam', 'optimizers', 2, { optimizer: { name: 'nadam', learning_rate: 0.002, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, schedule_decay: 0.004 } }, ['optimizer']),
      trial('es-on', 'early_stopping', 3, { epochs: 8, dropout: 0.15, early_stopping: es }, ['early_stopping']),
      trial('es-off', 'early_stopping', 4, { epochs: 8, dropout: 0.15 }, ['early_stopping']),
    ]);
    const tick = (): number => (clock += 1000);
    runTrial(store, running.id, 'opt-sgd', 1, 6, 'completed', (e) => curve(e, 2.3, 0.15), tick);
    runTrial(store, running.id, 'opt-adam', 1, 6, 'completed', (e) => curve(e, 2.3, 0.6), tick);
    // nadam lost its worker after two epochs, was requeued and now runs its second attempt.
    runTrial(store, running.id, 'opt-nadam', 1, 2, 'queued', (e) => curve(e, 2.5, 0.3), tick);
    runTrial(store, running.id, 'opt-nadam', 2, 3, 'running', (e) => curve(e, 2.3, 0.8), tick);
    runTrial(store, running.id, 'es-on', 1, 4, 'stopped_early', (e) => curve(e, 1.8, 0.5), tick);
    runTrial(store, running.id, 'es-off', 1, 8, 'completed', (e) => curve(e, 1.8, 0.4), tick);

    const grid = store.createSweep(sweepInput('grid', 'val_accuracy', 'maximize'));
    const gridTrials: NewTrial[] = [];
    for (const [i, opt] of (['sgd', 'adam'] as const).entries()) {
      for (const [j, dropout] of [0, 0.15, 0.3].entries()) {
        const optimizer = opt === 'sgd' ? { name: opt, learning_rate: 0.01, momentum: 0, nesterov: false } : { name: opt, learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 };
        gridTrials.push(trial(`g-${opt}-${dropout}`, 'grid', i * 3 + j, { optimizer, dropout, epochs: 5 }, ['optimizer', 'dropout']));
      }
    }
    store.addTrials(grid.id, gridTrials);
    for (const t of gridTrials.slice(0, 4)) {
      const speed = (t.config.optimizer.name === 'adam' ? 0.7 : 0.3) - t.config.dropout;
      runTrial(store, grid.id, t.trialId, 1, 5, 'completed', (e) => curve(e, 2.2, speed), tick);
    }
    // A failed trial whose error holds every character CSV must quote.
    runTrial(store, grid.id, gridTrials[4]!.trialId, 1, 2, 'failed', (e) => curve(e, 2.2, 0.2), tick, 'TrainerError: bad "shape", expected [128,10]\nat layer 3');
    // gridTrials[5] stays queued with no epochs.
    store.setSweepStatus(grid.id, 'finished');

    const kinds = store.createSweep(sweepInput('kinds', 'val_loss', 'minimize'));
    const kindTrials = [
      trial('init-he', 'initializers', 0, { initializer: { name: 'he_uniform' } }, ['initializer']),
      trial('init-rn', 'initializers', 1, { initializer: { name: 'random_normal', mean: 0, stddev: 0.01 } }, ['initializer']),
      trial('bn-on', 'batch_norm', 2, { batch_norm: true }, ['batch_norm']),
      trial('bn-off', 'batch_norm', 3, { batch_norm: false }, ['batch_norm']),
      trial('wd-on', 'weight_decay', 4, { weight_decay: 0.1 }, ['weight_decay']),
      trial('wd-off', 'weight_decay', 5, { weight_decay: 0 }, ['weight_decay']),
      trial('do-on', 'dropout', 6, { dropout: 0.15 }, ['dropout']),
      trial('do-off', 'dropout', 7, { dropout: 0 }, ['dropout']),
    ];
    store.addTrials(kinds.id, kindTrials);
    for (const [i, t] of kindTrials.entries()) runTrial(store, kinds.id, t.trialId, 1, 6, 'completed', (e) => curve(e, 2.3, 0.2 + 0.1 * i), tick);
    store.setSweepStatus(kinds.id, 'finished');
    return { storePath, dir, running: running.id, grid: grid.id, kinds: kinds.id };
  } finally {
    store.close();
  }
}

function sweepInput(name: string, metric: 'val_loss' | 'val_accuracy', goal: 'minimize' | 'maximize') {
  return {
    name,
    method: 'grid',
    metric: { name: metric, goal },
    specHash: `hash-${name}`,
    sourceText: `name: ${name}\n# a <comment> & "quotes" that HTML must escape\nmethod: grid\n`,
    sourcePath: `sweeps/${name}.yaml`,
    spec: { name },
    createdAtMs: T0,
  };
}

function trial(trialId: string, study: string, position: number, over: Partial<TrainConfig>, varied: string[]): NewTrial {
  return { trialId, study, position, config: trainConfig({ epochs: 6, ...over }), varied };
}

/** A smooth learning curve: loss decays from `start` at `speed`, accuracy rises as loss falls. */
function curve(epoch: number, start: number, speed: number): EpochMetrics {
  const loss = 0.3 + (start - 0.3) * Math.exp(-speed * epoch);
  const valLoss = loss + 0.02 * epoch;
  return { epoch, loss, accuracy: 1 - loss / 2.6, val_loss: valLoss, val_accuracy: 1 - valLoss / 2.5, seconds: 1.5, samples_per_second: 40000 };
}

/** Moves a trial through an attempt as the controller does, recording `epochs` epochs. */
function runTrial(
  store: SweepStore,
  sweepId: string,
  trialId: string,
  attempt: number,
  epochs: number,
  end: TrialState,
  metrics: (epoch: number) => EpochMetrics,
  tick: () => number,
  error: string | null = null,
): void {
  const startedAtMs = tick();
  store.transitionTrial(sweepId, trialId, ['queued'], 'running', { startedAtMs, worker: 'host-a', backend: 'cpu' });
  store.startAttempt(sweepId, trialId, attempt, 'host-a', startedAtMs);
  for (let e = 1; e <= epochs; e++) store.recordEpoch(sweepId, trialId, attempt, metrics(e));
  if (end === 'running') return;
  const atMs = tick();
  store.endAttempt(sweepId, trialId, attempt, { state: end === 'queued' ? 'cancelled' : end, error, atMs });
  store.transitionTrial(sweepId, trialId, ['running'], end, end === 'queued' ? {} : { endedAtMs: atMs, error, bestEpoch: epochs });
}
