import { availableParallelism } from 'node:os';
import { UsageError } from '../errors.js';
import { SweepController } from '../orchestrator/controller.js';
import { FINISHED_STATES } from '../orchestrator/domain.js';
import type { SweepEventListener } from '../orchestrator/events.js';
import { expandSweep, type PlannedTrial } from '../orchestrator/expand.js';
import { loadSweepFile, type ResolvedSweep } from '../orchestrator/sweep-spec.js';
import { openSqliteStore, type SweepRecord, type SweepStore } from '../store/index.js';
import { loadDataset } from '../trainer/dataset.js';
import { WorkerHost } from '../trainer/host.js';
import { TrialPool } from '../trainer/pool.js';
import type { SharedDataset } from '../trainer/task-input.js';
import { createMemoryQueue } from '../transport/memory-queue.js';
import type { BackendPreference, DatasetIdentity, DatasetName } from '../transport/protocol.js';
import { createPlainOutput } from '../tui/plain-output.js';
import { HELP_OPTION, STORE_OPTION, storePathOf, stringOption, type Command, type CommandContext } from './context.js';
import { thisProcess } from './process-probe.js';
import { printSweepResults } from './results.js';
import { DISTRIBUTED_RUN_OPTIONS, distributedOptionsOf, distributedRunUsage, runDistributed } from './run-distributed.js';
import { EXIT } from './usage.js';

const BACKENDS: readonly BackendPreference[] = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

export const runCommand: Command = {
  usage: `Usage: sweep run FILE [options]

Runs every trial of a sweep file and stores each epoch's metrics. Running the same file again
resumes its sweep: trials that finished are not rerun.

Options:
  -w, --workers N     worker threads, one trial each (default: ${availableParallelism()}, the cores here)
      --backend NAME  auto | tensorflow-gpu | tensorflow | wasm | cpu (default: auto)
      --store PATH    SQLite database (default: $SWEEP_STORE or store/sweeps.db)
      --data-dir DIR  dataset files (default: $SWEEP_DATA_DIR, the bundled copy, ~/.keras/datasets)
      --fresh         start a new sweep instead of resuming
  -y, --yes           run grids over 10,000 trials
  -v, --verbose       print every epoch (plain output)
      --no-tui        plain lines instead of the live dashboard (always so when stdout is not a terminal)
  -h, --help          show this help

${distributedRunUsage(false)}

Exit codes: 0 every trial ended normally, 1 a trial failed, 2 bad sweep file or options,
130 interrupted (run it again to resume).`,
  options: {
    ...HELP_OPTION,
    ...STORE_OPTION,
    workers: { type: 'string', short: 'w' },
    backend: { type: 'string' },
    'data-dir': { type: 'string' },
    fresh: { type: 'boolean' },
    yes: { type: 'boolean', short: 'y' },
    verbose: { type: 'boolean', short: 'v' },
    'no-tui': { type: 'boolean' },
    ...DISTRIBUTED_RUN_OPTIONS,
  },
  run: runSweepCommand,
};

async function runSweepCommand(context: CommandContext): Promise<number> {
  const file = requireFile(context, 'run');
  const workers = parseWorkers(stringOption(context, 'workers'));
  const backend = parseBackend(stringOption(context, 'backend'));
  const distributed = distributedOptionsOf(context, false);
  const sweep = await loadSweepFile(file);
  for (const key of sweep.ignoredKeys) context.err(`note: ${file}: '${key}' is a W&B setting that sweep ignores`);
  const plan = expandSweep(sweep, { allowLarge: context.values.yes === true });

  const datasets = await loadDatasets(plan, stringOption(context, 'data-dir') ?? context.env.dataDir, context);
  const store = openSqliteStore(storePathOf(context));
  try {
    const record = openOrResume(store, sweep, plan, context);
    const tui = context.isTTY && context.values['no-tui'] !== true;
    if (distributed) return await runDistributed(store, record, identitiesOf(datasets), { ...distributed, backend, verbose: context.values.verbose === true, tui }, context);
    return await runLocally(store, record, datasets, { workers, backend, verbose: context.values.verbose === true, tui }, context);
  } finally {
    store.close();
  }
}

/** Resumes the newest sweep made from the same resolved spec, or creates one. */
function openOrResume(store: SweepStore, sweep: ResolvedSweep, plan: PlannedTrial[], context: CommandContext): SweepRecord {
  const fresh = context.values.fresh === true;
  const resumable = fresh ? undefined : store.findResumable(sweep.name, sweep.specHash);
  if (!fresh && !resumable && store.getSweep(sweep.name)) {
    context.err(`note: ${sweep.sourcePath} changed since sweep ${store.getSweep(sweep.name)?.id} ran; starting a new sweep`);
  }
  const record =
    resumable ??
    store.createSweep({
      name: sweep.name,
      method: sweep.method,
      metric: sweep.metric,
      specHash: sweep.specHash,
      sourceText: sweep.sourceText,
      sourcePath: sweep.sourcePath,
      spec: { name: sweep.name, description: sweep.description, method: sweep.method, metric: sweep.metric, studies: sweep.studies },
      createdAtMs: Date.now(),
    });
  store.addTrials(record.id, plan);
  return record;
}

