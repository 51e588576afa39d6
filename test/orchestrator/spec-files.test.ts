import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import * as z from 'zod';
import { expandSweep } from '../../src/orchestrator/expand.js';
import { loadSweepFile, parseSweep, sweepJsonSchema } from '../../src/orchestrator/sweep-spec.js';
import type { TrainConfig } from '../../src/transport/protocol.js';
import { trainConfig } from '../helpers/fixtures.js';

/** The reference's common model ("The common model" in ch6-experiments.md); the helper writes it out rather than importing the defaults. */
const common: TrainConfig = trainConfig({ train_size: null, epochs: 15 });
const sgd = (learning_rate: number) => ({ name: 'sgd' as const, learning_rate, momentum: 0, nesterov: false });
const smallNormal = { name: 'random_normal' as const, mean: 0, stddev: 0.01 };

describe('sweeps/ch6.yaml', () => {
  const sweep = parseSweep(readFileSync('sweeps/ch6.yaml', 'utf8'), 'sweeps/ch6.yaml');
  const trials = expandSweep(sweep);
  const configsOf = (study: string) => trials.filter((t) => t.study === study).map((t) => t.config);

  test('has the six studies of the reference, in its order, ranked by val_loss', () => {
    expect(sweep.name).toBe('ch6');
    expect(sweep.metric).toEqual({ name: 'val_loss', goal: 'minimize' });
    expect(sweep.studies.map((s) => s.name)).toEqual(['optimizers', 'initializers', 'batch_norm', 'weight_decay', 'dropout', 'early_stopping']);
    // 5 + 3 + 2 + 2 + 2 + 2: the reference's table lists 16 runs.
    expect(trials.map((t) => t.study)).toEqual([
      ...Array(5).fill('optimizers'),
      ...Array(3).fill('initializers'),
      ...Array(2).fill('batch_norm'),
      ...Array(2).fill('weight_decay'),
      ...Array(2).fill('dropout'),
      ...Array(2).fill('early_stopping'),
    ]);
  });

  test('1 optimizers: SGD/Adagrad/Adadelta at lr 0.1, Adam and Nadam at Keras defaults; sigmoid', () => {
    const base = { ...common, activation: 'sigmoid' as const };
    expect(configsOf('optimizers')).toEqual([
      { ...base, optimizer: sgd(0.1) },
      { ...base, optimizer: { name: 'adagrad', learning_rate: 0.1, initial_accumulator_value: 0.1, epsilon: 1e-7 } },
      { ...base, optimizer: { name: 'adadelta', learning_rate: 0.1, rho: 0.95, epsilon: 1e-7 } },
      { ...base, optimizer: { name: 'adam', learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 } },
      { ...base, optimizer: { name: 'nadam', learning_rate: 0.002, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, schedule_decay: 0.004 } },
    ]);
  });

  test('2 initializers: glorot_uniform, he_uniform, random_normal(0.01); ReLU, SGD 0.01', () => {
    expect(configsOf('initializers')).toEqual([
      common,
      { ...common, initializer: { name: 'he_uniform' } },
      { ...common, initializer: smallNormal },
    ]);
  });

  test('3 batch norm: with / without, random_normal(0.01), SGD 0.01', () => {
    const base = { ...common, initializer: smallNormal };
    expect(configsOf('batch_norm')).toEqual([{ ...base, batch_norm: true }, base]);
  });

  test('4 weight decay: 0.1 / 0 with batch norm, random_normal(0.01), first 30,000 images', () => {
    const base = { ...common, initializer: smallNormal, batch_norm: true, train_size: 30000 };
    expect(configsOf('weight_decay')).toEqual([{ ...base, weight_decay: 0.1 }, base]);
  });

  test('5 dropout: 0.15 / 0, default init, first 10,000 images, 300 epochs', () => {
    const base = { ...common, train_size: 10000, epochs: 300 };
    expect(configsOf('dropout')).toEqual([{ ...base, dropout: 0.15 }, base]);
  });

  test('6 early stopping: val_loss patience 2 / none, dropout 0.15, first 10,000 images, up to 100 epochs', () => {
    const base = { ...common, train_size: 10000, epochs: 100, dropout: 0.15 };
    expect(configsOf('early_stopping')).toEqual([
      { ...base, early_stopping: { monitor: 'val_loss', patience: 2, min_delta: 0, mode: 'auto', restore_best_weights: false } },
      base,
    ]);
  });

  test('every trial uses SGD at lr 0.01 except in the optimizer study', () => {
    for (const t of trials.filter((t) => t.study !== 'optimizers')) expect(t.config.optimizer).toEqual(sgd(0.01));
  });
});

