import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FINISHED_STATES } from '../../src/orchestrator/domain.js';
import { buildReport, figureKindOf, loadReportModel, PNG_SCALE, renderFigure, type ReportFile } from '../../src/report/index.js';
import { openSqliteStore, type SweepStore } from '../../src/store/index.js';
import { buildReportFixture, type ReportFixture } from './fixture.js';
import { decodePng, pixelStats } from './png.js';
import { countMarks, lineMarks, svgSize, texts, trialOf } from './svg.js';

let fixture: ReportFixture;
let store: SweepStore;
let demo: ReportFile[];
let grid: ReportFile[];
let kinds: ReportFile[];

beforeAll(async () => {
  fixture = buildReportFixture();
  store = openSqliteStore(fixture.storePath, { readonly: true });
  demo = await buildReport(loadReportModel(store, store.getSweep(fixture.running)!));
  grid = await buildReport(loadReportModel(store, store.getSweep(fixture.grid)!));
  kinds = await buildReport(loadReportModel(store, store.getSweep(fixture.kinds)!));
});
afterAll(() => {
  store.close();
  rmSync(fixture.dir, { recursive: true, force: true });
});

function file(files: ReportFile[], name: string): ReportFile {
  const found = files.find((f) => f.name === name);
  if (!found) throw new Error(`no ${name} among ${files.map((f) => f.name).join(', ')}`);
  return found;
}
const text = (files: ReportFile[], name: string): string => String(file(files, name).content);

describe('figure choice', () => {
  it('follows what a study varies, as the reference plots it', () => {
    expect(figureKindOf(['optimizer'])).toBe('optimizer');
    expect(figureKindOf(['optimizer.learning_rate'])).toBe('optimizer');
    expect(figureKindOf(['initializer'])).toBe('initializer');
    expect(figureKindOf(['batch_norm'])).toBe('batch_norm');
    expect(figureKindOf(['weight_decay'])).toBe('weight_decay');
    expect(figureKindOf(['dropout'])).toBe('dropout');
    expect(figureKindOf(['early_stopping'])).toBe('early_stopping');
    expect(figureKindOf(['optimizer', 'dropout'])).toBe('general');
    expect(figureKindOf(['seed'])).toBe('general');
    expect(figureKindOf([])).toBe('general');
  });

  it('writes one figure per named study and two for a grid, plus the pages', () => {
    expect(demo.map((f) => f.name)).toEqual(['optimizers.svg', 'optimizers.png', 'early_stopping.svg', 'early_stopping.png', 'index.html', 'summary.md']);
    expect(grid.map((f) => f.name)).toEqual(['grid.svg', 'grid.png', 'grid-parallel.svg', 'grid-parallel.png', 'index.html', 'summary.md']);
  });
});

describe('optimizer study figure', () => {
  it('draws training loss, one line per trial, from each trial latest attempt', () => {
    const svg = text(demo, 'optimizers.svg');
    const lines = lineMarks(svg);
    expect(lines.map((l) => trialOf(l.label)).sort()).toEqual(['opt-adam', 'opt-nadam', 'opt-sgd']);
    const epochsOf = (id: string) => store.listEpochs(fixture.running, id).filter((e) => e.attempt === Math.max(...store.listEpochs(fixture.running, id).map((x) => x.attempt)));
    for (const line of lines) {
      const id = trialOf(line.label)!;
      expect(line.points).toBe(epochsOf(id).length);
      // The first point's value is the training loss of epoch 1 (aria label rounds to vega's precision).
      const first = Number(/training loss \(cross-entropy\): ([\d.]+)/.exec(line.label)?.[1]);
      expect(first).toBeCloseTo(epochsOf(id)[0]!.loss, 6);
    }
    // nadam's abandoned first attempt had 2 epochs; its running second attempt has 3.
    expect(lines.find((l) => trialOf(l.label) === 'opt-nadam')).toMatchObject({ points: 3, dashed: true });
    expect(lines.filter((l) => l.dashed)).toHaveLength(1);
  });

  it('has a title naming the study, axis titles with units and a legend that marks the running trial', () => {
    const words = texts(text(demo, 'optimizers.svg'));
    expect(words).toContain('optimizers: training loss by optimizer');
    expect(words).toContain('epoch');
    expect(words).toContain('training loss (cross-entropy)');
    expect(words).toContain('optimizer');
    expect(words).toEqual(expect.arrayContaining(['sgd(lr=0.1)', 'adam(lr=0.001)', 'nadam(lr=0.002) (running, 3/6 epochs)']));
  });
});

