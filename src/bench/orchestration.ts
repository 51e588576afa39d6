import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SweepController } from '../orchestrator/controller.js';
import { openSqliteStore, type SweepStore } from '../store/index.js';
import { WorkerHost } from '../trainer/host.js';
import type { TrialRunner } from '../trainer/pool.js';
import type { SharedDataset } from '../trainer/task-input.js';
import { createMemoryQueue } from '../transport/memory-queue.js';
import { closeNats, connectNats, NatsDispatcher, NatsTrialSource, type NatsConnection } from '../transport/nats-queue.js';
import type { TrainConfig, TrialSpec } from '../transport/protocol.js';
import type { TrialDispatcher, TrialSource } from '../transport/trial-queue.js';
import type { BenchOptions, BenchSuite } from './suite.js';
import { TRAIN_DEFAULTS } from '../orchestrator/spec-defaults.js';

/**
 * Orchestration overhead: what sweep itself costs per trial when training costs nothing. A no-op
 * runner reports `started`, one epoch and `finished` for each trial; everything else is the real
 * thing (controller, SQLite store in WAL mode, worker hosts, the in-process queue or JetStream on a
 * nats-server this suite starts). Two figures per setup:
 *
 * - throughput: a sweep of N trials queued at once, trials/s from the controller's start to its end;
 * - latency: trials dispatched one by one at a fixed rate well under that throughput, time from a
 *   trial's dispatch to its result being in the store (p50, p99).
 *
 * Worker hosts run in this process, each with its own NATS connection, so they compete with the
 * orchestrator for one event loop: separate machines would do at least as well.
 */

export interface OrchestrationRow {
  queue: 'memory' | 'nats';
  workers: number;
  trials: number;
  trialsPerSecond: number;
  latency: { ratePerSecond: number; trials: number; p50Ms: number; p99Ms: number; maxMs: number };
}

export interface OrchestrationResult {
  slotsPerWorker: number;
  rows: OrchestrationRow[];
  /** Why the NATS rows are missing, when they are. */
  natsUnavailable?: string;
}

const SLOTS_PER_WORKER = 64;
const SWEEP_ID_PREFIX = 'bench';

export const orchestrationSuite: BenchSuite<OrchestrationResult> = {
  name: 'orchestration',
  run: runOrchestrationBench,
  format: formatOrchestration,
};

export async function runOrchestrationBench(options: Pick<BenchOptions, 'quick' | 'log'>): Promise<OrchestrationResult> {
  const sizes = options.quick ? { trials: 500, latencyTrials: 200, rate: 200 } : { trials: 3_000, latencyTrials: 1_000, rate: 250 };
  const rows: OrchestrationRow[] = [];
  options.log(`  embedded: ${sizes.trials} no-op trials, then ${sizes.latencyTrials} at ${sizes.rate}/s`);
  rows.push(await measure('memory', 1, sizes, memorySetup));
  let natsUnavailable: string | undefined;
  let server: NatsServerProcess | undefined;
  try {
    server = await NatsServerProcess.start();
  } catch (error) {
    natsUnavailable = error instanceof Error ? error.message : String(error);
    options.log(`  nats: skipped (${natsUnavailable})`);
  }
  if (server) {
    try {
      for (const workers of [1, 4]) {
        options.log(`  nats, ${workers} worker host${workers === 1 ? '' : 's'}: ${sizes.trials} no-op trials, then ${sizes.latencyTrials} at ${sizes.rate}/s`);
        rows.push(await measure('nats', workers, sizes, natsSetup(server.url)));
      }
    } finally {
      await server.stop();
    }
  }
  return { slotsPerWorker: SLOTS_PER_WORKER, rows, ...(natsUnavailable ? { natsUnavailable } : {}) };
}

interface Setup {
  dispatcher: TrialDispatcher;
  sources: TrialSource[];
  close(): Promise<void>;
}

type SetupFactory = (sweepId: string, workers: number) => Promise<Setup>;

async function memorySetup(): Promise<Setup> {
  const queue = createMemoryQueue();
  return { dispatcher: queue.dispatcher, sources: [queue.source], close: () => queue.dispatcher.close() };
}

