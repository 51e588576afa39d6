import { existsSync } from 'node:fs';
import { effectiveStatus } from '../orchestrator/sweep-liveness.js';
import { openSqliteStore } from '../store/index.js';
import { formatDuration, renderTable } from '../tui/table.js';
import { HELP_OPTION, STORE_OPTION, storePathOf, type Command } from './context.js';
import { localProbe } from './process-probe.js';
import { EXIT } from './usage.js';

export const lsCommand: Command = {
  usage: `Usage: sweep ls [--store PATH]

Lists the sweeps in the store, newest first, with their trial counts.

Options:
      --store PATH  SQLite database (default: $SWEEP_STORE or store/sweeps.db)
  -h, --help        show this help`,
  options: { ...HELP_OPTION, ...STORE_OPTION },
  async run(context) {
    const path = storePathOf(context);
    const store = existsSync(path) ? openSqliteStore(path, { readonly: true }) : undefined;
    try {
      const sweeps = store?.listSweeps() ?? [];
      if (sweeps.length === 0) {
        context.out(`no sweeps in ${storePathOf(context)} yet; start one with: sweep run sweeps/smoke.yaml`);
        return EXIT.ok;
      }
      context.out(
        renderTable(
          ['sweep', 'status', 'trials', 'done', 'failed', 'running', 'queued', 'created', 'took'],
          sweeps.map((s) => {
            const done = s.counts.completed + s.counts.stopped_early + s.counts.diverged;
            return [
              s.id,
              effectiveStatus(s, localProbe),
              String(s.total),
              String(done),
              String(s.counts.failed),
              String(s.counts.running),
              String(s.counts.queued + s.counts.cancelled),
              new Date(s.createdAtMs).toISOString().slice(0, 16).replace('T', ' '),
              formatDuration(s.updatedAtMs - s.createdAtMs),
            ];
          }),
        ),
      );
      return EXIT.ok;
    } finally {
      store?.close();
    }
  },
};
