import { UsageError } from '../errors.js';
import { effectiveStatus } from '../orchestrator/sweep-liveness.js';
import { openSqliteStore } from '../store/index.js';
import { HELP_OPTION, STORE_OPTION, storePathOf, stringOption, type Command } from './context.js';
import { localProbe } from './process-probe.js';
import { EXIT } from './usage.js';

const DEFAULT_INTERVAL_MS = 250;

/** `sweep top [SWEEP]`: the dashboard of a sweep another process runs, read-only. */
export const topCommand: Command = {
  usage: `Usage: sweep top [SWEEP] [options]

A live dashboard of a sweep that another process runs (a \`sweep run\` elsewhere, or workers on
other hosts), read from the store without writing to it. It keeps showing the sweep after it ends.
SWEEP is an id such as ch6-1, or a name (its newest sweep); without it, the newest sweep.

Keys: ↑/↓ select a trial · enter its detail (a toggles loss/accuracy) · s sort metric ·
f filter by study · q or Esc back or quit.

Options:
      --store PATH        SQLite database (default: $SWEEP_STORE or store/sweeps.db)
      --interval-ms N     how often to read the store (default: ${DEFAULT_INTERVAL_MS})
  -h, --help              show this help`,
  options: { ...HELP_OPTION, ...STORE_OPTION, 'interval-ms': { type: 'string' } },
  async run(context) {
    const [ref, ...extra] = context.positionals;
    if (extra.length > 0) throw new UsageError('EXTRA_ARGUMENT', `expected at most one sweep, got ${context.positionals.length}: ${context.positionals.join(' ')}`);
    const intervalMs = parseInterval(stringOption(context, 'interval-ms'));
    if (!context.isTTY) throw new UsageError('NOT_A_TERMINAL', 'the live dashboard needs a terminal; for text, use `sweep show SWEEP`');
    const store = openSqliteStore(storePathOf(context), { readonly: true });
    try {
      const sweep = ref === undefined ? store.listSweeps()[0] : store.getSweep(ref);
      if (!sweep) {
        throw new UsageError(
          'UNKNOWN_SWEEP',
          ref === undefined ? `no sweeps in ${storePathOf(context)} yet; start one with \`sweep run FILE\`` : `no sweep '${ref}' in ${storePathOf(context)}; \`sweep ls\` lists them`,
        );
      }
      // Loaded here, not at the top: every command's module is imported at start-up, and Ink and
      // React are a large part of it.
      const { runTopView } = await import('../tui/index.js');
      await runTopView({ store, sweepId: sweep.id, intervalMs, color: !context.env.noColor, statusOf: (s) => effectiveStatus(s, localProbe) });
      return EXIT.ok;
    } finally {
      store.close();
    }
  },
};

function parseInterval(text: string | undefined): number {
  if (text === undefined) return DEFAULT_INTERVAL_MS;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 50) throw new UsageError('BAD_OPTION', `--interval-ms must be a whole number of milliseconds, at least 50 (got '${text}')`);
  return n;
}
