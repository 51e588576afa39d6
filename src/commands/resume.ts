import { existsSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { openSqliteStore } from '../store/index.js';
import { HELP_OPTION, STORE_OPTION, storePathOf, stringOption, type Command } from './context.js';
import { DISTRIBUTED_RUN_OPTIONS, distributedOptionsOf, distributedRunUsage, runDistributed } from './run-distributed.js';
import { identitiesOf, loadDatasets, parseBackend } from './run.js';

export const resumeCommand: Command = {
  usage: `Usage: sweep resume SWEEP --nats URL [options]

Takes over a distributed sweep whose orchestrator stopped (killed, Ctrl-C, a lost machine): stores
every report workers sent meanwhile, then queues what has not finished. Nothing that finished runs
again. SWEEP is an id such as ch6-1, or a name (the newest sweep of that name). Running the same
\`sweep run FILE --nats URL\` does the same.

Options:
      --backend NAME     backend for the trials queued now (default: auto)
      --store PATH       SQLite database (default: $SWEEP_STORE or store/sweeps.db)
      --data-dir DIR     dataset files, to check workers hold the same (default: as sweep run)
  -v, --verbose          print every epoch (plain output)
      --no-tui           plain lines instead of the live dashboard
  -h, --help             show this help

${distributedRunUsage(true)}`,
  options: {
    ...HELP_OPTION,
    ...STORE_OPTION,
    backend: { type: 'string' },
    'data-dir': { type: 'string' },
    verbose: { type: 'boolean', short: 'v' },
    'no-tui': { type: 'boolean' },
    ...DISTRIBUTED_RUN_OPTIONS,
  },
  async run(context) {
    const [ref, ...extra] = context.positionals;
    if (!ref) throw new UsageError('MISSING_ARGUMENT', 'which sweep? Usage: sweep resume SWEEP --nats URL (see `sweep ls`)');
    if (extra.length > 0) throw new UsageError('EXTRA_ARGUMENT', `expected one sweep, got ${context.positionals.join(' ')}`);
    const distributed = distributedOptionsOf(context, true);
    if (!distributed) {
      throw new UsageError('MISSING_OPTION', 'sweep resume takes over a distributed sweep and needs --nats URL (or NATS_URL); an embedded sweep resumes with `sweep run FILE`');
    }
    const backend = parseBackend(stringOption(context, 'backend'));
    const path = storePathOf(context);
    if (!existsSync(path)) throw new UsageError('UNKNOWN_SWEEP', `no sweep '${ref}': ${path} does not exist (pass --store)`);
    const store = openSqliteStore(path);
    try {
      const record = store.getSweep(ref);
      if (!record) throw new UsageError('UNKNOWN_SWEEP', `no sweep '${ref}' in ${path}; \`sweep ls\` lists them`);
      const datasets = await loadDatasets(store.listTrials(record.id), stringOption(context, 'data-dir') ?? context.env.dataDir, context);
      const tui = context.isTTY && context.values['no-tui'] !== true;
      return await runDistributed(store, record, identitiesOf(datasets), { ...distributed, backend, verbose: context.values.verbose === true, tui }, context);
    } finally {
      store.close();
    }
  },
};
