import {
  AckPolicy,
  DiscardPolicy,
  NatsError,
  RetentionPolicy,
  StorageType,
  nanos,
  type ConsumerConfig,
  type JetStreamManager,
  type KV,
  type NatsConnection,
} from 'nats';
import { TransportError } from '../errors.js';
import { NAMES, REPORTS_SUBJECTS, TRIALS_SUBJECTS } from './nats-names.js';

/** JetStream API error codes we branch on (nats-server's errors.json). */
export const JS_ERR = {
  consumerNotFound: 10014,
  streamNotFound: 10059,
  /** `discard_new_per_subject`: the subject already holds its one message. */
  subjectFull: 10077,
} as const;

export function jsErrCode(error: unknown): number | undefined {
  return error instanceof NatsError ? error.api_error?.err_code : undefined;
}

/** Settings of the shared workers' consumer. */
export interface WorkQueueOptions {
  /** How long a delivery may go without `working()` before JetStream gives it to another host. @default 30000 */
  ackWaitMs?: number;
  /** Trials delivered and not yet acked, over every worker host. @default 1024 */
  maxInFlight?: number;
}

export const DEFAULT_ACK_WAIT_MS = 30_000;

export interface Topology {
  jsm: JetStreamManager;
  workers: KV;
  cancels: KV;
  /** The workers' consumer's ack wait as the server holds it (another process may have set it). */
  ackWaitMs: number;
}

/**
 * Creates what is missing: the streams, the workers' consumer and the two buckets. Idempotent,
 * and safe when several processes race to create the same things. With `update`, an existing
 * consumer takes the given settings (the orchestrator's `--ack-wait` wins over the defaults a
 * worker created it with).
 */
export async function ensureTopology(nc: NatsConnection, options: WorkQueueOptions & { update?: boolean } = {}): Promise<Topology> {
  try {
    return await createTopology(nc, options);
  } catch (error) {
    if (error instanceof TransportError) throw error;
    const code = error instanceof NatsError ? error.code : undefined;
    if (code === 'PERMISSIONS_VIOLATION') {
      throw new TransportError(
        'NATS_PERMISSION',
        `the NATS server at ${nc.getServer()} does not let this user use sweep's streams (${error instanceof Error ? error.message : String(error)}): ` +
          'allow it $JS.API.>, sweep.> and $KV.sweep_> (see docs/nats.md)',
        { cause: error },
      );
    }
    throw new TransportError('NATS_SETUP_FAILED', `setting up sweep's streams on ${nc.getServer()} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

async function createTopology(nc: NatsConnection, options: WorkQueueOptions & { update?: boolean }): Promise<Topology> {
  const jsm = await jetStreamManager(nc);
  await ensureStream(jsm, {
    name: NAMES.trialsStream,
    subjects: [TRIALS_SUBJECTS],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    // One message per trial subject, and a second publish is refused: submitting is idempotent
    // (a trial queued or delivered and not yet acked is not queued again).
    max_msgs_per_subject: 1,
    discard: DiscardPolicy.New,
    discard_new_per_subject: true,
  });
  await ensureStream(jsm, {
    name: NAMES.reportsStream,
    subjects: [REPORTS_SUBJECTS],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    // Kept until the orchestrator stored them, or for two weeks when nobody resumes the sweep.
    max_age: nanos(14 * 24 * 3600 * 1000),
    duplicate_window: nanos(120_000),
  });
  const ackWaitMs = await ensureWorkersConsumer(jsm, options);
  const js = nc.jetstream();
  const workers = await js.views.kv(NAMES.workersBucket, { history: 1, ttl: 30_000, storage: StorageType.File });
  const cancels = await js.views.kv(NAMES.cancelsBucket, { history: 1, ttl: 24 * 3600 * 1000, storage: StorageType.File });
  return { jsm, workers, cancels, ackWaitMs };
}

async function jetStreamManager(nc: NatsConnection): Promise<JetStreamManager> {
  try {
    return await nc.jetstreamManager();
  } catch (error) {
    if (error instanceof NatsError && error.code === '503') {
      throw new TransportError(
        'NATS_NO_JETSTREAM',
        `the NATS server at ${nc.getServer()} does not have JetStream enabled: start it with -js (or a jetstream {} block in its config), ` +
          'or give this account JetStream limits',
        { cause: error },
      );
    }
    throw new TransportError('NATS_UNREACHABLE', `the JetStream API at ${nc.getServer()} did not answer: ${String(error)}`, { cause: error });
  }
}

async function ensureStream(jsm: JetStreamManager, config: Parameters<JetStreamManager['streams']['add']>[0]): Promise<void> {
  try {
    await jsm.streams.info(config.name as string);
    return;
  } catch (error) {
    if (jsErrCode(error) !== JS_ERR.streamNotFound) throw error;
  }
  try {
    await jsm.streams.add(config);
  } catch (error) {
    // Another process created it between our two calls: fine, as long as it exists now.
    await jsm.streams.info(config.name as string).catch(() => Promise.reject(error));
  }
}

async function ensureWorkersConsumer(jsm: JetStreamManager, options: WorkQueueOptions & { update?: boolean }): Promise<number> {
  const wanted: Partial<ConsumerConfig> = {
    durable_name: NAMES.workersConsumer,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(options.ackWaitMs ?? DEFAULT_ACK_WAIT_MS),
    // Unlimited here: the host that receives a delivery past the trial's maxAttempts reports it
    // abandoned and acks it. A server-side limit would leave the message stuck in the stream, where
    // it blocks a later resubmission.
    max_deliver: -1,
    max_ack_pending: options.maxInFlight ?? 1024,
    filter_subject: TRIALS_SUBJECTS,
  };
  let existing: ConsumerConfig | undefined;
  try {
    existing = (await jsm.consumers.info(NAMES.trialsStream, NAMES.workersConsumer)).config;
  } catch (error) {
    if (jsErrCode(error) !== JS_ERR.consumerNotFound) throw error;
  }
  if (!existing) {
    try {
      return msOf((await jsm.consumers.add(NAMES.trialsStream, wanted)).config.ack_wait);
    } catch (error) {
      existing = (await jsm.consumers.info(NAMES.trialsStream, NAMES.workersConsumer).catch(() => Promise.reject(error))).config;
    }
  }
  const differs = options.ackWaitMs !== undefined && existing.ack_wait !== wanted.ack_wait;
  const differsInFlight = options.maxInFlight !== undefined && existing.max_ack_pending !== wanted.max_ack_pending;
  if (options.update && (differs || differsInFlight)) {
    const updated = await jsm.consumers.update(NAMES.trialsStream, NAMES.workersConsumer, {
      ack_wait: differs ? wanted.ack_wait : existing.ack_wait,
      max_ack_pending: differsInFlight ? wanted.max_ack_pending : existing.max_ack_pending,
    });
    return msOf(updated.config.ack_wait);
  }
  return msOf(existing.ack_wait);
}

function msOf(nanoseconds: number | undefined): number {
  return Math.round((nanoseconds ?? nanos(DEFAULT_ACK_WAIT_MS)) / 1e6);
}
