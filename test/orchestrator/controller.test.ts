import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SweepController } from '../../src/orchestrator/controller.js';
import type { SweepEvent } from '../../src/orchestrator/events.js';
import { openSqliteStore, type SweepStore } from '../../src/store/index.js';
import { WorkerHost } from '../../src/trainer/host.js';
import type { RunHooks, TrialRunner } from '../../src/trainer/pool.js';
import { createMemoryQueue } from '../../src/transport/memory-queue.js';
import type { TrialOutcome, TrialSpec } from '../../src/transport/protocol.js';
import { epochMetrics, tempDir, tinySharedDataset, trainConfig } from '../helpers/fixtures.js';

type Script = (trial: TrialSpec, hooks: RunHooks) => Promise<TrialOutcome>;

/** A runner that plays a script per trial instead of training. */
class ScriptedRunner implements TrialRunner {
  readonly runs: string[] = [];
  constructor(
    readonly threads: number,
    private readonly script: Script,
  ) {}
  async run(trial: TrialSpec, _dataset: unknown, hooks: RunHooks = {}): Promise<TrialOutcome> {
    this.runs.push(trial.trialId);
    return this.script(trial, hooks);
  }
}

const completes =
  (epochs: number): Script =>
  async (_trial, hooks) => {
    hooks.onBackend?.('cpu');
    for (let e = 1; e <= epochs; e++) {
      await new Promise((r) => setTimeout(r, 1));
      hooks.onEpoch?.(epochMetrics(e));
    }
    return { status: 'completed', epochs, backend: 'cpu', bestEpoch: epochs, error: null };
  };

