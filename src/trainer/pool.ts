import { MessageChannel } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { TrainerError } from '../errors.js';
import type { BackendName, EpochMetrics, TrialOutcome, TrialSpec } from '../transport/protocol.js';
import { CONTROL_STOP, type SharedDataset, type TaskInput, type TaskMessage } from './task-input.js';

export interface TrialPoolOptions {
  /** Worker threads, one trial each. @default os.availableParallelism() */
  threads?: number;
  /** Compiled task module; tests may point elsewhere. @default dist/trainer/task/worker.js */
  workerFile?: string;
}

export interface RunHooks {
  signal?: AbortSignal;
  onBackend?(backend: BackendName): void;
  onEpoch?(metrics: EpochMetrics): void;
}

/**
 * What a worker host needs from whatever runs its trials: the thread pool in production, a scripted
 * or no-op runner in tests and the orchestration benchmark.
 */
export interface TrialRunner {
  /** Trials it can run at once. */
  readonly threads: number;
  run(trial: TrialSpec, dataset: SharedDataset, hooks?: RunHooks): Promise<TrialOutcome>;
}

/** How long to wait for epoch messages still in flight after the task settled. */
const LATE_MESSAGE_GRACE_MS = 5_000;

/**
 * Runs trials on worker threads, one trial per thread at a time. Epoch metrics arrive through a
 * MessagePort per task as each epoch ends; cancellation goes the other way through a shared flag
 * the training loop reads between batches (a message would wait until the synchronous loop ended).
 */
export class TrialPool implements TrialRunner {
  readonly threads: number;
  private readonly piscina: Piscina<TaskInput, TrialOutcome>;

  constructor(options: TrialPoolOptions = {}) {
    this.threads = options.threads ?? availableParallelism();
    const filename = options.workerFile ?? defaultWorkerFile();
    if (!existsSync(filename)) {
      throw new TrainerError('WORKER_NOT_BUILT', `the trainer's compiled worker is missing (${filename}); run \`npm run build\``);
    }
    this.piscina = new Piscina({
      filename,
      minThreads: 0,
      maxThreads: this.threads,
      concurrentTasksPerWorker: 1,
      // Threads stay warm between trials: loading the wasm backend costs about a second.
      idleTimeout: 60_000,
    });
  }

  /**
   * Runs one attempt to its end. Resolves with the outcome (a failed trial is an outcome, not a
   * rejection) once every reported epoch has been passed to `onEpoch`.
   */
  async run(trial: TrialSpec, dataset: SharedDataset, hooks: RunHooks = {}): Promise<TrialOutcome> {
    const { port1, port2 } = new MessageChannel();
    const control = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
    const stop = (): void => {
      Atomics.store(new Int32Array(control), CONTROL_STOP, 1);
    };
    if (hooks.signal?.aborted) stop();
    hooks.signal?.addEventListener('abort', stop, { once: true });

    let epochsSeen = 0;
    let onAllEpochs: (() => void) | undefined;
    port1.on('message', (message: TaskMessage) => {
      if (message.type === 'backend') hooks.onBackend?.(message.backend);
      else {
        epochsSeen += 1;
        hooks.onEpoch?.(message.metrics);
        onAllEpochs?.();
      }
    });

    try {
      const input: TaskInput = { trial, dataset, port: port2, control };
      const outcome = await this.piscina.run(input, { transferList: [port2] });
      // The result and the port's messages travel on different channels: wait for stragglers.
      if (epochsSeen < outcome.epochs) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, LATE_MESSAGE_GRACE_MS);
          onAllEpochs = () => {
            if (epochsSeen >= outcome.epochs) {
              clearTimeout(timer);
              resolve();
            }
          };
        });
      }
      return outcome;
    } catch (error) {
      return crashedOutcome(error, epochsSeen);
    } finally {
      hooks.signal?.removeEventListener('abort', stop);
      port1.close();
    }
  }

  /** Waits for running trials, then stops the threads; `force` abandons running trials. */
  async close(options: { force?: boolean } = {}): Promise<void> {
    await this.piscina.close({ force: options.force ?? false });
  }
}

/** A worker thread that died (out of memory, a native crash) still yields a recorded outcome. */
function crashedOutcome(error: unknown, epochs: number): TrialOutcome {
  const message = error instanceof Error ? error.message : String(error);
  return {
    status: 'failed',
    epochs,
    backend: null,
    bestEpoch: null,
    error: { name: 'TrainerError', code: 'WORKER_CRASHED', message: `the worker thread died: ${message}` },
  };
}

/**
 * The compiled task module beside this file. Under the test runner this module is loaded from
 * src/*.ts while worker threads need JavaScript, so the path is mapped to dist/.
 */
function defaultWorkerFile(): string {
  const url = new URL('./task/worker.js', import.meta.url);
  const path = fileURLToPath(url);
  return import.meta.url.endsWith('.ts') ? path.replace(/([/\\])src([/\\])(?!.*[/\\]src[/\\])/, '$1dist$2') : path;
}
