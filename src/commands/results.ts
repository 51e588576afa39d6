import { rankTrials } from '../orchestrator/leaderboard.js';
import type { SweepStore } from '../store/index.js';
import { renderLeaderboard } from '../tui/leaderboard-table.js';
import type { CommandContext } from './context.js';

/** The leaderboard of a sweep, best first by the sweep's metric. */
export function printSweepResults(store: SweepStore, sweepId: string, context: CommandContext): void {
  const sweep = store.getSweep(sweepId);
  if (!sweep) return;
  const trials = store.listTrials(sweepId);
  const rows = rankTrials(trials, store.listEpochs(sweepId), sweep.metric as Parameters<typeof rankTrials>[2]);
  context.out('');
  context.out(`leaderboard of ${sweep.id} by ${sweep.metric.name} (${sweep.metric.goal}):`);
  context.out(renderLeaderboard(rows, sweep.metric as Parameters<typeof rankTrials>[2]));
}
