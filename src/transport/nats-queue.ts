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
  try {
    kv = await nc.jetstream().views.kv(NAMES.workersBucket, { bindOnly: true });
  } catch {
    return [];
  }
  const workers: WorkerInfo[] = [];
  for await (const key of await kv.keys()) {
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
