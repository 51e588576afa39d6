import type { AttemptEnd, SweepOwner, SweepStore, TrialRecord } from '../store/sweep-store.js';
import type { BackendPreference, DatasetIdentity, DatasetName, TrialSpec } from '../transport/protocol.js';
import type { TrialDispatcher, WorkerReport } from '../transport/trial-queue.js';
import { FINISHED_STATES, isTerminal, type TrialState } from './domain.js';
import type { SweepEventListener } from './events.js';
import { longestFirst } from './schedule.js';

export interface ControllerOptions {
  store: SweepStore;
  dispatcher: TrialDispatcher;
  onEvent?: SweepEventListener;
  /** Datasets' identities, so workers can refuse data that differs from the orchestrator's. */
  datasets: ReadonlyMap<DatasetName, DatasetIdentity>;
  /** @default 'auto' */
  backend?: BackendPreference;
  /**
   * Deliveries of a trial per run before it ends as failed (a delivery whose worker vanished counts;
   * only a redelivering queue such as JetStream makes more than one). @default 3
   */
  maxAttempts?: number;
  /** The process running the sweep, recorded with its 'running' status so readers can tell when it died. */
  owner?: SweepOwner;
}

export type RunResult = 'finished' | 'cancelled' | 'interrupted';

/**
 * The one writer of trial state. It queues a sweep's unfinished trials, turns workers' reports
 * into store writes and events, and decides when the sweep is over. Everything it learns is in the
 * store before it is announced, so a crash at any point loses nothing already reported.
 */
export class SweepController {
  private readonly options: ControllerOptions;

  constructor(options: ControllerOptions) {
    this.options = options;
  }

  /**
   * Runs every trial of `sweepId` that has not finished (completed, stopped early or diverged)
   * and resolves when each has ended. Aborting `signal` cancels what is queued and running.
   */
  async run(sweepId: string, signal?: AbortSignal): Promise<RunResult> {
    const { store, dispatcher } = this.options;
    const sweep = store.getSweep(sweepId);
    if (!sweep) throw new Error(`sweep ${sweepId} vanished from the store`);
    // A durable queue holds what workers reported while no orchestrator listened: store that first,
    // so a trial that finished meanwhile is not run again.
    const durable = dispatcher.backlog !== undefined;
    if (dispatcher.backlog) {
      for await (const delivery of dispatcher.backlog()) {
        this.apply(sweepId, delivery.value, new Set());
        delivery.ack();
      }
    }
    // A resumed sweep (interrupted, or finished with failures to rerun) is running again.
    store.setSweepStatus(sweepId, 'running', this.options.owner);
    const trials = store.listTrials(sweepId);
    const toRun = trials.filter((t) => !FINISHED_STATES.has(t.state));
    // There, a running trial is still held by a worker (or waits in the queue for redelivery) and
    // its reports will come: it stays running. It is still submitted, which the queue ignores while
    // it holds the trial; one it does not hold (left by a run that died without a durable queue)
    // goes out again and comes back as the next attempt.
    const toQueue = durable ? toRun.filter((t) => t.state !== 'running') : toRun;
    for (const trial of toQueue) {
      if (trial.state !== 'queued') store.transitionTrial(sweepId, trial.trialId, [trial.state], 'queued', { error: null });
    }
    this.emit({ type: 'sweep-started', sweep, trials: store.listTrials(sweepId), toRun: toRun.length, resumed: toRun.length < trials.length, atMs: Date.now() });

    const pending = new Set(toRun.map((t) => t.trialId));
    let stopped: RunResult | undefined;
    const cancel = async (how: 'interrupted' | 'cancelled'): Promise<void> => {
      if (stopped) return;
      stopped = how;
      // Only trials that will never report are ended here; the others report their own end.
      this.endWithdrawn(sweepId, await dispatcher.cancel(sweepId), pending);
      if (pending.size === 0) await dispatcher.close();
    };
    const onAbort = (): void => void cancel('interrupted');

    if (pending.size > 0) {
      signal?.addEventListener('abort', onAbort, { once: true });
      await dispatcher.submit(longestFirst(toRun).map((t) => this.specFor(t)));
      if (signal?.aborted) onAbort();
      for await (const delivery of dispatcher.reports()) {
        const report = delivery.value;
        this.apply(sweepId, report, pending);
        // `sweep cancel` from elsewhere: stop this run as Ctrl-C would.
        if (report.type === 'cancel-requested' && report.sweepId === sweepId) await cancel('cancelled');
        delivery.ack();
        if (pending.size === 0) break;
      }
      signal?.removeEventListener('abort', onAbort);
    }

    const status: RunResult = stopped ?? 'finished';
    store.setSweepStatus(sweepId, status);
    this.emit({ type: 'sweep-finished', sweepId, status, counts: store.countByState(sweepId), atMs: Date.now() });
    return status;
  }

  private specFor(trial: TrialRecord): TrialSpec {
    const dataset = this.options.datasets.get(trial.config.dataset);
    if (!dataset) throw new Error(`no identity for dataset ${trial.config.dataset}`);
    return {
      trialId: trial.trialId,
      sweepId: trial.sweepId,
      study: trial.study,
      config: trial.config,
      attempt: trial.attempts + 1,
      dataset,
      backend: this.options.backend ?? 'auto',
      maxAttempts: this.options.maxAttempts ?? 3,
    };
  }

