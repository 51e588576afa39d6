import { FINISHED_STATES } from '../orchestrator/domain.js';
import { describeVaried } from '../orchestrator/leaderboard.js';
import type { MetricGoal } from '../store/index.js';
import { valueAt } from './config-paths.js';
import type { ReportTrial } from './report-model.js';

/** One value a parameter takes in a study, with the trials that took it. */
export interface ParameterLevel {
  /** As legends show it, e.g. `adam(lr=0.001)` or `0.1`. */
  label: string;
  /** Position on a parallel-coordinates axis, 0 to 1, in the parameter's natural order. */
  position: number;
  trialIds: string[];
  /** Mean final value of the sweep's metric over those trials that finished; null when none has. */
  meanFinal: number | null;
}

/** How much one parameter moves the final metric of a study. */
export interface ParameterInfluence {
  path: string;
  levels: ParameterLevel[];
  /** Largest minus smallest mean final metric across levels; null with fewer than two levels measured. */
  spread: number | null;
  /** The level with the best mean final metric (the sweep's goal), when any is measured. */
  best: string | null;
}

/**
 * For each varied parameter, the mean final metric per value and its spread: a first answer to
 * "which setting matters" in a grid, most influential first (unmeasured ones last, in path order).
 */
export function parameterInfluence(trials: readonly ReportTrial[], paths: readonly string[], goal: MetricGoal): ParameterInfluence[] {
  const influences = paths.map((path) => influenceOf(trials, path, goal));
  return influences
    .map((influence, index) => ({ influence, index }))
    .sort((a, b) => (b.influence.spread ?? -1) - (a.influence.spread ?? -1) || a.index - b.index)
    .map(({ influence }) => influence);
}

function influenceOf(trials: readonly ReportTrial[], path: string, goal: MetricGoal): ParameterInfluence {
  const groups = new Map<string, { raw: unknown; label: string; members: ReportTrial[] }>();
  for (const t of trials) {
    const raw = valueAt(t.trial.config, path);
    const key = JSON.stringify(raw) ?? 'undefined';
    const group = groups.get(key) ?? { raw, label: describeVaried({ config: t.trial.config, varied: [path] }).slice(path.length + 1), members: [] };
    group.members.push(t);
    groups.set(key, group);
  }
  const ordered = [...groups.values()];
  // Numbers and booleans read best in their own order; anything else keeps the sweep file's order.
  if (ordered.every((g) => typeof g.raw === 'number' || typeof g.raw === 'boolean')) ordered.sort((a, b) => Number(a.raw) - Number(b.raw));
  const levels = ordered.map((g, i) => ({
    label: g.label,
    position: ordered.length === 1 ? 0.5 : i / (ordered.length - 1),
    trialIds: g.members.map((m) => m.trial.trialId),
    meanFinal: mean(g.members.map(finalValue).filter((v): v is number => v !== null)),
  }));
  const measured = levels.filter((l): l is ParameterLevel & { meanFinal: number } => l.meanFinal !== null);
  const means = measured.map((l) => l.meanFinal);
  const bestMean = goal === 'minimize' ? Math.min(...means) : Math.max(...means);
  return {
    path,
    levels,
    spread: measured.length >= 2 ? Math.max(...means) - Math.min(...means) : null,
    best: measured.find((l) => l.meanFinal === bestMean)?.label ?? null,
  };
}

/** The last value of the sweep's metric of a trial that ended normally: a running trial's is not final. */
export function finalValue(trial: ReportTrial): number | null {
  return FINISHED_STATES.has(trial.trial.state) ? trial.row.last : null;
}

function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}
