import { AsyncChannel } from './async-channel.js';
import type { Delivery, Lease, TrialDispatcher, TrialSource, WorkerReport } from './trial-queue.js';
import type { TrialSpec } from './protocol.js';

/**
 * The embedded trial queue: both ends in one process. Nothing here outlives the process, which is
 * fine because the store already holds every trial and epoch: a resumed run resubmits what did not
 * finish.
 */
export interface MemoryQueue {
  dispatcher: TrialDispatcher;
  source: TrialSource;
}

export function createMemoryQueue(): MemoryQueue {
  const trials = new AsyncChannel<TrialSpec>();
  const reports = new AsyncChannel<Delivery<WorkerReport>>();
  const cancelListeners = new Set<(sweepId: string) => void>();

  const dispatcher: TrialDispatcher = {
    async submit(specs) {
      for (const spec of specs) trials.push(spec);
    },
    reports: () => reports,
    async cancel(sweepId) {
      const withdrawn = trials.remove((spec) => spec.sweepId === sweepId);
      for (const listener of cancelListeners) listener(sweepId);
      return withdrawn.map((spec) => spec.trialId);
    },
    async close() {
      trials.close();
      reports.close();
    },
  };

  const source: TrialSource = {
    async take(max, signal) {
      const taken = await trials.takeUpTo(max, signal);
      return taken.map((trial) => memoryLease(trial, () => trials.push({ ...trial, attempt: trial.attempt + 1 })));
    },
    async publish(report) {
      reports.push({ value: report, ack: () => undefined });
    },
    onCancel(listener) {
      cancelListeners.add(listener);
      return () => cancelListeners.delete(listener);
    },
    async close() {
      trials.close();
    },
  };

  return { dispatcher, source };
}

function memoryLease(trial: TrialSpec, requeue: () => void): Lease {
  return {
    trial,
    working: () => undefined,
    ack: async () => undefined,
    release: async () => requeue(),
  };
}
