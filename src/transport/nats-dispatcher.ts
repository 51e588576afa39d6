import {
  AckPolicy,
  DeliverPolicy,
  nanos,
  type ConsumerConfig,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type KvEntry,
  type NatsConnection,
  type QueuedIterator,
} from 'nats';
import { TransportError } from '../errors.js';
import { AsyncChannel } from './async-channel.js';
import { decodeReport, decodeWorker, encodeTrial } from './nats-codec.js';
import { NAMES, kvKey, orchestratorConsumer, sweepReportsFilter, sweepTrialsFilter, trialIdOfSubject, trialSubject } from './nats-names.js';
import { errorText, publishDurably, publishReport } from './nats-publish.js';
import { JS_ERR, ensureTopology, jsErrCode, type Topology, type WorkQueueOptions } from './nats-topology.js';
import type { TrialSpec } from './protocol.js';
import type { Delivery, TrialDispatcher, WorkerReport } from './trial-queue.js';

export interface NatsDispatcherOptions extends WorkQueueOptions {
  sweepId: string;
  /** How long a publish keeps being retried while the server is away. @default 300000 */
  publishRetryMs?: number;
  /** Malformed reports (logged and terminated) and retries. */
  onWarning?: (message: string) => void;
}

/** Publishes in flight at once while submitting: enough to pipeline, few enough to stay polite. */
const SUBMIT_WINDOW = 256;
/** Reports delivered to the orchestrator and not yet stored: JetStream's back-pressure. */
const REPORTS_IN_FLIGHT = 1024;

/**
 * The orchestrator's end of the JetStream queue, for one sweep. Trials go to the shared work-queue
 * stream; reports come from a durable consumer of the sweep's subjects. That consumer survives the
 * orchestrator, so reports published while it was down wait for the next `sweep run` or `sweep
 * resume`, which gets them as `backlog()` and in order.
 */
export class NatsDispatcher implements TrialDispatcher {
  private readonly js: JetStreamClient;
  private readonly jsm: JetStreamManager;
  private readonly channel = new AsyncChannel<Delivery<WorkerReport>>();
  private messages: ConsumerMessages | undefined;
  private heartbeats: QueuedIterator<KvEntry> | undefined;
  private closed = false;

  static async open(nc: NatsConnection, options: NatsDispatcherOptions): Promise<NatsDispatcher> {
    const topology = await ensureTopology(nc, { ...options, update: true });
    const backlog = await openReportsConsumer(topology.jsm, options.sweepId);
    return new NatsDispatcher(nc, topology, options, backlog);
  }

  private constructor(
    private readonly nc: NatsConnection,
    private readonly topology: Topology,
    private readonly options: NatsDispatcherOptions,
    /** Reports waiting when this dispatcher opened. */
    private backlogSize: number,
  ) {
    this.js = nc.jetstream();
    this.jsm = topology.jsm;
  }

  /** The workers' consumer's ack wait, as the server holds it. */
  get ackWaitMs(): number {
    return this.topology.ackWaitMs;
  }

  async submit(trials: readonly TrialSpec[]): Promise<void> {
    const queue = [...trials];
    const worker = async (): Promise<void> => {
      for (let spec = queue.shift(); spec; spec = queue.shift()) {
        // 'already-there' is the idempotent case: queued, or delivered and not yet acked.
        await publishDurably(this.nc, this.js, trialSubject(spec.sweepId, spec.trialId), encodeTrial(spec), this.publishOptions());
      }
    };
    await Promise.all(Array.from({ length: Math.min(SUBMIT_WINDOW, queue.length) }, worker));
  }

  async *backlog(): AsyncGenerator<Delivery<WorkerReport>> {
    const consumer = await this.js.consumers.get(NAMES.reportsStream, orchestratorConsumer(this.options.sweepId));
    while (this.backlogSize > 0 && !this.closed) {
      const batch = await consumer.fetch({ max_messages: Math.min(this.backlogSize, 256), expires: 2_000 });
      let received = 0;
      for await (const msg of batch) {
        received += 1;
        this.backlogSize -= 1;
        const delivery = this.deliveryOf(msg);
        if (delivery) yield delivery;
      }
      // Someone purged the sweep's reports meanwhile: nothing more is coming.
      if (received === 0) break;
    }
    this.backlogSize = 0;
  }

  reports(): AsyncIterable<Delivery<WorkerReport>> {
    if (!this.messages && !this.closed) void this.startReports();
    return this.channel;
  }

  async cancel(sweepId: string): Promise<string[]> {
    return withdrawSweep(this.topology, sweepId);
  }

  /** Stops delivering reports; unacked ones come again to the next orchestrator. */
  async close(): Promise<void> {
    this.closed = true;
    this.heartbeats?.stop();
    await this.messages?.close();
    this.channel.close();
  }

  /**
   * Forgets the sweep on the server once every trial has ended: deletes its consumer and its
   * stored reports. A report that still arrives (from a worker that was presumed dead) waits for
   * a later resume, which finds it stale.
   */
  async retire(): Promise<void> {
    await this.close();
    await this.jsm.consumers.delete(NAMES.reportsStream, orchestratorConsumer(this.options.sweepId)).catch(() => undefined);
    await this.jsm.streams.purge(NAMES.reportsStream, { filter: sweepReportsFilter(this.options.sweepId) }).catch(() => undefined);
  }