function natsSetup(url: string): SetupFactory {
  return async (sweepId, workers) => {
    const connections: NatsConnection[] = [];
    const connect = async (): Promise<NatsConnection> => {
      const nc = await connectNats({ servers: url });
      connections.push(nc);
      return nc;
    };
    const dispatcher = await NatsDispatcher.open(await connect(), { sweepId, maxInFlight: 4_096 });
    const sources: TrialSource[] = [];
    for (let i = 0; i < workers; i++) sources.push(await NatsTrialSource.open(await connect(), { pollMs: 1_000 }));
    return {
      dispatcher,
      sources,
      close: async () => {
        await dispatcher.retire();
        for (const s of sources) await s.close();
        for (const nc of connections) await closeNats(nc);
      },
    };
  };
}

async function measure(queue: 'memory' | 'nats', workers: number, sizes: { trials: number; latencyTrials: number; rate: number }, setup: SetupFactory): Promise<OrchestrationRow> {
  const dir = mkdtempSync(join(tmpdir(), 'sweep-bench-'));
  const store = openSqliteStore(join(dir, 'bench.db'));
  try {
    const throughputId = addSweep(store, `${SWEEP_ID_PREFIX}-${queue}-${workers}`, sizes.trials);
    const startedMs = performance.now();
    await runSweep(store, throughputId, workers, setup);
    const trialsPerSecond = sizes.trials / ((performance.now() - startedMs) / 1000);

    const latencyId = addSweep(store, `${SWEEP_ID_PREFIX}-${queue}-${workers}-paced`, sizes.latencyTrials);
    const latencies = await runSweep(store, latencyId, workers, setup, sizes.rate);
    const sorted = [...latencies].sort((a, b) => a - b);
    const pct = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
    return {
      queue,
      workers,
      trials: sizes.trials,
      trialsPerSecond: Math.round(trialsPerSecond),
      latency: { ratePerSecond: sizes.rate, trials: sorted.length, p50Ms: round(pct(50)), p99Ms: round(pct(99)), maxMs: round(sorted.at(-1) ?? Number.NaN) },
    };
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs a sweep to its end; with `rate`, dispatches one trial at a time and returns each one's dispatch-to-stored time. */
async function runSweep(store: SweepStore, sweepId: string, workers: number, setup: SetupFactory, rate?: number): Promise<number[]> {
  const { dispatcher, sources, close } = await setup(sweepId, workers);
  const dispatchedAt = new Map<string, number>();
  const latencies: number[] = [];
  const paced = rate ? pacedDispatcher(dispatcher, rate, dispatchedAt) : dispatcher;
  const hosts = sources.map(
    (source, i) => new WorkerHost({ source, pool: noopRunner(), datasets: async () => DATASET, workerId: `bench-${i}`, leaseRenewMs: 10_000 }),
  );
  const stop = new AbortController();
  const running = hosts.map((h) => h.run(stop.signal));
  const controller = new SweepController({
    store,
    dispatcher: paced,
    datasets: new Map([['fashion-mnist', DATASET.identity]]),
    onEvent: (event) => {
      if (event.type !== 'trial-finished') return;
      const sent = dispatchedAt.get(event.trial.trialId);
      if (sent !== undefined) latencies.push(performance.now() - sent);
    },
  });
  await controller.run(sweepId);
  stop.abort();
  await close();
  await Promise.all(running);
  return latencies;
}

/** Hands trials to the real dispatcher one at a time at `rate` per second, noting when each went. */
function pacedDispatcher(inner: TrialDispatcher, rate: number, dispatchedAt: Map<string, number>): TrialDispatcher {
  return {
    ...(inner.backlog ? { backlog: () => inner.backlog!() } : {}),
    reports: () => inner.reports(),
    cancel: (sweepId) => inner.cancel(sweepId),
    close: () => inner.close(),
    // Resolves at once so the controller listens for reports while the trials trickle out.
    async submit(trials: readonly TrialSpec[]) {
      void (async () => {
        const startMs = performance.now();
        for (const [i, trial] of trials.entries()) {
          const dueMs = startMs + (i * 1000) / rate;
          const waitMs = dueMs - performance.now();
          if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
          dispatchedAt.set(trial.trialId, performance.now());
          await inner.submit([trial]);
        }
      })();
    },
  };
}

function noopRunner(): TrialRunner {
  return {
    threads: SLOTS_PER_WORKER,
    async run(_trial, _dataset, hooks = {}) {
      hooks.onEpoch?.({ epoch: 1, loss: 1, accuracy: 0.5, val_loss: 1, val_accuracy: 0.5, seconds: 0, samples_per_second: 0 });
      return { status: 'completed', epochs: 1, backend: 'cpu', bestEpoch: 1, error: null };
    },
  };
}

const CONFIG: TrainConfig = { ...TRAIN_DEFAULTS, train_size: 1000, epochs: 1, batch_size: 32 };

/** No trial reads it: the no-op runner never trains. */
const DATASET: SharedDataset = {
  identity: { name: 'fashion-mnist', checksum: 'bench' },
  rows: 28,
  cols: 28,
  classes: 10,
  train: { images: new SharedArrayBuffer(784), labels: new SharedArrayBuffer(1), count: 1 },
  test: { images: new SharedArrayBuffer(784), labels: new SharedArrayBuffer(1), count: 1 },
};

function addSweep(store: SweepStore, name: string, trials: number): string {
  const sweep = store.createSweep({
    name,
    method: 'grid',
    metric: { name: 'val_loss', goal: 'minimize' },
    specHash: name,
    sourceText: '',
    sourcePath: 'bench',
    spec: {},
    createdAtMs: Date.now(),
  });
  store.addTrials(
    sweep.id,
    Array.from({ length: trials }, (_, i) => ({ trialId: `t${String(i).padStart(6, '0')}`, study: 'bench', position: i, config: { ...CONFIG, seed: i }, varied: ['seed'] })),
  );
  return sweep.id;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

export function formatOrchestration(result: OrchestrationResult): string {
  const lines = [
    `orchestration overhead: no-op trials (started, one epoch, finished), SQLite store, ${result.slotsPerWorker} slots per worker host`,
    'queue     worker hosts  trials  trials/s  | paced at  p50 ms  p99 ms  max ms',
  ];
  for (const r of result.rows) {
    lines.push(
      `${r.queue.padEnd(8)}  ${String(r.workers).padStart(12)}  ${String(r.trials).padStart(6)}  ${String(r.trialsPerSecond).padStart(8)}  | ` +
        `${`${r.latency.ratePerSecond}/s`.padStart(8)}  ${r.latency.p50Ms.toFixed(1).padStart(6)}  ${r.latency.p99Ms.toFixed(1).padStart(6)}  ${r.latency.maxMs.toFixed(1).padStart(6)}`,
    );
  }
  if (result.natsUnavailable) lines.push(`nats: not measured (${result.natsUnavailable})`);
  return lines.join('\n');
}

/** A throwaway JetStream server for the NATS rows. */
class NatsServerProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    private readonly dir: string,
  ) {}

  static async start(): Promise<NatsServerProcess> {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'sweep-bench-nats-'));
    const args = ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir];
    const child = await spawnFirst(['nats-server', '/usr/sbin/nats-server', '/usr/local/bin/nats-server'], args);
    await new Promise<void>((resolve, reject) => {
      let log = '';
      const timer = setTimeout(() => reject(new Error(`nats-server did not start: ${log}`)), 10_000);
      const onData = (chunk: Buffer): void => {
        log += chunk.toString();
        if (log.includes('Server is ready')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stderr?.on('data', onData);
      child.stdout?.on('data', onData);
      child.once('exit', (code) => reject(new Error(`nats-server exited with ${code}: ${log}`)));
    });
    return new NatsServerProcess(child, `nats://127.0.0.1:${port}`, dir);
  }

  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    await exited;
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Spawns the first of `commands` that exists (PATH first, then the usual install places). */
async function spawnFirst(commands: readonly string[], args: string[]): Promise<ChildProcess> {
  for (const command of commands) {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const ok = await new Promise<boolean>((resolve) => {
      child.once('spawn', () => resolve(true));
      child.once('error', () => resolve(false));
    });
    if (ok) return child;
  }
  throw new Error('nats-server is not installed (apt-get install nats-server)');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}

// `node dist/bench/orchestration.js [--quick]`: this suite alone.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const quick = process.argv.includes('--quick');
  runOrchestrationBench({ quick, log: (line) => process.stderr.write(`${line}\n`) })
    .then((result) => process.stdout.write(`${formatOrchestration(result)}\n`))
    .catch((error: unknown) => {
      process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    });
}
