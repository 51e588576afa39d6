import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { loadSweepFile, parseSweep, type ResolvedSweep } from '../../src/orchestrator/sweep-spec.js';
import type { TrainConfig } from '../../src/transport/protocol.js';
import { trainConfig } from '../helpers/fixtures.js';

/** Keras's defaults as the brief states them, written out rather than imported. */
const defaults: TrainConfig = trainConfig({ train_size: null, epochs: 15 });

const baseOf = (yaml: string): TrainConfig => onlyStudy(parseSweep(yaml, 'base.yaml')).base;
const onlyStudy = (sweep: ResolvedSweep) => {
  expect(sweep.studies).toHaveLength(1);
  return sweep.studies[0] as ResolvedSweep['studies'][number];
};

describe('a minimal W&B file', () => {
  const sweep = parseSweep('parameters:\n  dropout:\n    values: [0, 0.2]\n', 'sweeps/tiny-one.yaml');

  test("resolves every default; the sweep and its one study are named after the file", () => {
    expect(sweep).toMatchObject({ name: 'tiny-one', description: null, method: 'grid', metric: { name: 'val_loss', goal: 'minimize' }, ignoredKeys: [] });
    expect(sweep.sourcePath).toBe('sweeps/tiny-one.yaml');
    expect(sweep.studies).toMatchObject([{ name: 'tiny-one', description: null, base: defaults, parameters: [{ path: 'dropout', values: [0, 0.2] }] }]);
    expect(sweep.specHash).toMatch(/^[0-9a-f]{64}$/);
  });

  test('keeps the W&B keys that do not apply, and lists them', () => {
    const wandb = parseSweep('program: train.py\ncommand: [python, train.py]\nentity: me\nproject: p\nmethod: grid\nparameters:\n  dropout: {values: [0.1], distribution: categorical}\n', 'w.yaml');
    expect(wandb.ignoredKeys).toEqual(['program', 'command', 'entity', 'project']);
    expect(onlyStudy(wandb).parameters).toMatchObject([{ path: 'dropout', values: [0.1] }]);
  });
});

describe('metric', () => {
  test.each([
    ['metric: {name: val_acc}', { name: 'val_accuracy', goal: 'maximize' }],
    ['metric: {name: acc, goal: minimize}', { name: 'accuracy', goal: 'minimize' }],
    ['metric: {name: loss}', { name: 'loss', goal: 'minimize' }],
    ['metric: {name: val_accuracy, goal: maximize, target: 0.9}', { name: 'val_accuracy', goal: 'maximize' }],
  ])('%s', (line, metric) => {
    expect(parseSweep(`${line}\n`, 'm.yaml').metric).toEqual(metric);
  });
});

describe('optimizers resolve to exactly the fields they use, with Keras defaults', () => {
  test.each([
    ['sgd', { name: 'sgd', learning_rate: 0.01, momentum: 0, nesterov: false }],
    ['momentum', { name: 'momentum', learning_rate: 0.01, momentum: 0.9, nesterov: false }],
    ['adagrad', { name: 'adagrad', learning_rate: 0.001, initial_accumulator_value: 0.1, epsilon: 1e-7 }],
    ['adadelta', { name: 'adadelta', learning_rate: 0.001, rho: 0.95, epsilon: 1e-7 }],
    ['rmsprop', { name: 'rmsprop', learning_rate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7 }],
    ['adam', { name: 'adam', learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 }],
    ['nadam', { name: 'nadam', learning_rate: 0.002, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, schedule_decay: 0.004 }],
  ])('%s', (name, optimizer) => {
    expect(baseOf(`base:\n  optimizer: ${name}\n`).optimizer).toEqual(optimizer);
    expect(baseOf(`base:\n  optimizer: {name: ${name}}\n`).optimizer).toEqual(optimizer);
  });

  test('lr is learning_rate; dotted keys are nesting', () => {
    const nested = baseOf('base:\n  optimizer: {name: adam, lr: 0.01, beta_1: 0.8}\n');
    expect(nested.optimizer).toEqual({ name: 'adam', learning_rate: 0.01, beta_1: 0.8, beta_2: 0.999, epsilon: 1e-7 });
    expect(baseOf('base:\n  optimizer: adam\n  optimizer.lr: 0.01\n  optimizer.beta_1: 0.8\n')).toEqual(nested);
  });

  test("a study's different optimizer starts from its own defaults; the same name keeps the sweep's fields", () => {
    const sweep = parseSweep(
      'base:\n  optimizer: {name: sgd, learning_rate: 0.1, momentum: 0.5}\nstudies:\n  other:\n    base: {optimizer: adam}\n  same:\n    base: {optimizer.nesterov: true}\n',
      's.yaml',
    );
    expect(sweep.studies.map((s) => s.base.optimizer)).toEqual([
      { name: 'adam', learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 },
      { name: 'sgd', learning_rate: 0.1, momentum: 0.5, nesterov: true },
    ]);
  });
});