describe('early stopping study figure', () => {
  it('draws training and test accuracy and loss in a panel per setting, marking where training stopped', () => {
    const svg = text(demo, 'early_stopping.svg');
    const lines = lineMarks(svg);
    // 2 trials x (accuracy, loss) x (training, test).
    expect(lines).toHaveLength(8);
    for (const id of ['es-on', 'es-off']) {
      const own = lines.filter((l) => trialOf(l.label) === id);
      expect(own).toHaveLength(4);
      expect(new Set(own.map((l) => l.points))).toEqual(new Set([store.listEpochs(fixture.running, id).length]));
      expect(own.filter((l) => l.label.includes('data: training'))).toHaveLength(2);
      expect(own.filter((l) => l.label.includes('data: test'))).toHaveLength(2);
    }
    // One rule and one label in each of the stopped trial's two panels, none for the other trial.
    expect(countMarks(svg, 'rule mark')).toBe(2);
    const words = texts(svg);
    expect(words.filter((w) => w === 'stopped at epoch 4')).toHaveLength(2);
    expect(words).toEqual(expect.arrayContaining(['with early stopping (val_loss, patience 2)', 'without early stopping', 'accuracy', 'loss (cross-entropy)', 'epoch', 'training', 'test']));
    expect(words.some((w) => w.startsWith('early_stopping: '))).toBe(true);
  });
});

describe('the other chapter-6 experiments', () => {
  /** Each line's trial and the value its aria label gives for the first epoch. */
  function firstValues(svg: string, yTitle: string): Map<string, number> {
    const pattern = new RegExp(`${yTitle.replace(/[()]/g, '\\$&')}: ([\\d.]+)`);
    return new Map(lineMarks(svg).map((l) => [trialOf(l.label)!, Number(pattern.exec(l.label)?.[1])]));
  }
  const epoch1 = (id: string) => store.listEpochs(fixture.kinds, id)[0]!;

  it('plots training loss per initializer', () => {
    const svg = text(kinds, 'initializers.svg');
    const values = firstValues(svg, 'training loss (cross-entropy)');
    expect([...values.keys()].sort()).toEqual(['init-he', 'init-rn']);
    for (const [id, value] of values) expect(value).toBeCloseTo(epoch1(id).loss, 6);
    expect(texts(svg)).toEqual(expect.arrayContaining(['initializers: training loss by initializer', 'he_uniform', 'random_normal(stddev=0.01)']));
  });

  it('plots training accuracy with and without batch norm', () => {
    const svg = text(kinds, 'batch_norm.svg');
    const values = firstValues(svg, 'training accuracy');
    expect([...values.keys()].sort()).toEqual(['bn-off', 'bn-on']);
    for (const [id, value] of values) expect(value).toBeCloseTo(epoch1(id).accuracy, 6);
    expect(texts(svg)).toEqual(expect.arrayContaining(['with batch norm', 'without batch norm']));
  });

  it('plots training and test accuracy in a panel per weight decay setting', () => {
    const svg = text(kinds, 'weight_decay.svg');
    const lines = lineMarks(svg);
    expect(lines).toHaveLength(4);
    for (const line of lines) {
      const e = epoch1(trialOf(line.label)!);
      const value = Number(/accuracy: ([\d.]+)/.exec(line.label)?.[1]);
      expect(value).toBeCloseTo(line.label.includes('data: training') ? e.accuracy : e.val_accuracy, 6);
    }
    expect(texts(svg)).toEqual(expect.arrayContaining(['with weight decay 0.1', 'without weight decay', 'accuracy']));
    expect(texts(svg)).not.toContain('loss (cross-entropy)');
  });

  it('plots training and test accuracy and loss in panels per dropout setting', () => {
    const svg = text(kinds, 'dropout.svg');
    const lines = lineMarks(svg);
    expect(lines).toHaveLength(8);
    for (const line of lines) {
      const e = epoch1(trialOf(line.label)!);
      const training = line.label.includes('data: training');
      const accuracy = /; accuracy: ([\d.]+)/.exec(line.label)?.[1];
      const loss = /loss \(cross-entropy\): ([\d.]+)/.exec(line.label)?.[1];
      if (accuracy !== undefined) expect(Number(accuracy)).toBeCloseTo(training ? e.accuracy : e.val_accuracy, 6);
      else expect(Number(loss)).toBeCloseTo(training ? e.loss : e.val_loss, 6);
    }
    expect(texts(svg)).toEqual(expect.arrayContaining(['with dropout 0.15', 'without dropout', 'accuracy', 'loss (cross-entropy)']));
    expect(countMarks(svg, 'rule mark')).toBe(0);
  });
});

