import { describeVaried } from '../orchestrator/leaderboard.js';
import { expandSweep } from '../orchestrator/expand.js';
import { loadSweepFile } from '../orchestrator/sweep-spec.js';
import { renderTable } from '../tui/table.js';
import { HELP_OPTION, type Command } from './context.js';
import { requireFile } from './run.js';
import { EXIT } from './usage.js';

export const planCommand: Command = {
  usage: `Usage: sweep plan FILE [--yes]

Dry run: lists the trials a sweep file expands to, with their ids, and counts them.
Nothing is trained or written.

Options:
  -y, --yes    accept grids over 10,000 trials
  -h, --help   show this help`,
  options: { ...HELP_OPTION, yes: { type: 'boolean', short: 'y' } },
  async run(context) {
    const file = requireFile(context, 'plan');
    const sweep = await loadSweepFile(file);
    const trials = expandSweep(sweep, { allowLarge: context.values.yes === true });
    context.out(`sweep '${sweep.name}' (${sweep.method}, metric ${sweep.metric.name} ${sweep.metric.goal})`);
    context.out(
      renderTable(
        ['#', 'study', 'varies', 'epochs', 'train images', 'trial'],
        trials.map((t, i) => [
          String(i + 1),
          t.study,
          describeVaried(t),
          String(t.config.epochs),
          t.config.train_size === null ? 'all' : t.config.train_size.toLocaleString('en-US'),
          t.trialId,
        ]),
      ),
    );
    const perStudy = sweep.studies.map((s) => `${s.name} ${trials.filter((t) => t.study === s.name).length}`);
    context.out(`${trials.length} trial${trials.length === 1 ? '' : 's'}${sweep.studies.length > 1 ? ` (${perStudy.join(', ')})` : ''}`);
    return EXIT.ok;
  },
};
