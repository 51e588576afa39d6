import { describeVaried } from '../orchestrator/leaderboard.js';
import type { TrialRecord } from '../store/index.js';
import { valueAt } from './config-paths.js';
import { ON_OFF_PHRASES } from './figure-kind.js';

/**
 * How a trial is named in legends and tables: by what its study varies, in the reference's words
 * ("adam(lr=0.001)", "with dropout 0.15", "without batch norm").
 */
export function settingLabel(trial: Pick<TrialRecord, 'config' | 'varied'>): string {
  const [path, ...others] = trial.varied;
  if (path === undefined || others.length > 0) return describeVaried(trial);
  // describeVaried writes `path=value`; with one path the value alone reads better in a legend.
  const shown = describeVaried(trial).slice(path.length + 1);
  const phrase = ON_OFF_PHRASES[path];
  if (phrase === undefined) return shown;
  const value = valueAt(trial.config, path);
  if (value === false || value === 0 || value === null || value === undefined) return `without ${phrase}`;
  if (value === true) return `with ${phrase}`;
  // As the reference words it, "EarlyStopping(monitor val_loss, patience 2)": short enough for a panel title.
  if (path === 'early_stopping' && typeof value === 'object') {
    const { monitor, patience } = value as { monitor?: unknown; patience?: unknown };
    return `with ${phrase} (${String(monitor)}, patience ${String(patience)})`;
  }
  return `with ${phrase} ${shown}`;
}

/**
 * Labels for one study's trials (in the order given) that are unique, so that no two legend
 * entries merge, and that say when a curve is partial: "adam(lr=0.001) (running, 3/15 epochs)".
 */
export function studyLabels(trials: readonly { trial: TrialRecord; epochs: number }[], base = settingLabel): string[] {
  const settings = trials.map(({ trial }) => base(trial));
  const seen = new Map<string, number>();
  return trials.map(({ trial, epochs }, i) => {
    const setting = settings[i] ?? '';
    const repeats = settings.filter((s) => s === setting).length;
    const n = (seen.get(setting) ?? 0) + 1;
    seen.set(setting, n);
    const unique = repeats > 1 ? `${setting} #${n}` : setting;
    return `${unique}${stateSuffix(trial.state, epochs, trial.config.epochs)}`;
  });
}

function stateSuffix(state: TrialRecord['state'], done: number, planned: number): string {
  switch (state) {
    case 'completed':
    case 'stopped_early':
      return '';
    case 'running':
      return ` (running, ${done}/${planned} epochs)`;
    case 'queued':
      // A queued trial with epochs lost its worker and waits for a retry.
      return done > 0 ? ` (partial, ${done}/${planned} epochs)` : ' (queued)';
    default:
      return ` (${state.replace('_', ' ')})`;
  }
}
