import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/errors.js';
import { TRIAL_STATES } from '../../src/orchestrator/domain.js';
import type { NewSweep, NewTrial, SweepStore } from '../../src/store/index.js';
import type { EpochMetrics, TrainConfig } from '../../src/transport/protocol.js';

/**
 * The SweepStore contract as tests: every store implementation runs this suite through its own
 * factory (a fresh, empty store per test). Only the public interface is used.
 */
export function sweepStoreContract(makeStore: () => SweepStore): void {
  let store: SweepStore;
  beforeEach(() => {
    store = makeStore();
  });
  afterEach(() => {
    store.close();
  });

  describe('sweeps', () => {
    it('numbers sweeps per name from 1 and round-trips every field', () => {
      const a1 = store.createSweep(newSweep('alpha', { createdAtMs: 1000 }));
      const a2 = store.createSweep(newSweep('alpha', { createdAtMs: 2000 }));
      const b1 = store.createSweep(newSweep('beta', { createdAtMs: 3000 }));
      expect([a1.id, a2.id, b1.id]).toEqual(['alpha-1', 'alpha-2', 'beta-1']);
      expect(store.getSweep('alpha-1')).toEqual({
        ...newSweep('alpha', { createdAtMs: 1000 }),
        id: 'alpha-1',
        status: 'running',
        owner: null,
        updatedAtMs: 1000,
      });
    });

    it('gets a sweep by exact id first, else the newest with that name', () => {
      store.createSweep(newSweep('alpha'));
      store.createSweep(newSweep('alpha'));
      expect(store.getSweep('alpha')?.id).toBe('alpha-2');
      expect(store.getSweep('alpha-1')?.id).toBe('alpha-1');
      expect(store.getSweep('nope')).toBeUndefined();
      // A sweep literally named like another's id loses to the id.
      store.createSweep(newSweep('alpha-1'));
      expect(store.getSweep('alpha-1')?.name).toBe('alpha');
    });

    it('returns fresh objects that callers may change', () => {
      const created = store.createSweep(newSweep('alpha', { spec: { lr: [0.1] } }));
      (created.spec as { lr: number[] }).lr.push(9);
      const read = store.getSweep(created.id)!;
      read.metric.name = 'changed';
      expect(store.getSweep(created.id)?.spec).toEqual({ lr: [0.1] });
      expect(store.getSweep(created.id)?.metric.name).toBe('val_loss');
    });

    it('finds the newest resumable sweep by name and spec hash', () => {
      store.createSweep(newSweep('alpha', { specHash: 'h1' }));
      store.createSweep(newSweep('alpha', { specHash: 'h1' }));
      store.createSweep(newSweep('alpha', { specHash: 'h2' }));
      expect(store.findResumable('alpha', 'h1')?.id).toBe('alpha-2');
      expect(store.findResumable('alpha', 'h2')?.id).toBe('alpha-3');
      expect(store.findResumable('alpha', 'h3')).toBeUndefined();
      expect(store.findResumable('beta', 'h1')).toBeUndefined();
    });

    it('lists sweeps newest first with counts for every state', () => {
      const a = store.createSweep(newSweep('alpha', { createdAtMs: 1000 }));
      store.createSweep(newSweep('beta', { createdAtMs: 2000 }));
      store.addTrials(a.id, [trial('t1', 0), trial('t2', 1), trial('t3', 2)]);
      store.transitionTrial(a.id, 't2', ['queued'], 'running');
      const list = store.listSweeps();
      expect(list.map((s) => s.id)).toEqual(['beta-1', 'alpha-1']);
      expect(list[1]).toMatchObject({ name: 'alpha', status: 'running', createdAtMs: 1000, total: 3 });
      expect(list[1]!.counts).toEqual({ ...zeros(), queued: 2, running: 1 });
      expect(list[0]).toMatchObject({ total: 0, counts: zeros() });
    });

    it('sets a sweep status and refreshes updatedAtMs', () => {
      const s = store.createSweep(newSweep('alpha', { createdAtMs: 1000 }));
      store.setSweepStatus(s.id, 'interrupted');
      const read = store.getSweep(s.id)!;
      expect(read.status).toBe('interrupted');
      expect(read.updatedAtMs).toBeGreaterThanOrEqual(1000);
      expectStoreError(() => store.setSweepStatus('ghost-1', 'finished'), 'NOT_FOUND');
    });

    it('records the owner of a running sweep and clears it with any other status', () => {
      const s = store.createSweep(newSweep('alpha'));
      const owner = { host: 'node-a', pid: 4242 };
      store.setSweepStatus(s.id, 'running', owner);
      expect(store.getSweep(s.id)?.owner).toEqual(owner);
      expect(store.listSweeps()[0]?.owner).toEqual(owner);
      for (const status of ['finished', 'cancelled', 'interrupted'] as const) {
        store.setSweepStatus(s.id, 'running', owner);
        store.setSweepStatus(s.id, status, owner);
        expect(store.getSweep(s.id)).toMatchObject({ status, owner: null });
        expect(store.listSweeps()[0]?.owner).toBeNull();
      }
      // Running again without an owner leaves none: the old one must not linger.
      store.setSweepStatus(s.id, 'running', owner);
      store.setSweepStatus(s.id, 'running');
      expect(store.getSweep(s.id)?.owner).toBeNull();
    });
  });

  describe('trials', () => {
    it('adds only trials not yet present, as queued, and lists them in expansion order', () => {
      const s = store.createSweep(newSweep('alpha'));
      expect(store.addTrials(s.id, [trial('b', 1), trial('a', 0)])).toBe(2);
      expect(store.addTrials(s.id, [trial('a', 0), trial('c', 2)])).toBe(1);
      expect(store.addTrials(s.id, [trial('a', 0)])).toBe(0);
      const trials = store.listTrials(s.id);
      expect(trials.map((t) => t.trialId)).toEqual(['a', 'b', 'c']);
      expect(trials[0]).toEqual({
        ...trial('a', 0),
        sweepId: s.id,
        state: 'queued',
        attempts: 0,
        backend: null,
        worker: null,
        error: null,
        epochsDone: 0,
        bestEpoch: null,
        startedAtMs: null,
        endedAtMs: null,
      });
      expect(store.getTrial(s.id, 'b')?.position).toBe(1);
      expect(store.getTrial(s.id, 'zzz')).toBeUndefined();
      expectStoreError(() => store.addTrials('ghost-1', [trial('a', 0)]), 'NOT_FOUND');
    });

    it('counts every state, zeros included', () => {
      const s = store.createSweep(newSweep('alpha'));
      expect(store.countByState(s.id)).toEqual(zeros());
      store.addTrials(s.id, [trial('a', 0), trial('b', 1)]);
      store.transitionTrial(s.id, 'a', ['queued'], 'cancelled');
      expect(store.countByState(s.id)).toEqual({ ...zeros(), queued: 1, cancelled: 1 });
    });

    it('moves a trial by compare-and-set; the loser gets false and writes nothing', () => {
      const s = store.createSweep(newSweep('alpha'));
      store.addTrials(s.id, [trial('a', 0)]);
      expect(store.transitionTrial(s.id, 'a', ['queued'], 'running', { worker: 'w1', startedAtMs: 10 })).toBe(true);
      expect(store.transitionTrial(s.id, 'a', ['queued'], 'running', { worker: 'w2', startedAtMs: 20 })).toBe(false);
      expect(store.getTrial(s.id, 'a')).toMatchObject({ state: 'running', attempts: 1, worker: 'w1', startedAtMs: 10 });

      expect(store.transitionTrial(s.id, 'a', ['running'], 'completed', { bestEpoch: 3, endedAtMs: 30, backend: 'cpu' })).toBe(true);
      expect(store.transitionTrial(s.id, 'a', ['running'], 'failed', { error: 'late report' })).toBe(false);
      expect(store.getTrial(s.id, 'a')).toMatchObject({
        state: 'completed',
        attempts: 1,
        worker: 'w1',
        backend: 'cpu',
        bestEpoch: 3,
        endedAtMs: 30,
        error: null,
      });
    });

    it('increments attempts on every move to running, keeps fields a patch leaves out, clears nulls', () => {
      const s = store.createSweep(newSweep('alpha'));
      store.addTrials(s.id, [trial('a', 0)]);
      store.transitionTrial(s.id, 'a', ['queued'], 'running', { worker: 'w1', error: 'x' });
      store.transitionTrial(s.id, 'a', ['running'], 'queued', {});
      expect(store.getTrial(s.id, 'a')).toMatchObject({ attempts: 1, worker: 'w1', error: 'x' });
      store.transitionTrial(s.id, 'a', ['queued'], 'running', { worker: 'w2', error: null });
      expect(store.getTrial(s.id, 'a')).toMatchObject({ state: 'running', attempts: 2, worker: 'w2', error: null });
    });

    it('raises attempts to a redelivered attempt number that skipped ahead', () => {
      const s = store.createSweep(newSweep('alpha'));
      store.addTrials(s.id, [trial('a', 0)]);
      store.transitionTrial(s.id, 'a', ['queued'], 'running', { attempt: 1 });
      expect(store.transitionTrial(s.id, 'a', ['running'], 'running', { attempt: 3 })).toBe(true);
      expect(store.getTrial(s.id, 'a')?.attempts).toBe(3);
      // A stale, lower number never lowers it; the move still counts one more attempt.
      store.transitionTrial(s.id, 'a', ['running'], 'running', { attempt: 2 });
      expect(store.getTrial(s.id, 'a')?.attempts).toBe(4);
    });

    it('refuses a move outside the state machine, even when the trial is elsewhere', () => {
      const s = store.createSweep(newSweep('alpha'));
      store.addTrials(s.id, [trial('a', 0)]);
      expectStoreError(() => store.transitionTrial(s.id, 'a', ['completed'], 'running'), 'ILLEGAL_TRANSITION');
      expectStoreError(() => store.transitionTrial(s.id, 'a', ['queued', 'failed'], 'running'), 'ILLEGAL_TRANSITION');
      expect(store.getTrial(s.id, 'a')?.state).toBe('queued');
    });

    it('refuses to move a trial that does not exist', () => {
      const s = store.createSweep(newSweep('alpha'));
      expectStoreError(() => store.transitionTrial(s.id, 'ghost', ['queued'], 'running'), 'NOT_FOUND');
    });
  });

  describe('attempts', () => {
    it('records an attempt once; a repeated start or end changes nothing', () => {
      const s = store.createSweep(newSweep('alpha'));
      store.addTrials(s.id, [trial('a', 0), trial('b', 1)]);
      expect(store.startAttempt(s.id, 'a', 1, 'w1', 100)).toBe(true);
      expect(store.startAttempt(s.id, 'a', 1, 'w2', 200)).toBe(false);
      expect(store.endAttempt(s.id, 'a', 1, { state: 'failed', error: 'lost worker', atMs: 300 })).toBe(true);
      expect(store.endAttempt(s.id, 'a', 1, { state: 'completed', error: null, atMs: 400 })).toBe(false);
      expect(store.startAttempt(s.id, 'a', 2, 'w2', 500)).toBe(true);
      expect(store.startAttempt(s.id, 'b', 1, 'w1', 600)).toBe(true);
      expect(store.listAttempts(s.id, 'a')).toEqual([
        { sweepId: s.id, trialId: 'a', attempt: 1, worker: 'w1', startedAtMs: 100, endedAtMs: 300, state: 'failed', error: 'lost worker' },
        { sweepId: s.id, trialId: 'a', attempt: 2, worker: 'w2', startedAtMs: 500, endedAtMs: null, state: null, error: null },
      ]);
      expect(store.listAttempts(s.id).map((a) => `${a.trialId}#${a.attempt}`)).toEqual(['a#1', 'a#2', 'b#1']);
    });

    it('refuses attempts of unknown trials and ends of attempts never started', () => {
      const s = store.createSweep(newSweep('alpha'));
      store.addTrials(s.id, [trial('a', 0)]);
      expectStoreError(() => store.startAttempt(s.id, 'ghost', 1, 'w1', 1), 'NOT_FOUND');
      expectStoreError(() => store.endAttempt(s.id, 'a', 7, { state: 'failed', error: null, atMs: 1 }), 'NOT_FOUND');
    });
  });

  describe('epochs', () => {
    it('stores an epoch once per (trial, attempt, epoch) and lists them in order', () => {
      const s = store.createSweep(newSweep('alpha'));
      store.addTrials(s.id, [trial('b', 1), trial('a', 0)]);
      expect(store.recordEpoch(s.id, 'b', 1, metrics(1))).toBe(true);
      expect(store.recordEpoch(s.id, 'a', 1, metrics(2))).toBe(true);
      expect(store.recordEpoch(s.id, 'a', 1, metrics(1))).toBe(true);
      expect(store.recordEpoch(s.id, 'a', 1, { ...metrics(1), loss: 99 })).toBe(false);
      const all = store.listEpochs(s.id);
      expect(all.map((e) => `${e.trialId}#${e.attempt}.${e.epoch}`)).toEqual(['a#1.1', 'a#1.2', 'b#1.1']);
      expect(all[0]).toEqual({ sweepId: s.id, trialId: 'a', attempt: 1, ...metrics(1) });
      expect(store.listEpochs(s.id, 'b')).toHaveLength(1);
    });

    it('counts epochsDone for the latest attempt only', () => {
      const s = store.createSweep(newSweep('alpha'));
      store.addTrials(s.id, [trial('a', 0)]);
      store.transitionTrial(s.id, 'a', ['queued'], 'running');
      store.recordEpoch(s.id, 'a', 1, metrics(1));
      store.recordEpoch(s.id, 'a', 1, metrics(2));
      expect(store.getTrial(s.id, 'a')?.epochsDone).toBe(2);
      store.transitionTrial(s.id, 'a', ['running'], 'queued');
      store.transitionTrial(s.id, 'a', ['queued'], 'running');
      expect(store.getTrial(s.id, 'a')?.epochsDone).toBe(0);
      store.recordEpoch(s.id, 'a', 2, metrics(1));
      expect(store.listTrials(s.id)[0]?.epochsDone).toBe(1);
    });

    it('reads NaN and infinite metrics back as NaN', () => {
      const s = store.createSweep(newSweep('alpha'));
      store.addTrials(s.id, [trial('a', 0)]);
      store.recordEpoch(s.id, 'a', 1, { ...metrics(1), loss: NaN, val_loss: Infinity, accuracy: -Infinity });
      const [e] = store.listEpochs(s.id, 'a');
      expect(e!.loss).toBeNaN();
      expect(e!.val_loss).toBeNaN();
      expect(e!.accuracy).toBeNaN();
      expect(e!.val_accuracy).toBe(metrics(1).val_accuracy);
    });

    it('refuses epochs of unknown trials', () => {
      const s = store.createSweep(newSweep('alpha'));
      expectStoreError(() => store.recordEpoch(s.id, 'ghost', 1, metrics(1)), 'NOT_FOUND');
    });
  });

  describe('workers', () => {
    it('inserts and refreshes worker heartbeats', () => {
      const w = { id: 'host-a:1', host: 'host-a', pid: 1, backend: 'cpu', gpus: [], slots: 2, running: [], lastSeenMs: 1 };
      store.upsertWorker(w);
      store.upsertWorker({ ...w, id: 'host-b:2', host: 'host-b', pid: 2, gpus: ['0', '1'] });
      store.upsertWorker({ ...w, running: ['alpha-1/t1'], lastSeenMs: 5 });
      expect(store.listWorkers()).toEqual([
        { ...w, running: ['alpha-1/t1'], lastSeenMs: 5 },
        { ...w, id: 'host-b:2', host: 'host-b', pid: 2, gpus: ['0', '1'] },
      ]);
    });
  });
}