describe('general form (a grid study)', () => {
  it('draws the sweep metric per trial coloured by the parameter that moves it most', () => {
    const svg = text(grid, 'grid.svg');
    const withEpochs = store.listTrials(fixture.grid).filter((t) => store.listEpochs(fixture.grid, t.trialId).length > 0);
    const lines = lineMarks(svg);
    expect(lines.map((l) => trialOf(l.label)).sort()).toEqual(withEpochs.map((t) => t.trialId).sort());
    // The failed trial's partial curve is dashed.
    expect(lines.filter((l) => l.dashed).map((l) => trialOf(l.label))).toEqual(['g-adam-0.15']);
    const words = texts(svg);
    expect(words).toEqual(expect.arrayContaining(['grid: val_accuracy per epoch', 'epoch', 'val_accuracy', 'dropout']));
  });

  it('draws one parallel-coordinates line per finished trial, across each parameter and the final metric', () => {
    const svg = text(grid, 'grid-parallel.svg');
    const finished = store.listTrials(fixture.grid).filter((t) => FINISHED_STATES.has(t.state));
    const lines = lineMarks(svg);
    expect(lines.map((l) => trialOf(l.label)).sort()).toEqual(finished.map((t) => t.trialId).sort());
    for (const line of lines) expect(line.points).toBe(3);
    expect(texts(svg)).toEqual(expect.arrayContaining(['optimizer', 'dropout', 'final val_accuracy', 'sgd(lr=0.01)', 'adam(lr=0.001)', '0.15']));
  });

  it('tabulates how much each parameter moves the mean final metric', () => {
    // Recomputed from the store: mean final val_accuracy of finished trials per dropout value.
    const finals = new Map<string, number>();
    for (const t of store.listTrials(fixture.grid).filter((t) => FINISHED_STATES.has(t.state))) {
      finals.set(t.trialId, store.listEpochs(fixture.grid, t.trialId).at(-1)!.val_accuracy);
    }
    const meanOf = (ids: string[]) => ids.reduce((s, id) => s + finals.get(id)!, 0) / ids.length;
    const byDropout = [meanOf(['g-sgd-0', 'g-adam-0']), meanOf(['g-sgd-0.15']), meanOf(['g-sgd-0.3'])];
    const spread = Math.max(...byDropout) - Math.min(...byDropout);
    const html = text(grid, 'index.html');
    const row = /<tr><td>dropout<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><td class="num">([^<]*)<\/td><\/tr>/.exec(html);
    expect(row?.[1]).toBe(`0: ${byDropout[0]!.toFixed(4)} (2); 0.15: ${byDropout[1]!.toFixed(4)} (2); 0.3: ${byDropout[2]!.toFixed(4)} (2)`);
    expect(row?.[2]).toBe('0');
    expect(row?.[3]).toBe(spread.toFixed(4));
  });
});

describe('PNG output', () => {
  it('is a real PNG at twice the SVG size, with text and many colours', () => {
    for (const files of [demo, grid]) {
      for (const png of files.filter((f) => f.name.endsWith('.png'))) {
        const bytes = png.content as Buffer;
        expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
        expect(bytes.toString('latin1', 12, 16)).toBe('IHDR');
        const size = svgSize(text(files, png.name.replace(/\.png$/, '.svg')));
        expect({ width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) }).toEqual({ width: size.width * PNG_SCALE, height: size.height * PNG_SCALE });
        const stats = pixelStats(decodePng(bytes));
        expect(stats.colours, png.name).toBeGreaterThan(100);
        expect(stats.darkShare, png.name).toBeGreaterThan(0.005);
      }
    }
  });

  it('renders text with the fonts found on this machine (else install fonts-dejavu or fonts-liberation)', async () => {
    const spec = { data: { values: [{ t: 'epoch loss accuracy' }] }, mark: { type: 'text', fontSize: 30 }, encoding: { text: { field: 't', type: 'nominal' } } } as const;
    const image = decodePng((await renderFigure({ ...spec, background: 'white', config: { font: 'DejaVu Sans, Liberation Sans, Arial, sans-serif' } }, 't')).png);
    expect(pixelStats(image).darkShare).toBeGreaterThan(0.01);
  });
});

describe('determinism and progress', () => {
  it('renders the same bytes twice for the same data', async () => {
    const again = await buildReport(loadReportModel(store, store.getSweep(fixture.running)!));
    expect(again.map((f) => f.name)).toEqual(demo.map((f) => f.name));
    for (const [i, f] of again.entries()) expect(Buffer.from(f.content).equals(Buffer.from(demo[i]!.content)), f.name).toBe(true);
  });

  it('says at the top of both pages that a sweep is still running, and not for a finished one', () => {
    const notice = 'This sweep is still running. 4 of 5 trials have finished';
    expect(text(demo, 'index.html').indexOf(notice)).toBeGreaterThan(0);
    expect(text(demo, 'index.html').indexOf(notice)).toBeLessThan(text(demo, 'index.html').indexOf('Leaderboard'));
    expect(text(demo, 'summary.md').split('\n').slice(0, 4).join('\n')).toContain(notice);
    expect(text(grid, 'index.html')).not.toContain('still running');
  });

  it('summary.md holds the leaderboard and a final-metrics table per study', () => {
    const md = text(demo, 'summary.md');
    const trials = store.listTrials(fixture.running);
    const leaderboard = md.slice(md.indexOf('## Leaderboard'), md.indexOf('## Study'));
    for (const t of trials) expect(leaderboard).toContain(`| ${t.trialId} |`);
    expect(md).toContain('## Study optimizers');
    expect(md).toContain('## Study early_stopping');
    const es = store.listEpochs(fixture.running, 'es-on').at(-1)!;
    expect(md).toContain(`| with early stopping (val_loss, patience 2) | stopped_early | 4/8 | ${es.loss.toFixed(4)} | ${es.accuracy.toFixed(4)} | ${es.val_loss.toFixed(4)} | ${es.val_accuracy.toFixed(4)} |`);
  });
});
