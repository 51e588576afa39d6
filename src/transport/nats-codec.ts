import { z } from 'zod';
import { TransportError } from '../errors.js';
import { PROTOCOL_VERSION, type TrialSpec } from './protocol.js';
import type { WorkerInfo, WorkerReport } from './trial-queue.js';

/**
 * Messages as bytes on NATS: JSON with the protocol version beside the payload, `{"v":1,...}`.
 * Decoding validates every field, so a message from a stranger, an older or newer sweep, or a
 * truncated write is rejected with a TransportError (code MALFORMED_MESSAGE or
 * UNSUPPORTED_PROTOCOL) that names the first bad field, and never reaches the controller or a
 * trainer half-formed.
 */

const id = z.string().min(1);
const attempt = z.number().int().positive();
const ms = z.number().finite().nonnegative();
// JSON has no NaN or Infinity: JSON.stringify writes them as null, so null reads back as NaN.
const metric = z
  .number()
  .nullable()
  .transform((v) => v ?? Number.NaN);

const optimizer = z.object({
  name: z.enum(['sgd', 'momentum', 'adagrad', 'adadelta', 'rmsprop', 'adam', 'nadam']),
  learning_rate: z.number().positive(),
  momentum: z.number().optional(),
  nesterov: z.boolean().optional(),
  rho: z.number().optional(),
  beta_1: z.number().optional(),
  beta_2: z.number().optional(),
  epsilon: z.number().optional(),
  initial_accumulator_value: z.number().optional(),
  schedule_decay: z.number().optional(),
});

const trainConfig = z.object({
  dataset: z.enum(['fashion-mnist', 'mnist']),
  train_size: z.number().int().positive().nullable(),
  epochs: z.number().int().positive(),
  batch_size: z.number().int().positive(),
  hidden_layers: z.number().int().nonnegative(),
  units: z.number().int().positive(),
  activation: z.enum(['relu', 'sigmoid', 'tanh']),
  optimizer,
  initializer: z.object({
    name: z.enum(['glorot_uniform', 'glorot_normal', 'he_uniform', 'he_normal', 'random_normal']),
    mean: z.number().optional(),
    stddev: z.number().optional(),
  }),
  batch_norm: z.boolean(),
  weight_decay: z.number().nonnegative(),
  dropout: z.number().min(0).max(1),
  early_stopping: z
    .object({
      monitor: z.enum(['loss', 'accuracy', 'val_loss', 'val_accuracy']),
      patience: z.number().int().nonnegative(),
      min_delta: z.number(),
      mode: z.enum(['auto', 'min', 'max']),
      restore_best_weights: z.boolean(),
    })
    .nullable(),
  seed: z.number().int(),
});

const trialSpec = z.object({
  trialId: id,
  sweepId: id,
  study: z.string(),
  config: trainConfig,
  attempt,
  dataset: z.object({ name: z.enum(['fashion-mnist', 'mnist']), checksum: z.string() }),
  backend: z.enum(['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']),
  maxAttempts: z.number().int().positive().optional(),
});

const epochMetrics = z.object({
  epoch: z.number().int().positive(),
  loss: metric,
  accuracy: metric,
  val_loss: metric,
  val_accuracy: metric,
  seconds: metric,
  samples_per_second: metric,
});

const wireError = z.object({ name: z.string(), code: z.string(), message: z.string() });

const outcome = z.object({
  status: z.enum(['completed', 'stopped_early', 'diverged', 'failed', 'cancelled']),
  epochs: z.number().int().nonnegative(),
  backend: z.enum(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']).nullable(),
  bestEpoch: z.number().int().positive().nullable(),
  error: wireError.nullable(),
});

const workerInfo = z.object({
  id,
  host: z.string(),
  pid: z.number().int().nonnegative(),
  backend: z.string(),
  gpus: z.array(z.string()),
  slots: z.number().int().nonnegative(),
  running: z.array(z.string()),
  atMs: ms,
});

const trialIds = { sweepId: id, trialId: id, attempt };

const workerReport = z.discriminatedUnion('type', [
  z.object({ type: z.literal('started'), ...trialIds, worker: id, atMs: ms }),
  z.object({ type: z.literal('backend'), ...trialIds, backend: z.string() }),
  z.object({ type: z.literal('epoch'), ...trialIds, metrics: epochMetrics }),
  z.object({ type: z.literal('finished'), ...trialIds, outcome, atMs: ms }),
  z.object({ type: z.literal('heartbeat'), worker: workerInfo }),
  z.object({ type: z.literal('abandoned'), ...trialIds, reason: z.string(), atMs: ms }),
  z.object({ type: z.literal('cancel-requested'), sweepId: id, withdrawn: z.array(id), atMs: ms }),
]);

const envelope = z.object({ v: z.number().int() });

export function encodeTrial(spec: TrialSpec): Uint8Array {
  return encode(spec);
}

export function encodeReport(report: WorkerReport): Uint8Array {
  return encode(report);
}

export function encodeWorker(worker: WorkerInfo): Uint8Array {
  return encode(worker);
}

export function decodeTrial(bytes: Uint8Array, subject: string): TrialSpec {
  return decode(bytes, subject, 'trial', trialSpec) as TrialSpec;
}

export function decodeReport(bytes: Uint8Array, subject: string): WorkerReport {
  return decode(bytes, subject, 'report', workerReport) as WorkerReport;
}

export function decodeWorker(bytes: Uint8Array, subject: string): WorkerInfo {
  return decode(bytes, subject, 'heartbeat', workerInfo);
}

function encode(payload: object): Uint8Array {
  return Buffer.from(JSON.stringify({ v: PROTOCOL_VERSION, ...payload }));
}

function decode<T>(bytes: Uint8Array, subject: string, what: string, schema: z.ZodType<T>): T {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw malformed(subject, what, `it is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const head = envelope.safeParse(json);
  if (!head.success) throw malformed(subject, what, 'it has no protocol version (field v)');
  if (head.data.v !== PROTOCOL_VERSION) {
    throw new TransportError(
      'UNSUPPORTED_PROTOCOL',
      `a ${what} on ${subject} uses sweep protocol v${head.data.v}, this sweep speaks v${PROTOCOL_VERSION}: run the same sweep version on every host`,
    );
  }
  const body = schema.safeParse(json);
  if (!body.success) {
    const issue = body.error.issues[0];
    const path = issue && issue.path.length > 0 ? issue.path.join('.') : '(root)';
    throw malformed(subject, what, `${path}: ${issue?.message ?? 'invalid'}`);
  }
  return body.data;
}

function malformed(subject: string, what: string, why: string): TransportError {
  return new TransportError('MALFORMED_MESSAGE', `ignored a malformed ${what} on ${subject}: ${why}`);
}
