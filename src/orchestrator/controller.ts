import type { SweepStore, TrialRecord } from '../store/sweep-store.js';
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
    const trials = store.listTrials(sweepId);
    const toRun = trials.filter((t) => !FINISHED_STATES.has(t.state));
    for (const trial of toRun) {
      if (trial.state !== 'queued') store.transitionTrial(sweepId, trial.trialId, [trial.state], 'queued', { error: null });
    }
    this.emit({ type: 'sweep-started', sweep, trials: store.listTrials(sweepId), toRun: toRun.length, resumed: toRun.length < trials.length, atMs: Date.now() });

    const pending = new Set(toRun.map((t) => t.trialId));
    let cancelled = false;
    const cancel = async (): Promise<void> => {
      cancelled = true;
      // Only trials no worker took are ended here; the others report their own end.
      const withdrawn = await dispatcher.cancel(sweepId);
      for (const trialId of withdrawn) {
        if (store.transitionTrial(sweepId, trialId, ['queued'], 'cancelled', { endedAtMs: Date.now() })) pending.delete(trialId);
      }
      if (pending.size === 0) await dispatcher.close();
    };
    const onAbort = (): void => void cancel();

    if (pending.size > 0) {
      signal?.addEventListener('abort', onAbort, { once: true });
      await dispatcher.submit(longestFirst(toRun).map((t) => this.specFor(t)));
      if (signal?.aborted) onAbort();
      for await (const delivery of dispatcher.reports()) {
        this.apply(delivery.value, pending);
        delivery.ack();
        if (pending.size === 0) break;
      }
      signal?.removeEventListener('abort', onAbort);
    }

    const status: RunResult = cancelled ? 'interrupted' : 'finished';
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
    };
  }

  /** Applies one report; duplicates and stale attempts change nothing. */
  private apply(report: WorkerReport, pending: Set<string>): void {
    const { store } = this.options;
    switch (report.type) {
      case 'heartbeat':
        store.upsertWorker({ ...report.worker, lastSeenMs: report.worker.atMs });
        this.emit({ type: 'worker', worker: report.worker });
        return;
      case 'started': {
        const { sweepId, trialId, attempt, worker, atMs } = report;
        if (!store.startAttempt(sweepId, trialId, attempt, worker, atMs)) return;
        if (!store.transitionTrial(sweepId, trialId, ['queued'], 'running', { worker, startedAtMs: atMs, endedAtMs: null })) return;
        const trial = store.getTrial(sweepId, trialId);
        if (trial) this.emit({ type: 'trial-started', trial, attempt, worker, atMs });
        return;
      }
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
