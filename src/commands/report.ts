import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { writeReport } from '../report/index.js';
import { openSqliteStore } from '../store/index.js';
import { HELP_OPTION, STORE_OPTION, storePathOf, stringOption, type Command } from './context.js';
import { EXIT } from './usage.js';

export const reportCommand: Command = {
  usage: `Usage: sweep report SWEEP [--out DIR] [--store PATH]

Writes a sweep's report: for each study a figure (PNG and SVG) chosen by what the study varies,
as the chapter-6 experiments plot it; index.html, one self-contained page with every figure, the
leaderboard, each study's final metrics and the sweep file; and summary.md. Run it during a sweep
too: the page then says so and shows the running trials' partial curves, labelled.
SWEEP is an id such as ch6-1, or a name (the newest sweep of that name).

Options:
  -o, --out DIR     directory to write into (default: reports/<sweep id>/)
      --store PATH  SQLite database (default: $SWEEP_STORE or store/sweeps.db)
  -h, --help        show this help`,
  options: { ...HELP_OPTION, ...STORE_OPTION, out: { type: 'string', short: 'o' } },
  async run(context) {
    const [ref] = context.positionals;
    if (!ref) throw new UsageError('MISSING_ARGUMENT', 'which sweep? Usage: sweep report SWEEP (see `sweep ls`)');
    const store = openSqliteStore(storePathOf(context), { readonly: true });
    try {
      const sweep = store.getSweep(ref);
      if (!sweep) throw new UsageError('UNKNOWN_SWEEP', `no sweep '${ref}' in ${storePathOf(context)}; \`sweep ls\` lists them`);
      const outDir = stringOption(context, 'out') ?? join('reports', sweep.id);
      const written = await writeReport(store, sweep, outDir);
      const figures = written.filter((path) => path.endsWith('.png')).length;
      context.out(`report of ${sweep.id} (${sweep.status}) written to ${outDir}: index.html, summary.md and ${figures} figure${figures === 1 ? '' : 's'} (PNG and SVG)`);
      context.out(`open ${join(outDir, 'index.html')}`);
      return EXIT.ok;
    } finally {
      store.close();
    }
  },
};
