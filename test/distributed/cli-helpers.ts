import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { openSqliteStore, type AttemptRecord, type EpochRecord, type TrialRecord } from '../../src/store/index.js';
import { PROJECT_ROOT, SWEEP_BIN } from '../helpers/cli.js';

export const TINY = 'test/fixtures/distributed/tiny.yaml';
export const SLOW = 'test/fixtures/distributed/slow.yaml';

/** A `sweep` process the test can watch, signal and kill. */
export class SweepProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(args: string[], options: { env?: NodeJS.ProcessEnv; netns?: string } = {}) {
    const [command, argv] = options.netns
      ? ['ip', ['netns', 'exec', options.netns, process.execPath, SWEEP_BIN, ...args]]
      : [process.execPath, [SWEEP_BIN, ...args]];
    this.child = spawn(command as string, argv as string[], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve(signal ? null : code)));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }

  /** Stops it gracefully (SIGTERM) and waits, or kills it after `timeoutMs`. */
  async stop(timeoutMs = 15_000): Promise<number | null> {
    this.kill('SIGTERM');
    const timer = setTimeout(() => this.kill('SIGKILL'), timeoutMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }

  async waitForOutput(pattern: RegExp, timeoutMs = 30_000): Promise<void> {
    await until(() => pattern.test(this.stdout + this.stderr), timeoutMs, `output matching ${pattern}\n--- stdout\n${this.stdout}\n--- stderr\n${this.stderr}`);
  }

  /** The result once it exits on its own, failing the test if that takes longer than `timeoutMs`. */
  async result(timeoutMs = 90_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const timer = setTimeout(() => this.kill('SIGKILL'), timeoutMs);
    const code = await this.exited;
    clearTimeout(timer);
    return { code, stdout: this.stdout, stderr: this.stderr };
  }
}

export function startWorker(natsUrl: string, extra: string[] = [], options: { env?: NodeJS.ProcessEnv; netns?: string } = {}): SweepProcess {
  return new SweepProcess(['worker', '--nats', natsUrl, '--threads', '1', '--backend', 'wasm', '--poll', '1s', '--heartbeat', '1s', ...extra], options);
}

export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface StoreSnapshot {
  trials: TrialRecord[];
  epochs: EpochRecord[];
  attempts: AttemptRecord[];
}

/** What the store holds now (read-only; the orchestrator may be writing). Empty before it exists. */
export function snapshot(storePath: string, sweepId: string): StoreSnapshot {
  const empty: StoreSnapshot = { trials: [], epochs: [], attempts: [] };
  if (!existsSync(storePath)) return empty;
  let store;
  try {
    // The orchestrator may be creating it right now (no schema yet).
    store = openSqliteStore(storePath, { readonly: true });
  } catch {
    return empty;
  }
  try {
    if (!store.getSweep(sweepId)) return empty;
    return { trials: store.listTrials(sweepId), epochs: store.listEpochs(sweepId), attempts: store.listAttempts(sweepId) };
  } finally {
    store.close();
  }
}

/** Per trial: id, state, epoch count and the latest attempt's metrics, for comparing two runs. */
export function trialSummary(s: StoreSnapshot) {
  return s.trials.map((t) => ({
    trialId: t.trialId,
    state: t.state,
    epochsDone: t.epochsDone,
    metrics: s.epochs
      .filter((e) => e.trialId === t.trialId && e.attempt === t.attempts)
      .map((e) => [e.epoch, e.loss, e.accuracy, e.val_loss, e.val_accuracy]),
  }));
}
