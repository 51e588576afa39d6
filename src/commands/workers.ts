import { existsSync } from 'node:fs';
import { openSqliteStore, type WorkerRecord } from '../store/index.js';
import { closeNats, connectNats, listLiveWorkers } from '../transport/nats-queue.js';
import type { WorkerInfo } from '../transport/trial-queue.js';
import { formatDuration, renderTable } from '../tui/table.js';
import { HELP_OPTION, STORE_OPTION, storePathOf, type Command } from './context.js';
import { NATS_OPTIONS, NATS_USAGE, natsOptionsOf } from './nats-options.js';
import { EXIT } from './usage.js';

export const workersCommand: Command = {
  usage: `Usage: sweep workers [--store PATH] [--nats URL]

Lists the worker hosts that ran trials: from the store (what orchestrators heard, with when they
last did), and live from NATS when a server is given (hosts whose heartbeat has not expired).

Options:
      --store PATH       SQLite database (default: $SWEEP_STORE or store/sweeps.db)
  -h, --help             show this help

${NATS_USAGE}`,
  options: { ...HELP_OPTION, ...STORE_OPTION, ...NATS_OPTIONS },
  async run(context) {
    const path = storePathOf(context);
    const stored: WorkerRecord[] = [];
    if (existsSync(path)) {
      const store = openSqliteStore(path, { readonly: true });
      try {
        stored.push(...store.listWorkers());
      } finally {
        store.close();
      }
    }
    const nats = natsOptionsOf(context);
    let live: WorkerInfo[] | undefined;
    if (nats) {
      const nc = await connectNats({ ...nats, name: 'sweep workers' });
      try {
        live = await listLiveWorkers(nc);
      } finally {
        await closeNats(nc);
      }
    }
    const now = Date.now();
    const byId = new Map<string, { worker: WorkerInfo | WorkerRecord; seenMs: number; live: boolean }>();
    for (const w of stored) byId.set(w.id, { worker: w, seenMs: w.lastSeenMs, live: false });
    for (const w of live ?? []) byId.set(w.id, { worker: w, seenMs: w.atMs, live: true });
    if (byId.size === 0) {
      context.out(nats ? 'no worker hosts: none is running now, and the store has heard of none' : `no worker hosts in ${path} yet (start one with: sweep worker --nats URL)`);
      return EXIT.ok;
    }
    const rows = [...byId.values()].sort((a, b) => Number(b.live) - Number(a.live) || b.seenMs - a.seenMs);
    context.out(
      renderTable(
        ['worker', 'host', 'pid', 'backend', 'gpus', 'slots', 'running', 'last seen', ...(live ? ['live'] : [])],
        rows.map(({ worker: w, seenMs, live: isLive }) => [
          w.id,
          w.host,
          String(w.pid),
          w.backend,
          w.gpus.join(',') || '-',
          String(w.slots),
          w.running.length > 0 ? w.running.join(',') : '-',
          `${formatDuration(Math.max(0, now - seenMs))} ago`,
          ...(live ? [isLive ? 'yes' : 'no'] : []),
        ]),
      ),
    );
    return EXIT.ok;
  },
};