describe('initializer and early stopping', () => {
  test('random_normal defaults to mean 0, stddev 0.05; other initializers have no fields', () => {
    expect(baseOf('base:\n  initializer: random_normal\n').initializer).toEqual({ name: 'random_normal', mean: 0, stddev: 0.05 });
    expect(baseOf('base:\n  initializer: {name: random_normal, stddev: 0.01}\n').initializer).toEqual({ name: 'random_normal', mean: 0, stddev: 0.01 });
    expect(baseOf('base:\n  initializer: he_normal\n').initializer).toEqual({ name: 'he_normal' });
  });

  const keras = { monitor: 'val_loss', patience: 0, min_delta: 0, mode: 'auto', restore_best_weights: false };
  test.each([
    ['true', keras],
    ['false', null],
    ['null', null],
    ['{patience: 2}', { ...keras, patience: 2 }],
    ['{monitor: val_acc, mode: max, restore_best_weights: true}', { ...keras, monitor: 'val_accuracy', mode: 'max', restore_best_weights: true }],
  ])('early_stopping: %s', (value, expected) => {
    expect(baseOf(`base:\n  early_stopping: ${value}\n`).early_stopping).toEqual(expected);
  });

  test('a dotted early-stopping field turns it on with Keras defaults for the rest', () => {
    expect(baseOf('base:\n  early_stopping.patience: 3\n').early_stopping).toEqual({ ...keras, patience: 3 });
  });
});

describe('parameters', () => {
  test('values are canonical: names become objects, aliases their Keras names', () => {
    const study = onlyStudy(
      parseSweep(
        'parameters:\n  optimizer:\n    values: [adam, {name: sgd, lr: 0.1}]\n  optimizer.lr: {value: 0.5}\n  early_stopping: {values: [true, null, {monitor: acc}]}\n  train_size: {values: [null, 1000]}\n',
        'p.yaml',
      ),
    );
    expect(study.parameters.map(({ path, values }) => ({ path, values }))).toEqual([
      { path: 'optimizer', values: [{ name: 'adam' }, { name: 'sgd', learning_rate: 0.1 }] },
      { path: 'optimizer.learning_rate', values: [0.5] },
      { path: 'early_stopping', values: [true, false, { monitor: 'accuracy' }] },
      { path: 'train_size', values: [null, 1000] },
    ]);
  });

  test('W&B nested parameters become dotted paths, in file order', () => {
    const study = onlyStudy(
      parseSweep('parameters:\n  optimizer:\n    parameters:\n      name: {values: [sgd, adam]}\n      lr: {values: [0.1, 0.01]}\n  batch_norm: {values: [true]}\n', 'n.yaml'),
    );
    expect(study.parameters.map((p) => [p.path, p.values])).toEqual([
      ['optimizer.name', ['sgd', 'adam']],
      ['optimizer.learning_rate', [0.1, 0.01]],
      ['batch_norm', [true]],
    ]);
  });

  test('each parameter and value remembers where it was written', () => {
    const study = onlyStudy(parseSweep('parameters:\n  dropout:\n    values: [0, 0.5]\n', 'where.yaml'));
    expect(study.parameters[0]?.source).toEqual({
      path: 'parameters.dropout',
      location: 'where.yaml:2:3',
      values: [
        { path: 'parameters.dropout.values[0]', location: 'where.yaml:3:14' },
        { path: 'parameters.dropout.values[1]', location: 'where.yaml:3:17' },
      ],
    });
  });
});

