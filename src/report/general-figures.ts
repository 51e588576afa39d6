import type { TopLevelSpec } from 'vega-lite';
import type { Field, PositionDef } from 'vega-lite/types_unstable/channeldef.js';
import type { SweepMetric } from '../orchestrator/leaderboard.js';
import { formatMetric } from '../tui/table.js';
import { valueAt } from './config-paths.js';
import { settingCurvesSpec } from './curve-figures.js';
import { SINGLE_PANEL, themed } from './figure-theme.js';
import { finalValue, type ParameterInfluence } from './parameter-influence.js';
import type { ReportStudy, ReportTrial } from './report-model.js';

/**
 * The sweep's metric per epoch, one line per trial, coloured by the parameter that moves the final
 * metric most (`influences[0]`): with several varied parameters a legend entry per combination would
 * be unreadable, and the strongest one is what a reader looks for first.
 */
export function generalCurvesSpec(title: string, trials: readonly ReportTrial[], influences: readonly ParameterInfluence[], metric: SweepMetric): TopLevelSpec {
  const colourBy = influences[0];
  return settingCurvesSpec({
    title,
    subtitle: `${metric.name} per epoch, one line per trial${colourBy ? `, coloured by ${colourBy.path}` : ''}`,
    trials,
    metric: metric.name,
    yTitle: metric.name.includes('accuracy') ? metric.name : `${metric.name} (cross-entropy)`,
    legendTitle: colourBy?.path ?? 'trial',
    labelOf: colourBy ? (t) => levelLabel(colourBy, t) : (t) => t.label,
  });
}

/**
 * Parallel coordinates: an axis per varied parameter, then the final metric; one line per finished
 * trial, coloured by its final metric. Positions are computed here (levels spread evenly in their
 * natural order, the metric min-max scaled) so that nominal and numeric parameters share one chart.
 */
export function parallelCoordinatesSpec(title: string, study: ReportStudy, influences: readonly ParameterInfluence[], metric: SweepMetric): TopLevelSpec {
  const { axes, lines, ticks } = parallelData(study, influences, metric);
  const x: PositionDef<Field> = { field: 'axis', type: 'nominal', title: null, sort: axes, scale: { domain: axes, type: 'point', padding: 0.25 }, axis: { orient: 'top', labelAngle: 0, domain: false, ticks: false, labelFontWeight: 'bold', labelLimit: 220 } };
  // A margin above and below keeps the end labels clear of the axis names.
  const y: PositionDef<Field> = { field: 'position', type: 'quantitative', scale: { domain: [-0.06, 1.06] }, axis: null };
  return themed({
    title: { text: title, subtitle: `each finished trial's settings and final ${metric.name} (${metric.goal === 'minimize' ? 'lower' : 'higher'} is better)` },
    width: Math.max(SINGLE_PANEL.width, 180 * axes.length),
    height: SINGLE_PANEL.height,
    view: { stroke: null },
    layer: [
      { data: { values: axes.map((axis) => ({ axis })) }, mark: { type: 'rule', color: '#999' }, encoding: { x } },
      {
        data: { values: lines },
        // strokeOpacity, not opacity: resvg composites a layer per element with `opacity`, which
        // takes seconds per thousand lines.
        mark: { type: 'line', strokeOpacity: 0.8 },
        encoding: {
          x,
          y,
          color: { field: 'final', type: 'quantitative', title: `final ${metric.name}`, scale: { scheme: 'viridis', reverse: metric.goal === 'minimize' } },
          detail: { field: 'trial', type: 'nominal' },
        },
      },
      {
        data: { values: ticks },
        mark: { type: 'text', align: 'left', dx: 6, fontSize: 11, color: '#222' },
        encoding: { x, y, text: { field: 'text', type: 'nominal' } },
      },
    ],
  });
}

function levelOf(influences: readonly ParameterInfluence[], path: string, trial: ReportTrial) {
  return influences.find((i) => i.path === path)?.levels.find((l) => l.trialIds.includes(trial.trial.trialId));
}

function levelLabel(influence: ParameterInfluence, trial: ReportTrial): string {
  return influence.levels.find((l) => l.trialIds.includes(trial.trial.trialId))?.label ?? String(valueAt(trial.trial.config, influence.path));
}

interface ParallelData {
  axes: string[];
  lines: { trial: string; axis: string; position: number; final: number }[];
  ticks: { axis: string; position: number; text: string }[];
}

function parallelData(study: ReportStudy, influences: readonly ParameterInfluence[], metric: SweepMetric): ParallelData {
  // Worst first, so that the best trials are drawn last, on top of a dense grid's other lines.
  const finals = study.trials
    .flatMap((t) => {
      const value = finalValue(t);
      return value === null ? [] : [{ t, value }];
    })
    .sort((a, b) => (metric.goal === 'minimize' ? b.value - a.value : a.value - b.value));
  const min = Math.min(...finals.map((f) => f.value));
  const max = Math.max(...finals.map((f) => f.value));
  const scaled = (v: number): number => (max > min ? (v - min) / (max - min) : 0.5);
  // Axes in the order the sweep file names the parameters.
  const paths = study.varied;
  const metricAxis = `final ${metric.name}`;
  const lines = finals.flatMap(({ t, value }) => [
    ...paths.map((path) => ({ trial: t.trial.trialId, axis: path, position: levelOf(influences, path, t)?.position ?? 0.5, final: value })),
    { trial: t.trial.trialId, axis: metricAxis, position: scaled(value), final: value },
  ]);
  const levelTicks = paths.flatMap((path) =>
    (influences.find((i) => i.path === path)?.levels ?? []).map((l) => ({ axis: path, position: l.position, text: l.label })),
  );
  const metricTicks = finals.length === 0 ? [] : [...new Set([min, max])].map((v) => ({ axis: metricAxis, position: scaled(v), text: formatMetric(v) }));
  return { axes: [...paths, metricAxis], lines, ticks: [...levelTicks, ...metricTicks] };
}
