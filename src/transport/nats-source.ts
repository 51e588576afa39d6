import { KvWatchInclude, type JetStreamClient, type JsMsg, type KvEntry, type NatsConnection, type QueuedIterator } from 'nats';
import { TransportError } from '../errors.js';
import { decodeTrial, encodeWorker } from './nats-codec.js';
import { NAMES, kvKey, untoken } from './nats-names.js';
import { errorText, publishReport } from './nats-publish.js';
import { ensureTopology, type Topology } from './nats-topology.js';
import type { TrialSpec } from './protocol.js';
import type { Lease, TrialSource, WorkerReport } from './trial-queue.js';

export interface NatsSourceOptions {
  /**
   * Longest one pull request waits for a trial; also how long `close()` may take to return a
   * `take()` in progress. JetStream's minimum is 1000. @default 5000
   */
  pollMs?: number;
  /** How long a report keeps being retried while the server is away. @default 300000 */
  publishRetryMs?: number;
  /** Problems worth a line in the log that do not stop the host: malformed messages, retries. */
  onWarning?: (message: string) => void;
}

/** The default of `TrialSpec.maxAttempts`. */
export const DEFAULT_MAX_ATTEMPTS = 3;

/**
 * A worker host's end of the JetStream queue. Every host pulls from one shared durable consumer,
 * asking for no more trials than it has free slots; a delivery it does not ack within the
 * consumer's ack wait (renewed by `working()`) goes to another host as the next attempt.
 */
export class NatsTrialSource implements TrialSource {
  /** The workers' consumer's ack wait: renew leases well within it. */
  readonly ackWaitMs: number;
  private readonly js: JetStreamClient;
  private readonly pollMs: number;
  private readonly listeners = new Set<(sweepId: string) => void>();
  private cancelWatch: QueuedIterator<KvEntry> | undefined;
  private closed = false;

  static async open(nc: NatsConnection, options: NatsSourceOptions = {}): Promise<NatsTrialSource> {
    const source = new NatsTrialSource(nc, await ensureTopology(nc), options);
    await source.watchCancels();
    return source;
  }

  private constructor(
    private readonly nc: NatsConnection,
    private readonly topology: Topology,
    private readonly options: NatsSourceOptions,
  ) {
    this.js = nc.jetstream();
    this.ackWaitMs = topology.ackWaitMs;
    this.pollMs = Math.max(1_000, options.pollMs ?? 5_000);
  }

  async take(max: number, signal?: AbortSignal): Promise<Lease[]> {
    while (!this.closed && !signal?.aborted) {
      const startedMs = Date.now();
      let messages: JsMsg[];
      try {
        // JetStream caps one pull request's batch (256 by the protocol's original limit).
        messages = await this.pull(Math.min(256, Math.max(1, max)));
      } catch (error) {
        if (this.closed || this.nc.isClosed()) break;
        this.warn(`pulling trials failed (${errorText(error)}); retrying`);
        await sleep(1_000);
        continue;
      }
      const leases: Lease[] = [];
      for (const msg of messages) {
        const lease = await this.leaseOf(msg);
        if (lease) leases.push(lease);
      }
      if (this.closed || signal?.aborted) {
        await Promise.all(leases.map((l) => l.release()));
        break;
      }
      if (leases.length > 0) return leases;
      // A server that answers a no-wait pull at once when empty (instead of waiting up to `expires`
      // for a first message, as 2.9 and later do) must not make this loop spin.
      if (messages.length === 0 && Date.now() - startedMs < this.pollMs / 2) await sleep(200);
    }
    return [];
  }

  async publish(report: WorkerReport): Promise<void> {
    if (report.type === 'heartbeat') {
      await this.topology.workers.put(kvKey(report.worker.id), encodeWorker(report.worker));
      return;
    }
    await publishReport(this.nc, this.js, report, {
      ...(this.options.publishRetryMs !== undefined ? { retryMs: this.options.publishRetryMs } : {}),
      onRetry: (why) => this.warn(why),
    });
  }

  onCancel(listener: (sweepId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops taking; a `take()` in progress returns within `pollMs`. The connection stays open. */
  async close(): Promise<void> {
    this.closed = true;
    this.cancelWatch?.stop();
  }

  /**
   * One pull request: waits up to `pollMs` for a first trial, then returns with at most `max`,
   * whatever is there. Uses the pull request's `no_wait` + `expires` combination, which the
   * `consumers.get().fetch()` API does not expose (it would hold the request open until `max`
   * trials came, and a trial delivered after we stopped listening would sit out an ack wait).
   */
  private async pull(max: number): Promise<JsMsg[]> {
    const iterator = this.js.fetch(NAMES.trialsStream, NAMES.workersConsumer, { batch: max, no_wait: true, expires: this.pollMs });
    const messages: JsMsg[] = [];
    for await (const msg of iterator) messages.push(msg);
    return messages;
  }

  /** A delivery as a lease; undefined for one this host must not run (malformed, or out of attempts). */
  private async leaseOf(msg: JsMsg): Promise<Lease | undefined> {
    let spec: TrialSpec;
    try {
      spec = decodeTrial(msg.data, msg.subject);
    } catch (error) {
      // Redelivering it would fail the same way on every host: terminate it.
      this.warn(error instanceof TransportError ? error.message : String(error));
      msg.term();
      return undefined;
    }
    const deliveries = msg.info.deliveryCount;
    const attempt = spec.attempt + deliveries - 1;
    const maxAttempts = spec.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    if (deliveries > maxAttempts) {
      await this.abandon(spec, msg, attempt, maxAttempts);
      return undefined;
    }
    return new NatsLease({ ...spec, attempt }, msg);
  }

  private async abandon(spec: TrialSpec, msg: JsMsg, attempt: number, maxAttempts: number): Promise<void> {
    const reason =
      `gave up after ${maxAttempts} attempt${maxAttempts === 1 ? '' : 's'}: each worker that took the trial stopped renewing its ` +
      'lease before finishing (it died, or lost its connection for longer than the ack wait)';
    try {
      await this.publish({ type: 'abandoned', sweepId: spec.sweepId, trialId: spec.trialId, attempt, reason, atMs: Date.now() });
      await msg.ackAck().catch(() => undefined);
    } catch (error) {
      this.warn(`could not report trial ${spec.trialId} as abandoned (${errorText(error)}); it will be delivered again`);
      msg.nak();
    }
  }

  private async watchCancels(): Promise<void> {
    const watch = await this.topology.cancels.watch({ include: KvWatchInclude.UpdatesOnly });
    this.cancelWatch = watch;
    void (async () => {
      for await (const entry of watch) {
        if (entry.operation !== 'PUT') continue;
        const sweepId = untoken(entry.key);
        for (const listener of this.listeners) listener(sweepId);
      }
    })().catch((error: unknown) => this.warn(`watching for cancelled sweeps stopped: ${errorText(error)}`));
  }

  private warn(message: string): void {
    (this.options.onWarning ?? ((m: string) => console.error(m)))(message);
  }
}

/** One delivery of one trial. Renewal timing belongs to the host's lease keeper. */
class NatsLease implements Lease {
  constructor(
    readonly trial: TrialSpec,
    private readonly msg: JsMsg,
  ) {}

  working(): void {
    this.msg.working();
  }

  async ack(): Promise<void> {
    // ackAck waits for the server to confirm; a lost ack would rerun a finished trial somewhere.
    // The client holds the ack while it reconnects, so the timeout covers a server restart.
    await this.msg.ackAck({ timeout: 30_000 });
  }

  async release(): Promise<void> {
    this.msg.nak();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