describe('studies', () => {
  const sweep = parseSweep(
    [
      'name: s',
      'description: several',
      'base: {epochs: 3, dropout: 0.1}',
      'parameters:',
      '  seed: {values: [1, 2]}',
      '  dropout: {values: [0, 0.5]}',
      'studies:',
      '  zeta:',
      '    description: first in the file',
      '    base: {epochs: 5}',
      '    parameters:',
      '      dropout: {values: [0.3]}',
      '  alpha:',
      '    parameters:',
      '      batch_norm: {values: [true, false]}',
    ].join('\n'),
    's.yaml',
  );

  test('keep file order, layer base over the sweep base, and inherit sweep-level parameters first', () => {
    expect(sweep.description).toBe('several');
    expect(sweep.studies.map((s) => [s.name, s.description, s.base.epochs, s.base.dropout])).toEqual([
      ['zeta', 'first in the file', 5, 0.1],
      ['alpha', null, 3, 0.1],
    ]);
    expect(sweep.studies.map((s) => s.parameters.map((p) => `${p.path}=${JSON.stringify(p.values)}`))).toEqual([
      ['seed=[1,2]', 'dropout=[0.3]'],
      ['seed=[1,2]', 'dropout=[0,0.5]', 'batch_norm=[true,false]'],
    ]);
  });

  test("point problems about the whole grid at the study's parameters", () => {
    expect(sweep.studies.map((s) => s.source)).toEqual([
      { path: 'studies.zeta.parameters', location: 's.yaml:11:5' },
      { path: 'studies.alpha.parameters', location: 's.yaml:14:5' },
    ]);
  });
});

describe('specHash', () => {
  const a = 'name: h\nbase:\n  optimizer: {name: adam, learning_rate: 0.01}\nparameters:\n  dropout: {values: [0, 0.1]}\n';
  test('ignores comments, layout, key order and spelling', () => {
    const b = '# same sweep\nparameters:\n  dropout:\n    values:\n      - 0\n      - 0.1\nbase:\n  optimizer.lr: 0.01\n  optimizer.name: adam\nname: h\nmetric: {name: val_loss}\n';
    expect(parseSweep(b, 'elsewhere/b.yaml').specHash).toBe(parseSweep(a, 'a.yaml').specHash);
  });

  test('changes with anything that changes a trial', () => {
    const hash = parseSweep(a, 'a.yaml').specHash;
    expect(parseSweep(a.replace('0.1]', '0.2]'), 'a.yaml').specHash).not.toBe(hash);
    expect(parseSweep(a.replace('0.01', '0.02'), 'a.yaml').specHash).not.toBe(hash);
    expect(parseSweep(a.replace('name: h', 'name: g'), 'a.yaml').specHash).not.toBe(hash);
  });
});

describe('loadSweepFile', () => {
  test('reads and parses a file', async () => {
    expect((await loadSweepFile('sweeps/smoke.yaml')).name).toBe('smoke');
  });

  test('a missing file is a usage error that says so', async () => {
    const missing = loadSweepFile('sweeps/no-such-sweep.yaml');
    await expect(missing).rejects.toBeInstanceOf(UsageError);
    await expect(missing).rejects.toMatchObject({ code: 'SPEC_NOT_FOUND', message: 'cannot read sweeps/no-such-sweep.yaml: no such file' });
  });

  test('a directory is not a sweep file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sweep-spec-'));
    await expect(loadSweepFile(dir)).rejects.toMatchObject({ code: 'SPEC_NOT_FOUND', message: `cannot read ${dir}: it is a directory` });
  });
});
