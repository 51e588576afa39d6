import { hostname } from 'node:os';
import type { DatasetName, TrialOutcome, TrialSpec } from '../transport/protocol.js';
import type { Lease, TrialSource, WorkerReport } from '../transport/trial-queue.js';
import { LeaseKeeper } from './lease-keeper.js';
import type { TrialRunner } from './pool.js';
import type { SharedDataset } from './task-input.js';

export interface WorkerHostOptions {
  source: TrialSource;
  pool: TrialRunner;
  /** Loads (once) and returns the dataset a trial names. */
  datasets: (name: DatasetName) => Promise<SharedDataset>;
  /** @default `${hostname()}:${process.pid}` */
  workerId?: string;
  /** Backend this host reports in heartbeats. @default 'auto' */
  backend?: string;
  gpus?: string[];
  /** Heartbeat period; 0 sends none (embedded runs have no one to tell). @default 0 */
  heartbeatMs?: number;
  /** How often a running trial's lease is extended. @default 5000 */
  leaseRenewMs?: number;
}

/**
 * A worker host: takes trials from a source as slots free up, runs each on the pool, keeps its
 * lease alive while it trains, and publishes what happens. The same class serves the embedded run
 * and `sweep worker`; only the source differs.
 */
export class WorkerHost {
  readonly workerId: string;
  private readonly running = new Map<string, RunningTrial>();
  private readonly options: WorkerHostOptions;
  private readonly leases: LeaseKeeper;

  constructor(options: WorkerHostOptions) {
    this.options = options;
    this.workerId = options.workerId ?? `${hostname()}:${process.pid}`;
    this.leases = new LeaseKeeper(options.leaseRenewMs ?? 5_000);
  }

  /** Runs until `signal` aborts or the source closes, then waits for running trials to end. */
  async run(signal?: AbortSignal): Promise<void> {
    const { source, pool } = this.options;
    const unsubscribe = source.onCancel((sweepId) => this.cancelSweep(sweepId));
    const heartbeat = this.startHeartbeat();
    try {
      while (!signal?.aborted) {
        const free = pool.threads - this.running.size;
        if (free <= 0) {
          await Promise.race([...this.running.values()].map((r) => r.done));
          continue;
        }
        const leases = await source.take(free, signal);
        if (leases.length === 0) break;
        for (const lease of leases) this.start(lease);
      }
    } finally {
      await Promise.all([...this.running.values()].map((r) => r.done));
      if (heartbeat) clearInterval(heartbeat);
      unsubscribe();
    }
  }

  /** Aborts every running trial (each ends as `cancelled` after its current batch). */
  abortAll(): void {
    for (const entry of this.running.values()) entry.abort.abort();
  }

  /**
   * Hands every running trial back to the queue without reporting an end (a worker shutting down
   * at once): training stops after the current batch and the queue delivers each trial again,
   * to any host, as its next attempt. Resolves once all are handed back.
   */
  async releaseAll(): Promise<void> {
    for (const entry of this.running.values()) {
      entry.released = true;
      entry.abort.abort();
    }
    await Promise.all([...this.running.values()].map((r) => r.done));
  }

  private cancelSweep(sweepId: string): void {
    for (const entry of this.running.values()) if (entry.trial.sweepId === sweepId) entry.abort.abort();
  }

  private start(lease: Lease): void {
    const key = `${lease.trial.sweepId}/${lease.trial.trialId}`;
    const entry: RunningTrial = { trial: lease.trial, abort: new AbortController(), released: false, done: Promise.resolve() };
    entry.done = this.runLease(lease, entry).finally(() => this.running.delete(key));
    this.running.set(key, entry);
  }

  private async runLease(lease: Lease, entry: RunningTrial): Promise<void> {
    const { trial } = lease;
    const ids = { sweepId: trial.sweepId, trialId: trial.trialId, attempt: trial.attempt };
    // Reports of one trial must arrive in order, so each publish waits for the one before.
    let chain: Promise<void> = Promise.resolve();
    const publish = (report: WorkerReport): Promise<void> => (chain = chain.then(() => this.options.source.publish(report)));
    const unhold = this.leases.hold(lease);
    try {
      void publish({ type: 'started', ...ids, worker: this.workerId, atMs: Date.now() });
      const outcome = await this.train(trial, entry.abort.signal, publish);
      if (entry.released) throw new Error('released');
      await publish({ type: 'finished', ...ids, outcome, atMs: Date.now() });
    } catch {
      // Handed back, or publishing failed (the queue is gone): let the queue deliver it again.
      await chain.catch(() => undefined);
      await lease.release().catch(() => undefined);
      return;
    } finally {
      unhold();
    }
    // The end is stored on the orchestrator's side; if this ack is lost the trial is delivered
    // once more and its reports are ignored as stale, so a failure here needs no handling.
    await lease.ack().catch(() => undefined);
  }

  private async train(
    trial: TrialSpec,
    signal: AbortSignal,
    publish: (report: WorkerReport) => Promise<void>,
  ): Promise<TrialOutcome> {
    const ids = { sweepId: trial.sweepId, trialId: trial.trialId, attempt: trial.attempt };
    let dataset: SharedDataset;
    try {
      dataset = await this.options.datasets(trial.dataset.name);
    } catch (error) {
      return refused('DATASET_UNAVAILABLE', error instanceof Error ? error.message : String(error));
    }
    if (dataset.identity.checksum !== trial.dataset.checksum) {
      return refused(
        'DATASET_MISMATCH',
        `worker ${this.workerId} holds a different ${trial.dataset.name} (checksum ${dataset.identity.checksum.slice(0, 12)}, ` +
          `the sweep expects ${trial.dataset.checksum.slice(0, 12)}); give it the same files with --data-dir`,
      );
    }
    return this.options.pool.run(trial, dataset, {
      signal,
      onBackend: (backend) => void publish({ type: 'backend', ...ids, backend }),
      onEpoch: (metrics) => void publish({ type: 'epoch', ...ids, metrics }),
    });
  }

  private startHeartbeat(): NodeJS.Timeout | undefined {
    const periodMs = this.options.heartbeatMs ?? 0;
    if (periodMs <= 0) return undefined;
    const beat = (): void => {
      void this.options.source
        .publish({
          type: 'heartbeat',
          worker: {
            id: this.workerId,
            host: hostname(),
            pid: process.pid,
            backend: this.options.backend ?? 'auto',
            gpus: this.options.gpus ?? [],
            slots: this.options.pool.threads,
            running: [...this.running.values()].map((r) => r.trial.trialId),
            atMs: Date.now(),
          },
        })
        .catch(() => undefined);
    };
    beat();
    return setInterval(beat, periodMs);
  }
}

interface RunningTrial {
  trial: TrialSpec;
  abort: AbortController;
  /** Handed back by `releaseAll`: no end is reported and the lease is released, not acked. */
  released: boolean;
  done: Promise<void>;
}

function refused(code: string, message: string): TrialOutcome {
  return { status: 'failed', epochs: 0, backend: null, bestEpoch: null, error: { name: 'DatasetError', code, message } };
}
