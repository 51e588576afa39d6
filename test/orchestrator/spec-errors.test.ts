import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { SpecError } from '../../src/errors.js';
import { expandSweep } from '../../src/orchestrator/expand.js';
import { parseSweep } from '../../src/orchestrator/sweep-spec.js';

const dir = fileURLToPath(new URL('../fixtures/sweeps/invalid/', import.meta.url));
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

/** Parses and expands, as `sweep validate` does, and returns the SpecError it must throw. */
function specErrorOf(text: string, file: string, options?: Parameters<typeof expandSweep>[1]): SpecError {
  try {
    expandSweep(parseSweep(text, file), options);
  } catch (err) {
    if (err instanceof SpecError) return err;
    throw err;
  }
  throw new Error(`${file} was accepted`);
}

describe('invalid fixtures: every problem at once, worded and located as in <name>.errors.txt', () => {
  test.each(fixtures)('%s', (file) => {
    const expected = join(file.replace(/\.yaml$/, '.errors.txt'));
    const error = specErrorOf(readFileSync(join(file), 'utf8'), file);
    expect(error.code).toBe('INVALID_SPEC');
    expect(`${error.message}\n`).toBe(readFileSync(expected, 'utf8'));
  });

  test('every fixture has its expected errors', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(15);
    for (const file of fixtures) expect(existsSync(join(file.replace(/\.yaml$/, '.errors.txt'))), file).toBe(true);
  });
});

function join(file: string): string {
  return `${dir}${file}`;
}

describe('problem classes (structured: location, path, message)', () => {
  test("the documented shape: 'ch6.yaml:12:9: <path> must be > 0 (got -0.1)'", () => {
    const text = [
      'name: ch6',
      'studies:',
      '  optimizers:',
      '    parameters:',
      '      optimizer:',
      '        values:',
      '          - name: sgd',
      '            learning_rate: -0.1',
      '          - adam',
    ].join('\n');
    const error = specErrorOf(text, 'ch6.yaml');
    expect(error.problems).toEqual([
      { location: 'ch6.yaml:8:28', path: 'studies.optimizers.parameters.optimizer.values[0].learning_rate', message: 'studies.optimizers.parameters.optimizer.values[0].learning_rate must be > 0 (got -0.1)' },
    ]);
    expect(error.message).toBe('ch6.yaml has 1 problem:\n  ch6.yaml:8:28: studies.optimizers.parameters.optimizer.values[0].learning_rate must be > 0 (got -0.1)');
  });

  test("YAML syntax errors keep the yaml package's own words and location, all of them, and stop there", () => {
    const error = specErrorOf('name: x\nbase:\n  epochs: 3\n   dropout: 0.1\n', 'syntax.yaml');
    expect(error.problems).toEqual([
      { location: 'syntax.yaml:3:11', path: '', message: 'invalid YAML: Nested mappings are not allowed in compact mappings' },
      { location: 'syntax.yaml:3:11', path: '', message: 'invalid YAML: Implicit keys need to be on a single line' },
    ]);
    expect(specErrorOf('base:\n\tepochs: 3\n', 'tab.yaml').problems).toEqual([
      { location: 'tab.yaml:2:1', path: '', message: 'invalid YAML: Tabs are not allowed as indentation' },
    ]);
  });

  test('an alias without its anchor is a YAML error, not a crash', () => {
    const error = specErrorOf('base:\n  optimizer: *opt\n', 'alias.yaml');
    expect(error.problems).toEqual([{ location: 'alias.yaml:2:14', path: '', message: 'invalid YAML: alias *opt has no anchor &opt before it' }]);
  });

  test('unknown keys point at the key, with the nearest known one', () => {
    const error = specErrorOf('studies:\n  a:\n    bse: {}\n    base:\n      optimizer: {name: adam, beta_2: 0.99, betta_1: 0.8}\n', 'keys.yaml');
    expect(error.problems).toEqual([
      { location: 'keys.yaml:3:5', path: 'studies.a.bse', message: "unknown key 'studies.a.bse'; did you mean 'base'?" },
      { location: 'keys.yaml:5:45', path: 'studies.a.base.optimizer.betta_1', message: "unknown key 'studies.a.base.optimizer.betta_1'; did you mean 'beta_1'?" },
    ]);
  });

  test('an unknown key with nothing close lists what is expected', () => {
    const error = specErrorOf('studies:\n  a:\n    xyz: 1\n', 'far.yaml');
    expect(error.problems[0]?.message).toBe("unknown key 'studies.a.xyz' (expected one of description, base, parameters)");
  });

  test('a bare Keras field at the top of base suggests its dotted home', () => {
    const error = specErrorOf('base:\n  learning_rate: 0.1\n', 'dotted.yaml');
    expect(error.problems[0]?.message).toBe("unknown key 'base.learning_rate'; did you mean 'optimizer.learning_rate'?");
  });

  test('a grid over the limit points at the parameters; --yes (allowLarge) or a higher limit lets it through', () => {
    const text = 'parameters:\n  seed: {values: [0, 1, 2, 3, 4, 5]}\n  dropout: {values: [0, 0.1]}\n';
    const error = specErrorOf(text, 'grid.yaml', { maxTrials: 11 });
    expect(error.problems).toEqual([{ location: 'grid.yaml:1:1', path: 'parameters', message: 'the grid has 12 trials, over the 11 limit; pass --yes to run it anyway' }]);
    const sweep = parseSweep(text, 'grid.yaml');
    expect(expandSweep(sweep, { maxTrials: 11, allowLarge: true })).toHaveLength(12);
    expect(expandSweep(sweep, { maxTrials: 12 })).toHaveLength(12);
  });

  test('the default limit is 10,000 trials', () => {
    const list = (n: number, from: number) => `{values: [${Array.from({ length: n }, (_, i) => i + from).join(', ')}]}`;
    const grid = (units: number) => parseSweep(`parameters:\n  seed: ${list(100, 0)}\n  units: ${list(units, 1)}\n`, 'limit.yaml');
    expect(expandSweep(grid(100))).toHaveLength(10_000);
    expect(() => expandSweep(grid(101))).toThrow('the grid has 10,100 trials, over the 10,000 limit; pass --yes to run it anyway');
  });

  test('an invalid combination names the values it was combined with, once per distinct problem', () => {
    const text = 'parameters:\n  optimizer:\n    values: [adam, sgd]\n  optimizer.beta_1:\n    values: [0.8]\n  seed: {values: [1, 2, 3]}\n';
    const error = specErrorOf(text, 'combo.yaml');
    expect(error.problems).toEqual([
      {
        location: 'combo.yaml:5:14',
        path: 'parameters.optimizer.beta_1.values[0]',
        message: "parameters.optimizer.beta_1.values[0] is not used by optimizer 'sgd' (it uses learning_rate, momentum, nesterov), combined with optimizer: {name: sgd}",
      },
    ]);
  });

  test('an error message never carries a stack trace', () => {
    for (const file of fixtures) {
      const error = specErrorOf(readFileSync(join(file), 'utf8'), file);
      expect(error.message).not.toMatch(/\n\s+at /);
    }
  });
});