describe('SweepController with the in-process queue', () => {
  let store: SweepStore;
  let sweepId: string;
  const dataset = tinySharedDataset();

  beforeEach(() => {
    store = openSqliteStore(join(tempDir(), 'sweeps.db'));
    sweepId = store.createSweep({
      name: 'unit',
      method: 'grid',
      metric: { name: 'val_loss', goal: 'minimize' },
      specHash: 'h',
      sourceText: '',
      sourcePath: 'unit.yaml',
      spec: {},
      createdAtMs: Date.now(),
    }).id;
    store.addTrials(
      sweepId,
      ['a', 'b', 'c', 'd'].map((id, position) => ({ trialId: id, study: 's', position, config: trainConfig({ seed: position }), varied: ['seed'] })),
    );
  });
  afterEach(() => store.close());

  async function runWith(runner: TrialRunner, signal?: AbortSignal, events: SweepEvent[] = []) {
    const queue = createMemoryQueue();
    const host = new WorkerHost({ source: queue.source, pool: runner, datasets: async () => dataset });
    const controller = new SweepController({
      store,
      dispatcher: queue.dispatcher,
      datasets: new Map([['fashion-mnist', dataset.identity]]),
      onEvent: (e) => events.push(e),
    });
    const hostDone = host.run();
    const result = await controller.run(sweepId, signal);
    await queue.dispatcher.close();
    await hostDone;
    return result;
  }

  it('runs every trial, stores every epoch once, and announces after storing', async () => {
    const events: SweepEvent[] = [];
    const runner = new ScriptedRunner(2, completes(3));
    expect(await runWith(runner, undefined, events)).toBe('finished');

    expect(store.listTrials(sweepId).map((t) => [t.trialId, t.state, t.attempts, t.epochsDone, t.backend])).toEqual([
      ['a', 'completed', 1, 3, 'cpu'],
      ['b', 'completed', 1, 3, 'cpu'],
      ['c', 'completed', 1, 3, 'cpu'],
      ['d', 'completed', 1, 3, 'cpu'],
    ]);
    expect(store.listEpochs(sweepId)).toHaveLength(12);
    expect(store.listAttempts(sweepId).every((a) => a.state === 'completed')).toBe(true);
    expect(store.getSweep(sweepId)?.status).toBe('finished');
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('sweep-started');
    expect(types.at(-1)).toBe('sweep-finished');
    expect(types.filter((t) => t === 'epoch')).toHaveLength(12);
    expect(types.filter((t) => t === 'trial-finished')).toHaveLength(4);
  });

  it('never runs more trials at once than the runner has threads', async () => {
    let running = 0;
    let peak = 0;
    const runner = new ScriptedRunner(2, async (trial, hooks) => {
      running += 1;
      peak = Math.max(peak, running);
      const outcome = await completes(2)(trial, hooks);
      running -= 1;
      return outcome;
    });
    await runWith(runner);
    expect(peak).toBe(2);
  });

  it('records a failed trial as data and goes on with the others', async () => {
    const runner = new ScriptedRunner(1, async (trial, hooks) => {
      if (trial.trialId !== 'b') return completes(1)(trial, hooks);
      hooks.onEpoch?.(epochMetrics(1));
      return { status: 'failed', epochs: 1, backend: 'cpu', bestEpoch: null, error: { name: 'TrainerError', code: 'X', message: 'out of memory' } };
    });
    expect(await runWith(runner)).toBe('finished');
    const b = store.getTrial(sweepId, 'b');
    expect(b?.state).toBe('failed');
    expect(b?.error).toBe('out of memory');
    expect(store.listEpochs(sweepId, 'b')).toHaveLength(1);
    expect(store.countByState(sweepId).completed).toBe(3);
  });

  it('resumes without rerunning finished trials, and reruns failed ones as a new attempt', async () => {
    const first = new ScriptedRunner(1, async (trial, hooks) =>
      trial.trialId === 'c'
        ? { status: 'failed', epochs: 0, backend: 'cpu', bestEpoch: null, error: { name: 'E', code: 'E', message: 'boom' } }
        : completes(2)(trial, hooks),
    );
    await runWith(first);
    const second = new ScriptedRunner(1, completes(2));
    expect(await runWith(second)).toBe('finished');
    expect(second.runs).toEqual(['c']);
    const c = store.getTrial(sweepId, 'c');
    expect([c?.state, c?.attempts, c?.error]).toEqual(['completed', 2, null]);
    expect(store.listAttempts(sweepId, 'c').map((a) => [a.attempt, a.state])).toEqual([
      [1, 'failed'],
      [2, 'completed'],
    ]);
  });

  it('cancels queued trials and aborts running ones, leaving the sweep resumable', async () => {
    const abort = new AbortController();
    const runner = new ScriptedRunner(1, async (_trial, hooks) => {
      hooks.onEpoch?.(epochMetrics(1));
      abort.abort();
      // The real training loop notices the signal between batches.
      await new Promise((r) => setTimeout(r, 5));
      expect(hooks.signal?.aborted).toBe(true);
      return { status: 'cancelled', epochs: 1, backend: 'cpu', bestEpoch: 1, error: null };
    });
    const events: SweepEvent[] = [];
    expect(await runWith(runner, abort.signal, events)).toBe('interrupted');
    // Every trial's end is announced, including those withdrawn before a worker took them.
    expect(events.filter((e) => e.type === 'trial-finished').map((e) => e.type === 'trial-finished' && e.trial.trialId).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(runner.runs).toEqual(['a']);
    expect(store.listTrials(sweepId).map((t) => t.state)).toEqual(['cancelled', 'cancelled', 'cancelled', 'cancelled']);
    expect(store.listEpochs(sweepId, 'a')).toHaveLength(1);
    expect(store.getSweep(sweepId)?.status).toBe('interrupted');

    const resumed = new ScriptedRunner(2, completes(1));
    const statusWhileRunning: string[] = [];
    const onResume: SweepEvent[] = [];
    const result = runWith(resumed, undefined, onResume);
    statusWhileRunning.push(store.getSweep(sweepId)?.status ?? 'missing');
    expect(await result).toBe('finished');
    expect(statusWhileRunning).toEqual(['running']);
    expect(store.getSweep(sweepId)?.status).toBe('finished');
    expect(resumed.runs.sort()).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('scheduling', () => {
  it('submits the longest trials first and keeps expansion order among equals', async () => {
    const { longestFirst, estimatedWork } = await import('../../src/orchestrator/schedule.js');
    const trials = [
      { position: 0, config: trainConfig({ epochs: 15, train_size: null }) },
      { position: 1, config: trainConfig({ epochs: 300, train_size: 10_000 }) },
      { position: 2, config: trainConfig({ epochs: 15, train_size: 30_000 }) },
      { position: 3, config: trainConfig({ epochs: 300, train_size: 10_000 }) },
    ];
    expect(longestFirst(trials).map((t) => t.position)).toEqual([1, 3, 0, 2]);
    expect(estimatedWork(trials[1]!.config)).toBeGreaterThan(estimatedWork(trials[0]!.config));
  });
});
