import { type JetStreamClient, type NatsConnection } from 'nats';
import { TransportError } from '../errors.js';
import { encodeReport } from './nats-codec.js';
import { reportSubject, sweepReportSubject } from './nats-names.js';
import { JS_ERR, jsErrCode } from './nats-topology.js';
import type { WorkerReport } from './trial-queue.js';

export interface DurablePublishOptions {
  /** Deduplication id (`Nats-Msg-Id`): a retry after an unanswered publish is not stored twice. */
  msgId?: string;
  /** How long to keep retrying while the server is away (restarting, unreachable). @default 300000 */
  retryMs?: number;
  /** Told once per retried message, with why. */
  onRetry?: (why: string) => void;
}

export type PublishResult = 'stored' | 'already-there';

/**
 * Publishes to a stream and resolves once the server acknowledged it (the message is on disk).
 * A server restart is routine, so failures are retried with backoff until `retryMs` has passed;
 * the connection reconnects by itself meanwhile. A subject that already holds its one message (the
 * trials stream's `discard_new_per_subject`) resolves as 'already-there'.
 */
export async function publishDurably(
  nc: NatsConnection,
  js: JetStreamClient,
  subject: string,
  data: Uint8Array,
  options: DurablePublishOptions = {},
): Promise<PublishResult> {
  const deadline = Date.now() + (options.retryMs ?? 300_000);
  let told = false;
  for (let delayMs = 200; ; delayMs = Math.min(delayMs * 2, 3_000)) {
    try {
      await js.publish(subject, data, { ...(options.msgId ? { msgID: options.msgId } : {}), timeout: 5_000 });
      return 'stored';
    } catch (error) {
      if (jsErrCode(error) === JS_ERR.subjectFull) return 'already-there';
      if (nc.isClosed() || Date.now() + delayMs > deadline) {
        throw new TransportError('NATS_PUBLISH_FAILED', `could not publish to ${subject}: ${errorText(error)} (the NATS server stayed unreachable)`, { cause: error });
      }
      if (!told) options.onRetry?.(`publishing to ${subject} failed (${errorText(error)}); retrying until the server answers`);
      told = true;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

/** A report onto the reports stream, under its trial's subject (or the sweep's, for a cancel request). */
export async function publishReport(
  nc: NatsConnection,
  js: JetStreamClient,
  report: Exclude<WorkerReport, { type: 'heartbeat' }>,
  options: Omit<DurablePublishOptions, 'msgId'> = {},
): Promise<void> {
  const subject = report.type === 'cancel-requested' ? sweepReportSubject(report.sweepId) : reportSubject(report.sweepId, report.trialId);
  await publishDurably(nc, js, subject, encodeReport(report), { ...options, msgId: reportMsgId(report) });
}

/** One id per report, so a publish retried after a lost answer is stored once. */
function reportMsgId(report: Exclude<WorkerReport, { type: 'heartbeat' }>): string {
  switch (report.type) {
    case 'epoch':
      return `${report.sweepId}/${report.trialId}/${report.attempt}/epoch/${report.metrics.epoch}`;
    case 'cancel-requested':
      return `${report.sweepId}/cancel/${report.atMs}`;
    default:
      return `${report.sweepId}/${report.trialId}/${report.attempt}/${report.type}`;
  }
}

export function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code !== error.message ? `${code}: ${error.message}` : error.message;
}
