import type { TopLevelSpec } from 'vega-lite';
import type { Field, PositionDef } from 'vega-lite/types_unstable/channeldef.js';
import type { LayerSpec } from 'vega-lite/types_unstable/spec/index.js';
import { FINISHED_STATES } from '../orchestrator/domain.js';
import type { EpochRecord } from '../store/index.js';
import type { MetricName } from '../transport/protocol.js';
import { SINGLE_PANEL, SMALL_PANEL, SPLITS, colourScheme, themed } from './figure-theme.js';
import type { ReportTrial } from './report-model.js';

/** What a panel plots: accuracy (training and test) or loss (training and test). */
export type Measure = 'accuracy' | 'loss';

const MEASURE_METRICS: Readonly<Record<Measure, { training: MetricName; test: MetricName; title: string }>> = {
  accuracy: { training: 'accuracy', test: 'val_accuracy', title: 'accuracy' },
  loss: { training: 'loss', test: 'val_loss', title: 'loss (cross-entropy)' },
};

/** Options of {@link settingCurvesSpec}. */
export interface SettingCurvesOptions {
  title: string;
  subtitle: string;
  trials: readonly ReportTrial[];
  metric: MetricName;
  yTitle: string;
  legendTitle: string;
  /** Legend entry of each trial. @default the trial's label */
  labelOf?: (trial: ReportTrial) => string;
}

/** One panel: the metric per epoch, one line per trial, coloured by setting (experiments 1 to 3). */
export function settingCurvesSpec(options: SettingCurvesOptions): TopLevelSpec {
  const labelOf = options.labelOf ?? ((t: ReportTrial) => t.label);
  const values = options.trials.flatMap((t) =>
    finitePoints(t.epochs, options.metric).map(([epoch, value]) => ({
      trial: t.trial.trialId,
      label: labelOf(t),
      curve: isPartial(t) ? CURVE_KINDS[1] : CURVE_KINDS[0],
      epoch,
      value,
    })),
  );
  // The legend lists settings in expansion order (the sweep file's order), not alphabetically.
  const domain = [...new Set(values.map((v) => v.label))];
  const partial = new Set(options.trials.filter(isPartial).map((t) => t.trial.trialId));
  return themed({
    title: { text: options.title, subtitle: options.subtitle },
    width: SINGLE_PANEL.width,
    height: SINGLE_PANEL.height,
    data: { values },
    mark: { type: 'line' },
    encoding: {
      x: epochAxis(options.trials),
      y: { field: 'value', type: 'quantitative', title: options.yTitle, scale: { zero: false } },
      color: {
        field: 'label',
        type: 'nominal',
        title: options.legendTitle,
        sort: null,
        scale: { domain, scheme: colourScheme(domain.length) },
      },
      // Trials that share a legend entry still get a line each.
      detail: { field: 'trial', type: 'nominal' },
      // Unfinished trials' curves are dashed, with a legend saying why, only when there are any.
      ...(partial.size > 0
        ? { strokeDash: { field: 'curve', type: 'nominal', title: 'curve', sort: null, scale: { domain: [...CURVE_KINDS], range: [[1, 0], [6, 4]] } } }
        : {}),
    },
  });
}

const CURVE_KINDS = ['complete', 'partial (unfinished trial)'] as const;

/** A trial whose curve may still grow or was cut short by a failure: not a finished result. */
function isPartial(t: ReportTrial): boolean {
  return !FINISHED_STATES.has(t.trial.state);
}

/** Options of {@link trainTestPanelsSpec}. */
export interface TrainTestPanelsOptions {
  title: string;
  subtitle: string;
  trials: readonly ReportTrial[];
  /** One row of panels per measure. */
  measures: readonly Measure[];
}

/**
 * One panel per trial (setting) and measure, each with its training and test curve, as the
 * reference plots weight decay, dropout and early stopping. A trial that early stopping ended gets a
 * dashed rule at its last epoch, labelled.
 */
