import { expandSweep } from '../orchestrator/expand.js';
import { loadSweepFile } from '../orchestrator/sweep-spec.js';
import { HELP_OPTION, type Command } from './context.js';
import { requireFile } from './run.js';
import { EXIT } from './usage.js';

export const validateCommand: Command = {
  usage: `Usage: sweep validate FILE [--yes]

Checks a sweep file and reports every problem at once, each with file:line:column.
Nothing is written. Exit codes: 0 valid, 2 problems found.

Options:
  -y, --yes    accept grids over 10,000 trials
  -h, --help   show this help`,
  options: { ...HELP_OPTION, yes: { type: 'boolean', short: 'y' } },
  async run(context) {
    const file = requireFile(context, 'validate');
    const sweep = await loadSweepFile(file);
    const trials = expandSweep(sweep, { allowLarge: context.values.yes === true });
    for (const key of sweep.ignoredKeys) context.err(`note: '${key}' is a W&B setting that sweep ignores`);
    context.out(`${file}: valid · sweep '${sweep.name}' · ${sweep.studies.length} stud${sweep.studies.length === 1 ? 'y' : 'ies'} · ${trials.length} trial${trials.length === 1 ? '' : 's'}`);
    return EXIT.ok;
  },
};
