import { writeFile } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { exportTable, toCsv, toJson, writeOutput, type ExportWhat } from '../report/index.js';
import { openSqliteStore } from '../store/index.js';
import { HELP_OPTION, STORE_OPTION, storePathOf, stringOption, type Command } from './context.js';
import { EXIT } from './usage.js';

const FORMATS = ['csv', 'json'] as const;
const WHATS: readonly ExportWhat[] = ['trials', 'epochs'];

export const exportCommand: Command = {
  usage: `Usage: sweep export SWEEP --format csv|json [--what trials|epochs] [--out FILE] [--store PATH]

Writes a sweep's results for analysis elsewhere (pandas, R, a spreadsheet).
  trials  one row per trial: state, final and best metrics, and its config flattened to
          config.<path> columns (config.optimizer.name, config.dropout, ...)
  epochs  one row per stored epoch of every attempt: loss, accuracy, val_loss, val_accuracy,
          seconds, samples_per_second
Metrics that are not finite (a diverged loss) are empty in CSV and null in JSON.
SWEEP is an id such as ch6-1, or a name (the newest sweep of that name).

Options:
  -f, --format F    csv or json (required)
      --what W      trials or epochs (default: trials)
  -o, --out FILE    file to write (default: standard output)
      --store PATH  SQLite database (default: $SWEEP_STORE or store/sweeps.db)
  -h, --help        show this help`,
  options: {
    ...HELP_OPTION,
    ...STORE_OPTION,
    format: { type: 'string', short: 'f' },
    what: { type: 'string' },
    out: { type: 'string', short: 'o' },
  },
  async run(context) {
    const [ref] = context.positionals;
    if (!ref) throw new UsageError('MISSING_ARGUMENT', 'which sweep? Usage: sweep export SWEEP --format csv|json (see `sweep ls`)');
    const format = oneOf(stringOption(context, 'format'), FORMATS, '--format', undefined);
    const what = oneOf(stringOption(context, 'what'), WHATS, '--what', 'trials');
    const out = stringOption(context, 'out');
    const store = openSqliteStore(storePathOf(context), { readonly: true });
    let text: string;
    try {
      const sweep = store.getSweep(ref);
      if (!sweep) throw new UsageError('UNKNOWN_SWEEP', `no sweep '${ref}' in ${storePathOf(context)}; \`sweep ls\` lists them`);
      const table = exportTable(store, sweep, what);
      text = format === 'csv' ? toCsv(table) : toJson(table);
    } finally {
      store.close();
    }
    if (out === undefined) {
      // `out` ends each line itself.
      context.out(text.replace(/\n$/, ''));
    } else {
      await writeOutput(out, () => writeFile(out, text));
      context.err(`wrote ${out}`);
    }
    return EXIT.ok;
  },
};

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string, fallback: T | undefined): T {
  const chosen = value ?? fallback;
  if (chosen === undefined) throw new UsageError('MISSING_OPTION', `${flag} is required: ${allowed.join(' or ')}`);
  const match = allowed.find((a) => a === chosen);
  if (!match) throw new UsageError('INVALID_OPTION', `${flag} must be ${allowed.join(' or ')} (got '${chosen}')`);
  return match;
}
