import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { expandSweep } from '../../src/orchestrator/expand.js';
import { parseSweep, type ResolvedSweep } from '../../src/orchestrator/sweep-spec.js';

const sweepOf = (yaml: string, file = 'x.yaml') => parseSweep(yaml, file);

describe('expandSweep', () => {
  test('takes the cartesian product in declaration order, the last parameter fastest', () => {
    const trials = expandSweep(sweepOf('parameters:\n  optimizer: {values: [sgd, adam]}\n  dropout: {values: [0, 0.1, 0.2]}\n'));
    expect(trials.map((t) => [t.position, t.config.optimizer.name, t.config.dropout])).toEqual([
      [0, 'sgd', 0],
      [1, 'sgd', 0.1],
      [2, 'sgd', 0.2],
      [3, 'adam', 0],
      [4, 'adam', 0.1],
      [5, 'adam', 0.2],
    ]);
    expect(trials.every((t) => t.study === 'x' && t.varied.join() === 'optimizer,dropout')).toBe(true);
  });

  test('runs studies in file order with positions over the whole list', () => {
    const trials = expandSweep(sweepOf('studies:\n  b:\n    parameters: {seed: {values: [1, 2]}}\n  a:\n    base: {epochs: 1}\n'));
    expect(trials.map((t) => [t.study, t.position, t.config.seed, t.config.epochs, t.varied])).toEqual([
      ['b', 0, 1, 15, ['seed']],
      ['b', 1, 2, 15, ['seed']],
      ['a', 2, 0, 1, []],
    ]);
  });

  test('applies field parameters over whole-object ones and the base', () => {
    const trials = expandSweep(
      sweepOf('base: {optimizer: {name: sgd, momentum: 0.5}}\nparameters:\n  optimizer.name: {values: [sgd, adam]}\n  optimizer.learning_rate: {values: [0.1]}\n'),
    );
    expect(trials.map((t) => t.config.optimizer)).toEqual([
      { name: 'sgd', learning_rate: 0.1, momentum: 0.5, nesterov: false },
      { name: 'adam', learning_rate: 0.1, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 },
    ]);
  });

  test('drops combinations that resolve to an earlier config of the same study, keeping the first', () => {
    const sweep = sweepOf(
      'studies:\n  s:\n    parameters:\n      optimizer: {values: [sgd, {name: sgd, learning_rate: 0.01}, adam, {name: sgd, lr: 0.1}]}\n      early_stopping: {values: [false, null]}\n  t:\n    parameters:\n      optimizer: {values: [sgd]}\n',
    );
    const trials = expandSweep(sweep);
    expect(trials.map((t) => [t.study, t.position, t.config.optimizer.name, t.config.optimizer.learning_rate])).toEqual([
      ['s', 0, 'sgd', 0.01],
      ['s', 1, 'adam', 0.001],
      ['s', 2, 'sgd', 0.1],
      // The same config in another study is another trial.
      ['t', 3, 'sgd', 0.01],
    ]);
    expect(trials[0]?.config).toEqual(trials[3]?.config);
    expect(trials[0]?.trialId).not.toBe(trials[3]?.trialId);
  });

  test('a study without parameters is its base, once', () => {
    const trials = expandSweep(sweepOf('base: {epochs: 2}\n'));
    expect(trials).toHaveLength(1);
    expect(trials[0]).toMatchObject({ position: 0, varied: [], config: { epochs: 2 } });
  });
});

describe('trial ids', () => {
  const yaml = 'base:\n  optimizer: {name: adam, learning_rate: 0.01}\nparameters:\n  dropout: {values: [0, 0.1]}\n  seed: {values: [1, 2]}\n';

  test('are 12 hex digits of SHA-256 over the sorted-key JSON of {study, config}', () => {
    const sorted = (v: unknown): unknown =>
      v !== null && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])]))
        : v;
    for (const t of expandSweep(sweepOf(yaml))) {
      const digest = createHash('sha256').update(JSON.stringify(sorted({ study: t.study, config: t.config }))).digest('hex');
      expect(t.trialId).toBe(digest.slice(0, 12));
    }
  });

  test('are distinct, and stable across parses and key order or spelling', () => {
    const ids = expandSweep(sweepOf(yaml)).map((t) => t.trialId);
    expect(new Set(ids).size).toBe(4);
    expect(expandSweep(sweepOf(yaml)).map((t) => t.trialId)).toEqual(ids);
    const reordered = 'parameters:\n  dropout: {values: [0, 0.1]}\n  seed: {values: [1, 2]}\nbase:\n  optimizer.lr: 0.01\n  optimizer.name: adam\n';
    expect(expandSweep(sweepOf(reordered)).map((t) => t.trialId)).toEqual(ids);
  });

  test('differ when the study name or any setting differs', () => {
    const [first] = expandSweep(sweepOf(yaml));
    expect(expandSweep(sweepOf(yaml, 'other-name.yaml'))[0]?.trialId).not.toBe(first?.trialId);
    expect(expandSweep(sweepOf(yaml.replace('0.01', '0.02')))[0]?.trialId).not.toBe(first?.trialId);
  });
});

describe('expansion is a pure function of the resolved sweep', () => {
  test('does not modify the sweep, and shares no object between trials or with the sweep', () => {
    const sweep = sweepOf('parameters:\n  seed: {values: [1, 2]}\n  early_stopping: {values: [{patience: 1}]}\n');
    const deepFreeze = <T>(v: T): T => {
      if (v !== null && typeof v === 'object') for (const child of Object.values(Object.freeze(v))) deepFreeze(child);
      return v;
    };
    const before = JSON.stringify(sweep);
    const [first, second] = expandSweep(deepFreeze(sweep) as ResolvedSweep);
    expect(JSON.stringify(sweep)).toBe(before);
    first!.config.optimizer.learning_rate = 99;
    first!.config.initializer.name = 'he_normal';
    first!.config.early_stopping!.patience = 9;
    expect(second?.config.optimizer.learning_rate).toBe(0.01);
    expect(second?.config.initializer.name).toBe('glorot_uniform');
    expect(second?.config.early_stopping?.patience).toBe(1);
  });

  test('a 10,000-trial grid expands well under a second', () => {
    const sweep = sweepOf(
      [
        'parameters:',
        '  optimizer: {values: [sgd, momentum, adagrad, adadelta, rmsprop, adam, nadam, {name: sgd, lr: 0.1}, {name: adam, lr: 0.01}, {name: nadam, lr: 0.01}]}',
        '  initializer: {values: [glorot_uniform, glorot_normal, he_uniform, he_normal, random_normal]}',
        '  dropout: {values: [0, 0.1, 0.2, 0.3, 0.4]}',
        '  weight_decay: {values: [0, 0.001, 0.01, 0.1]}',
        '  early_stopping: {values: [false, true, {patience: 2}, {patience: 5}, {patience: 10}]}',
        '  batch_norm: {values: [false, true]}',
      ].join('\n'),
    );
    expandSweep(sweep); // warm up the JIT, as a long-lived CLI would be by its second sweep
    const started = performance.now();
    const trials = expandSweep(sweep);
    const elapsedMs = performance.now() - started;
    expect(trials).toHaveLength(10_000);
    expect(new Set(trials.map((t) => t.trialId)).size).toBe(10_000);
    expect(elapsedMs).toBeLessThan(1000);
  });
});