  private async startReports(): Promise<void> {
    try {
      const consumer = await this.js.consumers.get(NAMES.reportsStream, orchestratorConsumer(this.options.sweepId));
      this.messages = await consumer.consume({ max_messages: 256 });
      this.heartbeats = await this.topology.workers.watch();
      if (this.closed) return void (await this.close());
      void this.pumpHeartbeats(this.heartbeats);
      for await (const msg of this.messages) {
        const delivery = this.deliveryOf(msg);
        if (delivery) this.channel.push(delivery);
      }
    } catch (error) {
      if (!this.closed) this.warn(`receiving reports stopped: ${errorText(error)}`);
    }
  }

  private async pumpHeartbeats(entries: QueuedIterator<KvEntry>): Promise<void> {
    try {
      for await (const entry of entries) {
        if (entry.operation !== 'PUT') continue;
        try {
          const worker = decodeWorker(entry.value, `${NAMES.workersBucket}.${entry.key}`);
          this.channel.push({ value: { type: 'heartbeat', worker }, ack: () => undefined });
        } catch (error) {
          this.warn(error instanceof Error ? error.message : String(error));
        }
      }
    } catch (error) {
      if (!this.closed) this.warn(`watching worker heartbeats stopped: ${errorText(error)}`);
    }
  }

  /** A malformed report is logged and terminated: delivering it again would fail again. */
  private deliveryOf(msg: JsMsg): Delivery<WorkerReport> | undefined {
    try {
      const value = decodeReport(msg.data, msg.subject);
      return { value, ack: () => msg.ack() };
    } catch (error) {
      this.warn(error instanceof TransportError ? error.message : String(error));
      msg.term();
      return undefined;
    }
  }

  private publishOptions() {
    return {
      ...(this.options.publishRetryMs !== undefined ? { retryMs: this.options.publishRetryMs } : {}),
      onRetry: (why: string) => this.warn(why),
    };
  }

  private warn(message: string): void {
    (this.options.onWarning ?? ((m: string) => console.error(m)))(message);
  }
}

/**
 * Creates the sweep's reports consumer, or re-creates it to start just after its ack floor: the
 * reports a killed orchestrator received and never acked are then delivered again at once and in
 * their original order (instead of after the ack wait, behind later ones). Returns how many reports
 * are waiting. One orchestrator per sweep at a time.
 */
async function openReportsConsumer(jsm: JetStreamManager, sweepId: string): Promise<number> {
  const name = orchestratorConsumer(sweepId);
  const config: Partial<ConsumerConfig> = {
    durable_name: name,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(60_000),
    max_ack_pending: REPORTS_IN_FLIGHT,
    filter_subject: sweepReportsFilter(sweepId),
    deliver_policy: DeliverPolicy.All,
  };
  try {
    const previous = await jsm.consumers.info(NAMES.reportsStream, name);
    await jsm.consumers.delete(NAMES.reportsStream, name);
    config.deliver_policy = DeliverPolicy.StartSequence;
    config.opt_start_seq = previous.ack_floor.stream_seq + 1;
  } catch (error) {
    if (jsErrCode(error) !== JS_ERR.consumerNotFound) throw error;
  }
  const info = await jsm.consumers.add(NAMES.reportsStream, config);
  return info.num_pending;
}

/**
 * Withdraws every trial of a sweep from the work queue (queued ones, and delivered ones not yet
 * acked: JetStream cannot tell a live holder from a dead one) and marks the sweep cancelled, which
 * makes worker hosts abort its running trials. Returns the ids withdrawn.
 */
export async function withdrawSweep(topology: Topology, sweepId: string): Promise<string[]> {
  const { jsm } = topology;
  const info = await jsm.streams.info(NAMES.trialsStream, { subjects_filter: sweepTrialsFilter(sweepId) });
  // Message by message: nats-server 2.9 moves a work-queue consumer past every later message of
  // the stream on a filtered purge, which would strand other sweeps' queued trials.
  const removed = await Promise.all(
    Object.keys(info.state.subjects ?? {}).map(async (subject) => {
      try {
        const { seq } = await jsm.streams.getMessage(NAMES.trialsStream, { last_by_subj: subject });
        return (await jsm.streams.deleteMessage(NAMES.trialsStream, seq, false)) ? trialIdOfSubject(subject) : undefined;
      } catch {
        return undefined; // acked meanwhile: its worker finished it and reported so
      }
    }),
  );
  await topology.cancels.put(kvKey(sweepId), JSON.stringify({ sweepId, atMs: Date.now() }));
  return removed.filter((id): id is string => id !== undefined);
}

/**
 * `sweep cancel`: withdraws the sweep's trials, tells worker hosts, and leaves the orchestrator a
 * durable `cancel-requested` report (it may be running elsewhere, or down and resumed later).
 */
export async function requestCancel(nc: NatsConnection, sweepId: string): Promise<string[]> {
  const topology = await ensureTopology(nc);
  const withdrawn = await withdrawSweep(topology, sweepId);
  await publishReport(nc, nc.jetstream(), { type: 'cancel-requested', sweepId, withdrawn, atMs: Date.now() }, { retryMs: 10_000 });
  return withdrawn;
}
