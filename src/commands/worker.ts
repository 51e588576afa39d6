import { spawn } from 'node:child_process';
import { availableParallelism, hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../errors.js';
import { loadDataset } from '../trainer/dataset.js';
import { WorkerHost } from '../trainer/host.js';
import { TrialPool, type TrialRunner } from '../trainer/pool.js';
import type { SharedDataset } from '../trainer/task-input.js';
import { closeNats, connectNats, NatsTrialSource, redactUrl } from '../transport/nats-queue.js';
import type { BackendPreference, DatasetName } from '../transport/protocol.js';
import type { TrialSource } from '../transport/trial-queue.js';
import { HELP_OPTION, stringOption, type Command, type CommandContext } from './context.js';
import { NATS_OPTIONS, NATS_USAGE, parseDuration, parsePositiveInt, requireNatsOptions } from './nats-options.js';
import { parseBackend } from './run.js';

const SWEEP_BIN = fileURLToPath(new URL('../../bin/sweep.js', import.meta.url));

const OPTIONS = {
  ...HELP_OPTION,
  threads: { type: 'string', short: 't' },
  gpus: { type: 'string' },
  /** Internal: the per-GPU child process that `--gpus` starts. */
  gpu: { type: 'string' },
  backend: { type: 'string' },
  'data-dir': { type: 'string' },
  id: { type: 'string' },
  heartbeat: { type: 'string' },
  poll: { type: 'string' },
  ...NATS_OPTIONS,
} as const;

export const workerCommand: Command = {
  usage: `Usage: sweep worker [options]

Trains the trials that \`sweep run FILE --nats URL\` queues, on this machine, until stopped. Start one
on every machine that should train. Ctrl-C (or SIGTERM) stops taking trials and lets the running
ones finish; a second Ctrl-C hands them back to the queue at once for another worker.

Options:
  -t, --threads N      trials at once, one worker thread each (default: the cores here, ${availableParallelism()};
                       1 with a native backend, which cannot share a process)
      --gpus LIST      one worker process per GPU, e.g. --gpus 0,1: each sees only its GPU
                       (CUDA_VISIBLE_DEVICES) and trains with tensorflow-gpu unless --backend says otherwise
      --backend NAME   for trials that leave the choice to the worker (auto): auto | tensorflow-gpu |
                       tensorflow | wasm | cpu (default: auto)
      --data-dir DIR   dataset files (default: $SWEEP_DATA_DIR, the bundled copy, ~/.keras/datasets);
                       a trial whose dataset differs from the orchestrator's is refused
      --id NAME        this worker's name in heartbeats and the store (default: HOST:PID)
      --heartbeat DUR  how often it announces itself (default 5s)
      --poll DUR       longest wait of one request for trials; bounds how long stopping takes (default 5s)
  -h, --help           show this help

${NATS_USAGE}`,
  options: OPTIONS,
  run: runWorker,
};

async function runWorker(context: CommandContext): Promise<number> {
  if (context.positionals.length > 0) throw new UsageError('EXTRA_ARGUMENT', `sweep worker takes no arguments (got ${context.positionals.join(' ')})`);
  const nats = requireNatsOptions(context, 'worker');
  const gpus = parseGpus(stringOption(context, 'gpus'));
  if (gpus.length > 0) return superviseGpuWorkers(gpus, context);

  const gpu = stringOption(context, 'gpu');
  const backendFlag = stringOption(context, 'backend');
  const backend = backendFlag !== undefined ? parseBackend(backendFlag) : gpu !== undefined ? 'tensorflow-gpu' : 'auto';
  const native = backend === 'tensorflow' || backend === 'tensorflow-gpu';
  const threads = parsePositiveInt('threads', stringOption(context, 'threads'), native ? 1 : availableParallelism());
  if (native && threads > 1) {
    throw new UsageError(
      'BAD_OPTION',
      `--threads ${threads} with backend ${backend}: tfjs-node keeps process-wide native state and fails when a second worker thread ` +
        'loads it (tensorflow/tfjs#8388). Run one worker process per GPU (--gpus 0,1) or use --backend wasm',
    );
  }
  const workerId = stringOption(context, 'id') ?? `${hostname()}:${process.pid}`;
  const heartbeatMs = parseDuration('heartbeat', stringOption(context, 'heartbeat'), 5_000);
  const pollMs = parseDuration('poll', stringOption(context, 'poll'), 5_000);
  const dataDir = stringOption(context, 'data-dir') ?? context.env.dataDir;

  const nc = await connectNats({ ...nats, name: `sweep worker ${workerId}` });
  const pool = new TrialPool({ threads });
  try {
    const source = await NatsTrialSource.open(nc, { pollMs, onWarning: (message) => context.err(`warning: ${message}`) });
    const host = new WorkerHost({
      source: announcing(source, context),
      pool: withDefaultBackend(pool, backend),
      datasets: datasetLoader(dataDir, context),
      workerId,
      backend,
      gpus: gpu !== undefined ? [gpu] : [],
      heartbeatMs,
      // Well inside the ack wait, so one late renewal never costs the lease.
      leaseRenewMs: Math.max(250, Math.min(5_000, Math.floor(source.ackWaitMs / 3))),
    });
    const stop = new AbortController();
    const onSignal = (): void => {
      if (!stop.signal.aborted) {
        context.err(`worker ${workerId}: stopping; running trials finish first (Ctrl-C again to hand them back now)`);
        stop.abort();
        return;
      }
      context.err(`worker ${workerId}: handing running trials back to the queue`);
      void host.releaseAll();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    context.out(
      `worker ${workerId}: ${threads} slot${threads === 1 ? '' : 's'}, backend ${backend}${gpu !== undefined ? `, GPU ${gpu}` : ''}, ` +
        `connected to ${redactUrl(nc.getServer())}; waiting for trials`,
    );
    try {
      await host.run(stop.signal);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await source.close();
    }
    context.out(`worker ${workerId}: stopped`);
    return 0;
  } finally {
    await pool.close({ force: true });
    await closeNats(nc);
  }
}

/** Trials that ask for `auto` get the worker's backend; an explicit choice in the trial stands. */
function withDefaultBackend(pool: TrialPool, backend: BackendPreference): TrialRunner {
  if (backend === 'auto') return pool;
  return { threads: pool.threads, run: (trial, dataset, hooks) => pool.run(trial.backend === 'auto' ? { ...trial, backend } : trial, dataset, hooks) };
}

/** Each dataset is loaded once, on the first trial that needs it; a failed load is retried later. */
function datasetLoader(dataDir: string | undefined, context: CommandContext): (name: DatasetName) => Promise<SharedDataset> {
  const loaded = new Map<DatasetName, Promise<SharedDataset>>();
  return (name) => {
    let dataset = loaded.get(name);
    if (!dataset) {
      dataset = loadDataset({ name, ...(dataDir ? { dataDir } : {}), onProgress: (message) => context.err(message) });
      loaded.set(name, dataset);
      dataset.catch(() => loaded.delete(name));
    }
    return dataset;
  };
}

/** A line per trial start and end, for whoever watches this worker's log. */
function announcing(source: TrialSource, context: CommandContext): TrialSource {
  return {
    take: (max, signal) => source.take(max, signal),
    publish: async (report) => {
      await source.publish(report);
      if (report.type === 'started') context.out(`start  ${report.sweepId}/${report.trialId} (attempt ${report.attempt})`);
      if (report.type === 'finished') {
        const { status, epochs, error } = report.outcome;
        context.out(`end    ${report.sweepId}/${report.trialId} ${status} after ${epochs} epoch${epochs === 1 ? '' : 's'}${error ? `: ${error.message}` : ''}`);
      }
    },
    onCancel: (listener) =>
      source.onCancel((sweepId) => {
        context.out(`cancel ${sweepId}: stopping its running trials`);
        listener(sweepId);
      }),
    close: () => source.close(),
  };
}

/**
 * `--gpus 0,1`: one child process per GPU, each seeing only its own (CUDA_VISIBLE_DEVICES), with
 * the same options otherwise. Signals are passed on; returns when every child has exited.
 */
async function superviseGpuWorkers(gpus: string[], context: CommandContext): Promise<number> {
  const forwarded = Object.entries(context.values).flatMap(([name, value]) =>
    ['gpus', 'help', 'id'].includes(name) || typeof value !== 'string' ? [] : [`--${name}`, value],
  );
  const id = stringOption(context, 'id');
  const children = gpus.map((gpu) =>
    spawn(process.execPath, [SWEEP_BIN, 'worker', ...forwarded, ...(id ? ['--id', `${id}-gpu${gpu}`] : []), '--gpu', gpu], {
      env: { ...process.env, CUDA_VISIBLE_DEVICES: gpu },
      stdio: 'inherit',
    }),
  );
  // Ctrl-C reaches the children directly (same process group); SIGTERM is sent to one pid.
  const onInt = (): void => undefined;
  const onTerm = (): void => children.forEach((child) => child.kill('SIGTERM'));
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  context.out(`started ${children.length} worker processes, one per GPU (${gpus.join(', ')})`);
  try {
    const codes = await Promise.all(children.map((child) => new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)))));
    return Math.max(...codes);
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
}

function parseGpus(text: string | undefined): string[] {
  if (text === undefined) return [];
  const gpus = text.split(',').map((g) => g.trim());
  if (gpus.some((g) => !/^\d+$/.test(g)) || new Set(gpus).size !== gpus.length) {
    throw new UsageError('BAD_OPTION', `--gpus must list distinct GPU indexes, e.g. --gpus 0,1 (got '${text}')`);
  }
  return gpus;
}
