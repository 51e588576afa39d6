import { existsSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { TRIAL_STATES } from '../orchestrator/domain.js';
import { describeVaried, rankTrials, type SweepMetric } from '../orchestrator/leaderboard.js';
import { effectiveStatus } from '../orchestrator/sweep-liveness.js';
import { openSqliteStore } from '../store/index.js';
import { formatDuration, formatMetric, renderTable } from '../tui/table.js';
import { HELP_OPTION, STORE_OPTION, storePathOf, type Command } from './context.js';
import { localProbe } from './process-probe.js';
import { printSweepResults } from './results.js';
import { EXIT } from './usage.js';

export const showCommand: Command = {
  usage: `Usage: sweep show SWEEP [--store PATH]

Shows a sweep's state, the best trial of each study and the leaderboard of all trials.
SWEEP is an id such as ch6-1, or a name (the newest sweep of that name).

Options:
      --store PATH  SQLite database (default: $SWEEP_STORE or store/sweeps.db)
  -h, --help        show this help`,
  options: { ...HELP_OPTION, ...STORE_OPTION },
  async run(context) {
    const [ref] = context.positionals;
    if (!ref) throw new UsageError('MISSING_ARGUMENT', 'which sweep? Usage: sweep show SWEEP (see `sweep ls`)');
    if (!existsSync(storePathOf(context))) {
      throw new UsageError('UNKNOWN_SWEEP', `no sweep '${ref}': ${storePathOf(context)} does not exist yet (start one with \`sweep run FILE\`, or pass --store)`);
    }
    const store = openSqliteStore(storePathOf(context), { readonly: true });
    try {
      const sweep = store.getSweep(ref);
      if (!sweep) throw new UsageError('UNKNOWN_SWEEP', `no sweep '${ref}' in ${storePathOf(context)}; \`sweep ls\` lists them`);
      const counts = store.countByState(sweep.id);
      const total = TRIAL_STATES.reduce((sum, s) => sum + counts[s], 0);
      context.out(`sweep ${sweep.id} (${effectiveStatus(sweep, localProbe)}) from ${sweep.sourcePath}`);
      context.out(`created ${new Date(sweep.createdAtMs).toISOString()} · last update after ${formatDuration(sweep.updatedAtMs - sweep.createdAtMs)}`);
      context.out(`${total} trials: ${TRIAL_STATES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`).join(', ')}`);

      const metric = sweep.metric as SweepMetric;
      const ranked = rankTrials(store.listTrials(sweep.id), store.listEpochs(sweep.id), metric);
      const studies = [...new Set(ranked.map((r) => r.trial.study))];
      context.out('');
      context.out(`best of each study by ${metric.name}:`);
      context.out(
        renderTable(
          ['study', 'best', metric.name, 'at epoch', 'trials'],
          studies.map((study) => {
            const rows = ranked.filter((r) => r.trial.study === study);
            const top = rows[0];
            return [study, top ? describeVaried(top.trial) : '-', formatMetric(top?.best), top?.bestEpoch ? String(top.bestEpoch) : '-', String(rows.length)];
          }),
        ),
      );
      printSweepResults(store, sweep.id, context);
      return EXIT.ok;
    } finally {
      store.close();
    }
  },
};
