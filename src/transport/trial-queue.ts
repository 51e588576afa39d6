import type { EpochMetrics, TrialOutcome, TrialSpec } from './protocol.js';

/**
 * The contract between the orchestrator and the worker hosts that run its trials. Two
 * implementations share it: the in-process queue (the embedded default) and JetStream. The
 * controller and the worker host are written against these interfaces only, so an embedded run and
 * a distributed run take the same path.
 *
 * Delivery is at-least-once in both directions: a trial may be handed out again after its worker
 * vanished, and a report may arrive twice. Receivers therefore make every effect idempotent on
 * (sweepId, trialId, attempt[, epoch]); the store does this for the orchestrator.
 */

/** The orchestrator's end. */
export interface TrialDispatcher {
  /**
   * Queues trials for any worker host. Resolves once the queue holds them durably (for JetStream:
   * the server acknowledged every publish). Submitting a trial id that is already queued is allowed
   * and may run it twice; the controller avoids that by submitting each live trial once per run.
   */
  submit(trials: readonly TrialSpec[]): Promise<void>;
  /**
   * Reports from workers, in the order each worker sent them. Each delivery must be acked once its
   * effect is durable (stored); an un-acked delivery comes again after a restart. The iterable ends
   * when `close()` is called.
   */
  reports(): AsyncIterable<Delivery<WorkerReport>>;
  /**
   * Present when queued trials and unacked reports outlive the orchestrator (JetStream). Yields the
   * reports that were published while no orchestrator was listening and ends once they have all
   * been delivered; `reports()` then continues after them. The controller applies this backlog
   * before deciding what to queue, so a trial that finished while it was away is not run again and
   * one still running on a live worker is neither queued twice nor moved back to `queued`.
   */
  backlog?(): AsyncIterable<Delivery<WorkerReport>>;
  /**
   * Withdraws a sweep's queued trials and asks workers to abort its running ones. Resolves with the
   * ids of the trials withdrawn before any worker took them: only those will never report. A trial
   * a worker already holds reports its own end (normally `cancelled`). A durable queue cannot tell a
   * delivery held by a live worker from one whose worker died, so it also lists trials it withdrew
   * after a delivery; a report from such a trial's worker then arrives after its end and changes
   * nothing.
   */
  cancel(sweepId: string): Promise<string[]>;
  close(): Promise<void>;
}

/** The worker host's end. */
export interface TrialSource {
  /**
   * Waits until at least one trial is available and returns at most `max` of them: a host asks only
   * for as many as it has free slots, so no host hoards work another could start. Resolves to an
   * empty list once the source is closed or `signal` aborts.
   */
  take(max: number, signal?: AbortSignal): Promise<Lease[]>;
  /** Sends a report; resolves once it is durable on the orchestrator's side of the queue. */
  publish(report: WorkerReport): Promise<void>;
  /** Called with a sweep id when the orchestrator cancels that sweep. Returns an unsubscribe. */
  onCancel(listener: (sweepId: string) => void): () => void;
  close(): Promise<void>;
}

/** One delivery of one trial to one host. */
export interface Lease {
  /** The trial, with `attempt` set from the delivery count. */
  readonly trial: TrialSpec;
  /** Extends the ack deadline while the trial trains (JetStream's `working()`). */
  working(): void;
  /** The trial is done and its final report was published: never deliver it again. */
  ack(): Promise<void>;
  /** This host cannot run the trial (e.g. shutting down): deliver it to someone else. */
  release(): Promise<void>;
}

export interface Delivery<T> {
  readonly value: T;
  ack(): void;
}

/** A worker host's identity and load, sent as a heartbeat. */
export interface WorkerInfo {
  id: string;
  host: string;
  pid: number;
  backend: string;
  gpus: string[];
  slots: number;
  /** Trial ids running now. */
  running: string[];
  atMs: number;
}

export type WorkerReport =
  | { type: 'started'; sweepId: string; trialId: string; attempt: number; worker: string; atMs: number }
  | { type: 'backend'; sweepId: string; trialId: string; attempt: number; backend: string }
  | { type: 'epoch'; sweepId: string; trialId: string; attempt: number; metrics: EpochMetrics }
  | { type: 'finished'; sweepId: string; trialId: string; attempt: number; outcome: TrialOutcome; atMs: number }
  | { type: 'heartbeat'; worker: WorkerInfo }
  /**
   * The queue gave up on a trial: `attempt` is the delivery past `TrialSpec.maxAttempts`, which no
   * worker started. Sent by the worker host that received that delivery, instead of running it.
   */
  | { type: 'abandoned'; sweepId: string; trialId: string; attempt: number; reason: string; atMs: number }
  /**
   * Someone (`sweep cancel`) cancelled the sweep from outside the orchestrator; `withdrawn` as
   * returned by `TrialDispatcher.cancel`.
   */
  | { type: 'cancel-requested'; sweepId: string; withdrawn: string[]; atMs: number };
