import { hostname } from 'node:os';
import type { DatasetName, TrialOutcome, TrialSpec } from '../transport/protocol.js';
import type { Lease, TrialSource, WorkerReport } from '../transport/trial-queue.js';
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
  private readonly running = new Map<string, { trial: TrialSpec; abort: AbortController; done: Promise<void> }>();
  private readonly options: WorkerHostOptions;

  constructor(options: WorkerHostOptions) {
    this.options = options;
    this.workerId = options.workerId ?? `${hostname()}:${process.pid}`;
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

  private cancelSweep(sweepId: string): void {
    for (const entry of this.running.values()) if (entry.trial.sweepId === sweepId) entry.abort.abort();
  }

  private start(lease: Lease): void {
    const abort = new AbortController();
    const key = `${lease.trial.sweepId}/${lease.trial.trialId}`;
    const done = this.runLease(lease, abort.signal).finally(() => this.running.delete(key));
    this.running.set(key, { trial: lease.trial, abort, done });
  }

  private async runLease(lease: Lease, signal: AbortSignal): Promise<void> {
    const { trial } = lease;
    const ids = { sweepId: trial.sweepId, trialId: trial.trialId, attempt: trial.attempt };
    // Reports of one trial must arrive in order, so each publish waits for the one before.
    let chain: Promise<void> = Promise.resolve();
    const publish = (report: WorkerReport): Promise<void> => (chain = chain.then(() => this.options.source.publish(report)));
    const renew = setInterval(() => lease.working(), this.options.leaseRenewMs ?? 5_000);
    try {
      void publish({ type: 'started', ...ids, worker: this.workerId, atMs: Date.now() });
      const outcome = await this.train(trial, signal, publish);
      await publish({ type: 'finished', ...ids, outcome, atMs: Date.now() });
      await lease.ack();
    } catch {
      // Publishing failed (the queue is gone): leave the trial to be delivered again elsewhere.
      await lease.release().catch(() => undefined);
    } finally {
      clearInterval(renew);
    }
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

function refused(code: string, message: string): TrialOutcome {
  return { status: 'failed', epochs: 0, backend: null, bestEpoch: null, error: { name: 'DatasetError', code, message } };
}