function expectStoreError(fn: () => unknown, code: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(StoreError);
  expect((thrown as StoreError).code).toBe(code);
}

function zeros() {
  return Object.fromEntries(TRIAL_STATES.map((s) => [s, 0]));
}

export function newSweep(name: string, over: Partial<NewSweep> = {}): NewSweep {
  return {
    name,
    method: 'grid',
    metric: { name: 'val_loss', goal: 'minimize' },
    specHash: 'hash-1',
    sourceText: `name: ${name}\n`,
    sourcePath: `sweeps/${name}.yaml`,
    spec: { name, studies: [] },
    createdAtMs: 1_700_000_000_000,
    ...over,
  };
}

export function trial(trialId: string, position: number): NewTrial {
  return { trialId, position, study: 'optimizers', config: CONFIG, varied: ['optimizer'] };
}

export function metrics(epoch: number): EpochMetrics {
  return { epoch, loss: 1 / epoch, accuracy: 0.5, val_loss: 1.5 / epoch, val_accuracy: 0.25, seconds: 2.5, samples_per_second: 12000 };
}

const CONFIG: TrainConfig = {
  dataset: 'fashion-mnist',
  train_size: null,
  epochs: 3,
  batch_size: 32,
  hidden_layers: 4,
  units: 100,
  activation: 'relu',
  optimizer: { name: 'adam', learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 },
  initializer: { name: 'he_normal' },
  batch_norm: false,
  weight_decay: 0,
  dropout: 0,
  early_stopping: null,
  seed: 42,
};
