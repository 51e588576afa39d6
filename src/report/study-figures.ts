import type { TopLevelSpec } from 'vega-lite';
import type { SweepMetric } from '../orchestrator/leaderboard.js';
import { settingCurvesSpec, trainTestPanelsSpec, type Measure } from './curve-figures.js';
import { generalCurvesSpec, parallelCoordinatesSpec } from './general-figures.js';
import { parameterInfluence } from './parameter-influence.js';
import type { ReportStudy } from './report-model.js';

/** A figure to render: a Vega-Lite spec and where it goes. */
export interface Figure {
  /** File name without extension, unique within the report (`.svg` and `.png` are written). */
  file: string;
  study: string;
  /** The figure's title, also its caption and alt text on the page. */
  title: string;
  spec: TopLevelSpec;
}

const PANEL_KINDS: Readonly<Record<'weight_decay' | 'dropout' | 'early_stopping', { measures: readonly Measure[]; what: string }>> = {
  weight_decay: { measures: ['accuracy'], what: 'training and test accuracy per epoch, one panel per setting' },
  dropout: { measures: ['accuracy', 'loss'], what: 'training and test accuracy and loss per epoch, panels per setting' },
  early_stopping: {
    measures: ['accuracy', 'loss'],
    what: 'training and test accuracy and loss per epoch, panels per setting; the dashed rule marks where training stopped',
  },
};

/**
 * The figures of one study, chosen by what it varies as the chapter-6 reference plots it; any other
 * study gets its metric's curves and a parallel-coordinates view. A study without any epoch yet
 * gets none.
 */
export function studyFigures(study: ReportStudy, metric: SweepMetric, stem: string): Figure[] {
  if (!study.trials.some((t) => t.epochs.length > 0)) return [];
  const one = (title: string, spec: TopLevelSpec): Figure[] => [{ file: stem, study: study.name, title, spec }];
  switch (study.kind) {
    case 'optimizer':
    case 'initializer': {
      const title = `${study.name}: training loss by ${study.kind}`;
      return one(title, settingCurvesSpec({
        title,
        subtitle: `training loss per epoch, one line per ${study.kind}`,
        trials: study.trials,
        metric: 'loss',
        yTitle: 'training loss (cross-entropy)',
        legendTitle: study.kind,
      }));
    }
    case 'batch_norm': {
      const title = `${study.name}: training accuracy with and without batch normalization`;
      return one(title, settingCurvesSpec({
        title,
        subtitle: 'training accuracy per epoch, one line per setting',
        trials: study.trials,
        metric: 'accuracy',
        yTitle: 'training accuracy',
        legendTitle: 'batch normalization',
      }));
    }
    case 'weight_decay':
    case 'dropout':
    case 'early_stopping': {
      const panels = PANEL_KINDS[study.kind];
      const title = `${study.name}: training and test curves with and without ${study.kind.replace('_', ' ')}`;
      return one(title, trainTestPanelsSpec({ title, subtitle: panels.what, trials: study.trials, measures: panels.measures }));
    }
    case 'general': {
      const influences = parameterInfluence(study.trials, study.varied, metric.goal);
      const curves = `${study.name}: ${metric.name} per epoch`;
      const parallel = `${study.name}: settings against final ${metric.name}`;
      const figures: Figure[] = [{ file: stem, study: study.name, title: curves, spec: generalCurvesSpec(curves, study.trials, influences, metric) }];
      if (study.varied.length > 0 && influences.some((i) => i.levels.some((l) => l.meanFinal !== null))) {
        figures.push({ file: `${stem}-parallel`, study: study.name, title: parallel, spec: parallelCoordinatesSpec(parallel, study, influences, metric) });
      }
      return figures;
    }
  }
}
