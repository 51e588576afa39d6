import { type NatsConnection } from 'nats';
import { decodeWorker } from './nats-codec.js';
import { NAMES } from './nats-names.js';
import type { WorkerInfo } from './trial-queue.js';

/**
 * The JetStream implementation of the trial queue (see trial-queue.ts for the contract). Nothing
 * outside src/transport imports the NATS client: commands open a connection and the two ends here.
 *
 * On the server (created on first use, shared by every sweep):
 * - stream SWEEP_TRIALS, work-queue retention, one message per `sweep.trials.<sweep>.<trial>`
 *   (a second publish is refused, which makes submitting idempotent), with the durable pull
 *   consumer `workers` that every worker host shares (explicit acks, ack wait = `--ack-wait`);
 * - stream SWEEP_REPORTS, `sweep.reports.<sweep>.<trial>`, with a durable consumer per sweep for
 *   its orchestrator;
 * - KV buckets `sweep_workers` (heartbeats, 30 s TTL) and `sweep_cancels` (cancelled sweeps).
 */
export type { NatsConnection } from 'nats';
export { connectNats, redactUrl, type NatsClientOptions } from './nats-connection.js';
export { NatsDispatcher, requestCancel, type NatsDispatcherOptions } from './nats-dispatcher.js';
export { NatsTrialSource, DEFAULT_MAX_ATTEMPTS, type NatsSourceOptions } from './nats-source.js';
export { DEFAULT_ACK_WAIT_MS, type WorkQueueOptions } from './nats-topology.js';

/** Worker hosts whose heartbeat has not expired, newest first; [] when none ever ran here. */
export async function listLiveWorkers(nc: NatsConnection): Promise<WorkerInfo[]> {
  let kv;
  let subjects: Record<string, number> | undefined;
  try {
    kv = await nc.jetstream().views.kv(NAMES.workersBucket, { bindOnly: true });
    // The subjects as one server-side snapshot: kv.keys() can miss a key whose heartbeat lands
    // while it iterates (each put replaces the key's previous message).
    const jsm = await nc.jetstreamManager();
    subjects = (await jsm.streams.info(`KV_${NAMES.workersBucket}`, { subjects_filter: `$KV.${NAMES.workersBucket}.>` })).state.subjects;
  } catch {
    return [];
  }
  const workers: WorkerInfo[] = [];
  for (const subject of Object.keys(subjects ?? {})) {
    const key = subject.slice(`$KV.${NAMES.workersBucket}.`.length);
    const entry = await kv.get(key);
    if (entry && entry.operation === 'PUT') workers.push(decodeWorker(entry.value, `${NAMES.workersBucket}.${key}`));
  }
  return workers.sort((a, b) => b.atMs - a.atMs);
}

/** Closes a connection, waiting at most `timeoutMs` for it to flush (bounded shutdown). */
export async function closeNats(nc: NatsConnection, timeoutMs = 5_000): Promise<void> {
  if (nc.isClosed()) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([nc.drain().catch(() => nc.close()), new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
  clearTimeout(timer);
  if (!nc.isClosed()) await nc.close();
}