describe('sweeps/ch6-grid.yaml', () => {
  test('is the full technique grid, under the 10,000-trial limit', async () => {
    const sweep = await loadSweepFile('sweeps/ch6-grid.yaml');
    const trials = expandSweep(sweep);
    expect(trials).toHaveLength(7 * 5 * 2 * 3 * 3 * 2);
    expect(new Set(trials.map((t) => t.trialId)).size).toBe(trials.length);
    expect(sweep.studies[0]?.parameters.map((p) => p.path)).toEqual(['optimizer', 'initializer', 'batch_norm', 'weight_decay', 'dropout', 'early_stopping']);
    const names = new Set(trials.map((t) => t.config.optimizer.name));
    expect([...names]).toEqual(['sgd', 'momentum', 'adagrad', 'adadelta', 'rmsprop', 'adam', 'nadam']);
    expect(trials[0]?.config.optimizer).toEqual(sgd(0.1));
  });
});

describe('sweeps/smoke.yaml', () => {
  test('is 4 short trials: sgd/adam x batch norm off/on, 2 epochs on 2,000 images', async () => {
    const trials = expandSweep(await loadSweepFile('sweeps/smoke.yaml'));
    expect(trials.map((t) => [t.config.optimizer.name, t.config.batch_norm])).toEqual([
      ['sgd', false],
      ['sgd', true],
      ['adam', false],
      ['adam', true],
    ]);
    for (const t of trials) expect([t.config.epochs, t.config.train_size]).toEqual([2, 2000]);
  });
});

describe('sweeps/sweep.schema.json', () => {
  test.each(['ch6', 'ch6-grid', 'smoke'])('%s.yaml points editors at the schema', (name) => {
    expect(readFileSync(`sweeps/${name}.yaml`, 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=./sweep.schema.json');
  });

  test('is the schema sweepJsonSchema() generates (regenerate: npx vitest run test/orchestrator/spec-files.test.ts -u)', async () => {
    await expect(`${JSON.stringify(sweepJsonSchema(), null, 2)}\n`).toMatchFileSnapshot('../../sweeps/sweep.schema.json');
  });

  test('describes the keys editors should complete and rejects unknown ones', () => {
    const schema = sweepJsonSchema() as { $schema: string; properties: Record<string, unknown>; additionalProperties: boolean };
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['name', 'method', 'metric', 'parameters', 'base', 'studies', 'program']));
    expect(schema.additionalProperties).toBe(false);
  });

  // zod's (experimental) JSON Schema reader stands in for an editor's validator.
  test('as JSON Schema, accepts the shipped files and flags what the parser flags', () => {
    const editor = z.fromJSONSchema(sweepJsonSchema() as z.core.JSONSchema.JSONSchema);
    for (const name of ['ch6', 'ch6-grid', 'smoke']) expect(editor.safeParse(parse(readFileSync(`sweeps/${name}.yaml`, 'utf8'))).success).toBe(true);
    const bad = editor.safeParse({ paramters: {}, base: { dropout: 'x', optimizer: { name: 'adamm' } }, parameters: { dropout: { min: 0 } } });
    expect(bad.error?.issues.map((i) => i.path.join('.'))).toEqual(['base.optimizer', 'base.dropout', 'parameters.dropout.min', '']);
  });
});