interface LocalRunOptions {
  workers: number;
  backend: BackendPreference;
  verbose: boolean;
  /** Show the live dashboard instead of plain lines. */
  tui: boolean;
}

/** The embedded run: controller, in-process queue and worker host in this one process. */
async function runLocally(
  store: SweepStore,
  record: SweepRecord,
  datasets: Map<DatasetName, SharedDataset>,
  options: LocalRunOptions,
  context: CommandContext,
): Promise<number> {
  const unfinished = store.listTrials(record.id).filter((t) => !FINISHED_STATES.has(t.state)).length;
  const pool = new TrialPool({ threads: Math.max(1, Math.min(options.workers, unfinished)) });
  const queue = createMemoryQueue();
  const host = new WorkerHost({
    source: queue.source,
    pool,
    backend: options.backend,
    datasets: async (name) => {
      const dataset = datasets.get(name);
      if (!dataset) throw new Error(`dataset ${name} was not loaded`);
      return dataset;
    },
  });
  context.out(`running ${unfinished} trial${unfinished === 1 ? '' : 's'} on ${pool.threads} worker thread${pool.threads === 1 ? '' : 's'} (backend ${options.backend}) · store ${storePathOf(context)}`);
  const cancel = new AbortController();
  const onSigint = (): void => {
    if (cancel.signal.aborted) {
      context.err('stopping now; what finished is stored. Run the same command to resume.');
      process.exit(EXIT.interrupted);
    }
    context.err('stopping after the current batch of each running trial (Ctrl-C again to quit at once)');
    cancel.abort();
  };
  // The dashboard (a terminal, no --no-tui) reads the same events as the plain output; q in it
  // asks, then cancels like Ctrl-C; once it unmounts the plain leaderboard follows as before.
  // Loaded only when drawn: Ink and React are a large part of start-up.
  const view = options.tui ? (await import('../tui/index.js')).createRunView({ store, color: !context.env.noColor, onStop: () => cancel.abort(), onInterrupt: onSigint }) : undefined;
  const onEvent: SweepEventListener = view?.onEvent ?? createPlainOutput({ write: context.out, verbose: options.verbose });
  const controller = new SweepController({ store, dispatcher: queue.dispatcher, datasets: identitiesOf(datasets), backend: options.backend, onEvent, owner: thisProcess() });

  process.on('SIGINT', onSigint);
  try {
    const hostDone = host.run();
    const result = await controller.run(record.id, cancel.signal);
    await queue.dispatcher.close();
    await hostDone;
    await view?.close();
    printSweepResults(store, record.id, context);
    if (result !== 'finished') return EXIT.interrupted;
    const failed = store.countByState(record.id).failed;
    return failed > 0 ? EXIT.failure : EXIT.ok;
  } finally {
    await view?.close();
    process.off('SIGINT', onSigint);
    await pool.close({ force: true });
  }
}

export async function loadDatasets(plan: ReadonlyArray<{ config: { dataset: DatasetName } }>, dataDir: string | undefined, context: CommandContext): Promise<Map<DatasetName, SharedDataset>> {
  const names = [...new Set(plan.map((t) => t.config.dataset))];
  const loaded = new Map<DatasetName, SharedDataset>();
  for (const name of names) {
    const startedMs = Date.now();
    const dataset = await loadDataset({ name, ...(dataDir ? { dataDir } : {}), onProgress: (message) => context.err(message) });
    context.out(`${name}: ${dataset.train.count.toLocaleString('en-US')} training and ${dataset.test.count.toLocaleString('en-US')} test images (loaded in ${((Date.now() - startedMs) / 1000).toFixed(1)}s)`);
    loaded.set(name, dataset);
  }
  return loaded;
}

export function identitiesOf(datasets: ReadonlyMap<DatasetName, SharedDataset>): Map<DatasetName, DatasetIdentity> {
  return new Map([...datasets].map(([name, d]) => [name, d.identity]));
}

export function requireFile(context: CommandContext, command: string): string {
  const [file, ...extra] = context.positionals;
  if (!file) throw new UsageError('MISSING_ARGUMENT', `which sweep file? Usage: sweep ${command} FILE (e.g. sweep ${command} sweeps/smoke.yaml)`);
  if (extra.length > 0) throw new UsageError('EXTRA_ARGUMENT', `expected one sweep file, got ${context.positionals.length}: ${context.positionals.join(' ')}`);
  return file;
}

function parseWorkers(text: string | undefined): number {
  if (text === undefined) return availableParallelism();
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError('BAD_OPTION', `--workers must be a positive whole number (got '${text}')`);
  return n;
}

export function parseBackend(text: string | undefined): BackendPreference {
  if (text === undefined) return 'auto';
  if (!(BACKENDS as readonly string[]).includes(text)) throw new UsageError('BAD_OPTION', `--backend must be one of ${BACKENDS.join(', ')} (got '${text}')`);
  return text as BackendPreference;
}