  /** Ends trials the queue withdrew (they will never report) and stops waiting for them. */
  private endWithdrawn(sweepId: string, trialIds: readonly string[], pending: Set<string>): void {
    const { store } = this.options;
    for (const trialId of trialIds) {
      const before = store.getTrial(sweepId, trialId);
      const atMs = Date.now();
      if (before && store.transitionTrial(sweepId, trialId, ['queued', 'running'], 'cancelled', { endedAtMs: atMs })) {
        if (before.state === 'running') this.endOpenAttempts(sweepId, trialId, { state: 'cancelled', error: null, atMs });
        const trial = store.getTrial(sweepId, trialId);
        const outcome = { status: 'cancelled' as const, epochs: before.epochsDone, backend: null, bestEpoch: null, error: null };
        if (trial) this.emit({ type: 'trial-finished', trial, outcome, atMs });
      }
      if (isTerminal(store.getTrial(sweepId, trialId)?.state ?? 'cancelled')) pending.delete(trialId);
    }
  }

  /** Records the end of every attempt (below `before`, when given) that never reported one. */
  private endOpenAttempts(sweepId: string, trialId: string, end: AttemptEnd, before = Infinity): void {
    for (const attempt of this.options.store.listAttempts(sweepId, trialId)) {
      if (attempt.endedAtMs === null && attempt.attempt < before) this.options.store.endAttempt(sweepId, trialId, attempt.attempt, end);
    }
  }

  /**
   * Applies one report; duplicates and stale attempts change nothing. A `started` report with a
   * higher attempt than a running trial's is a redelivery after its worker vanished: the trial
   * stays running under the new attempt, and the lost one ends as failed.
   */
  private apply(runSweepId: string, report: WorkerReport, pending: Set<string>): void {
    const { store } = this.options;
    if (report.type === 'heartbeat') {
      store.upsertWorker({ ...report.worker, lastSeenMs: report.worker.atMs });
      this.emit({ type: 'worker', worker: report.worker });
      return;
    }
    if (report.sweepId !== runSweepId) return;
    switch (report.type) {
      case 'started': {
        const { sweepId, trialId, attempt, worker, atMs } = report;
        if (!store.startAttempt(sweepId, trialId, attempt, worker, atMs)) return;
        const current = store.getTrial(sweepId, trialId);
        if (!current || isTerminal(current.state) || attempt <= current.attempts) return;
        if (!store.transitionTrial(sweepId, trialId, [current.state], 'running', { attempt, worker, startedAtMs: atMs, endedAtMs: null })) return;
        if (current.state === 'running') {
          const reason = `attempt ${current.attempts} on ${current.worker ?? 'a worker'} stopped renewing its lease (the worker died or lost its connection)`;
          this.endOpenAttempts(sweepId, trialId, { state: 'failed', error: reason, atMs }, attempt);
          this.emit({ type: 'trial-retried', trialId, attempt, reason });
        }
        const trial = store.getTrial(sweepId, trialId);
        if (trial) this.emit({ type: 'trial-started', trial, attempt, worker, atMs });
        return;
      }
      case 'abandoned': {
        const { sweepId, trialId, attempt, reason, atMs } = report;
        const current = store.getTrial(sweepId, trialId);
        if (!current || isTerminal(current.state) || attempt <= current.attempts) return;
        this.endOpenAttempts(sweepId, trialId, { state: 'failed', error: reason, atMs });
        if (!store.transitionTrial(sweepId, trialId, ['queued', 'running'], 'failed', { error: reason, endedAtMs: atMs })) return;
        pending.delete(trialId);
        const trial = store.getTrial(sweepId, trialId);
        const error = { name: 'TransportError', code: 'MAX_ATTEMPTS', message: reason };
        if (trial) this.emit({ type: 'trial-finished', trial, outcome: { status: 'failed', epochs: trial.epochsDone, backend: null, bestEpoch: null, error }, atMs });
        return;
      }
      case 'cancel-requested':
        this.endWithdrawn(report.sweepId, report.withdrawn, pending);
        return;
      case 'backend':
        // Stored with the trial's end (from the outcome); here it only informs the dashboard.
        this.emit({ type: 'trial-backend', trialId: report.trialId, backend: report.backend });
        return;
      case 'epoch':
        if (store.recordEpoch(report.sweepId, report.trialId, report.attempt, report.metrics)) {
          this.emit({ type: 'epoch', trialId: report.trialId, attempt: report.attempt, metrics: report.metrics });
        }
        return;
      case 'finished': {
        const { sweepId, trialId, attempt, outcome, atMs } = report;
        const state: TrialState = outcome.status;
        const error = outcome.error ? outcome.error.message : null;
        if (!store.endAttempt(sweepId, trialId, attempt, { state, error, atMs })) return;
        const current = store.getTrial(sweepId, trialId);
        if (!current || isTerminal(current.state) || current.attempts !== attempt) return;
        store.transitionTrial(sweepId, trialId, ['running'], state, {
          error,
          bestEpoch: outcome.bestEpoch,
          endedAtMs: atMs,
          ...(outcome.backend ? { backend: outcome.backend } : {}),
        });
        pending.delete(trialId);
        const trial = store.getTrial(sweepId, trialId);
        if (trial) this.emit({ type: 'trial-finished', trial, outcome, atMs });
        return;
      }
    }
  }

  private emit(event: Parameters<SweepEventListener>[0]): void {
    this.options.onEvent?.(event);
  }
}
