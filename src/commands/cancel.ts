import { existsSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { openSqliteStore } from '../store/index.js';
import { closeNats, connectNats, requestCancel } from '../transport/nats-queue.js';
import { HELP_OPTION, STORE_OPTION, storePathOf, type Command, type CommandContext } from './context.js';
import { NATS_OPTIONS, NATS_USAGE, requireNatsOptions } from './nats-options.js';
import { EXIT } from './usage.js';

export const cancelCommand: Command = {
  usage: `Usage: sweep cancel SWEEP --nats URL [options]

Cancels a distributed sweep from any machine: its queued trials are withdrawn and every worker stops
its running trials after the current batch. The orchestrator (sweep run --nats) records this and
exits; if none is running, the next \`sweep resume\` records it first, then carries on with the sweep.
SWEEP is an id such as ch6-1 (or a name, when --store holds that sweep).

Options:
      --store PATH       resolve a sweep name through this database (default: $SWEEP_STORE or store/sweeps.db)
  -h, --help             show this help

${NATS_USAGE}`,
  options: { ...HELP_OPTION, ...STORE_OPTION, ...NATS_OPTIONS },
  async run(context) {
    const [ref, ...extra] = context.positionals;
    if (!ref) throw new UsageError('MISSING_ARGUMENT', 'which sweep? Usage: sweep cancel SWEEP --nats URL (see `sweep ls`)');
    if (extra.length > 0) throw new UsageError('EXTRA_ARGUMENT', `expected one sweep, got ${context.positionals.join(' ')}`);
    const nats = requireNatsOptions(context, 'cancel');
    const sweepId = resolveSweepId(context, ref);
    const nc = await connectNats({ ...nats, name: `sweep cancel ${sweepId}` });
    try {
      const withdrawn = await requestCancel(nc, sweepId);
      context.out(
        `cancelled ${sweepId}: withdrew ${withdrawn.length} trial${withdrawn.length === 1 ? '' : 's'} from the queue; ` +
          'running ones stop after their current batch. `sweep resume` continues the sweep later.',
      );
      return EXIT.ok;
    } finally {
      await closeNats(nc);
    }
  },
};

/** A name becomes the id of its newest sweep when the store knows it; anything else is taken as an id. */
export function resolveSweepId(context: CommandContext, ref: string): string {
  const path = storePathOf(context);
  if (!existsSync(path)) return ref;
  const store = openSqliteStore(path, { readonly: true });
  try {
    return store.getSweep(ref)?.id ?? ref;
  } finally {
    store.close();
  }
}