export function trainTestPanelsSpec(options: TrainTestPanelsOptions): TopLevelSpec {
  const shown = options.trials.filter((t) => t.epochs.length > 0);
  return themed({
    title: { text: options.title, subtitle: options.subtitle },
    vconcat: options.measures.map((measure) => ({
      hconcat: shown.map((trial) => panel(trial, measure, options.trials)),
      // Panels of a row share the y scale so that settings compare at a glance.
      resolve: { scale: { y: 'shared' } },
    })),
  });
}

function panel(trial: ReportTrial, measure: Measure, study: readonly ReportTrial[]): LayerSpec<Field> {
  const metrics = MEASURE_METRICS[measure];
  const values = SPLITS.flatMap((split) =>
    finitePoints(trial.epochs, metrics[split]).map(([epoch, value]) => ({ trial: trial.trial.trialId, split, epoch, value })),
  );
  const layers: LayerSpec<Field>['layer'] = [
    {
      data: { values },
      mark: { type: 'line' },
      encoding: {
        x: epochAxis(study),
        y: { field: 'value', type: 'quantitative', title: metrics.title, scale: { zero: false } },
        color: { field: 'split', type: 'nominal', title: 'data', sort: null, scale: { domain: [...SPLITS], range: ['#1f77b4', '#ff7f0e'] } },
        // One trial per panel, so this splits nothing; it names each line's trial for readers of the SVG.
        detail: { field: 'trial', type: 'nominal' },
      },
    },
  ];
  if (trial.stoppedAtEpoch !== null) layers.push(...stopMarker(trial.stoppedAtEpoch, plannedEpochs(study)));
  // Long labels are cut (the y axis's width past the panel's) rather than pushing the next panel away.
  const title = { text: trial.label, fontSize: 12, limit: SMALL_PANEL.width + 60 };
  return { title, width: SMALL_PANEL.width, height: SMALL_PANEL.height, layer: layers };
}

function stopMarker(epoch: number, lastEpoch: number): LayerSpec<Field>['layer'] {
  const data = { values: [{ epoch, text: `stopped at epoch ${epoch}` }] };
  // Past the middle the label goes left of the rule so that it stays inside the panel.
  const right = epoch > lastEpoch * 0.6;
  return [
    { data, mark: { type: 'rule', strokeDash: [5, 4], color: '#333' }, encoding: { x: { field: 'epoch', type: 'quantitative' } } },
    {
      data,
      mark: { type: 'text', align: right ? 'right' : 'left', dx: right ? -5 : 5, baseline: 'top', fontSize: 11, color: '#333' },
      encoding: { x: { field: 'epoch', type: 'quantitative' }, y: { value: 4 }, text: { field: 'text', type: 'nominal' } },
    },
  ];
}

/**
 * The x axis of every curve: whole epochs up to the most any trial of the study plans, so that a
 * stopped or running trial shows how far it got. From 0 rather than 1 so that the ticks fall on
 * round numbers (0, 50, ... 300) as in the reference's plots.
 */
function epochAxis(study: readonly ReportTrial[]): PositionDef<Field> {
  return {
    field: 'epoch',
    type: 'quantitative',
    title: 'epoch',
    scale: { domain: [0, plannedEpochs(study)], nice: false },
    axis: { tickMinStep: 1, tickCount: 8, format: 'd' },
  };
}

function plannedEpochs(study: readonly ReportTrial[]): number {
  return Math.max(2, ...study.map((t) => Math.max(t.trial.config.epochs, t.epochs.at(-1)?.epoch ?? 0)));
}

/** (epoch, value) pairs with a finite value: a diverged trial's NaN loss would break the line. */
function finitePoints(epochs: readonly EpochRecord[], metric: MetricName): [number, number][] {
  return epochs.filter((e) => Number.isFinite(e[metric])).map((e) => [e.epoch, e[metric]]);
}
