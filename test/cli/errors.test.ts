import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';

/** A user's mistake gets a message and an exit code, never a stack trace, and writes nothing. */
function expectCleanFailure(result: { code: number | null; stderr: string }, code: number, message: RegExp): void {
  expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(/internal error|\n\s+at \S+ \(/);
  expect(result.code).toBe(code);
}

describe('the command line on bad input', () => {
  it('explains an unknown command and a missing one', async () => {
    expectCleanFailure(await runCli(['frobnicate']), 2, /unknown command 'frobnicate'/);
    const bare = await runCli([]);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toMatch(/Usage: sweep <command>/);
  });

  it('explains unknown and missing options', async () => {
    expectCleanFailure(await runCli(['run', 'sweeps/smoke.yaml', '--wokers', '2']), 2, /Unknown option '--wokers'/);
    expectCleanFailure(await runCli(['run']), 2, /which sweep file\?/);
    expectCleanFailure(await runCli(['run', 'sweeps/smoke.yaml', '--workers', '0']), 2, /--workers must be a positive whole number \(got '0'\)/);
    expectCleanFailure(await runCli(['run', 'sweeps/smoke.yaml', '--backend', 'cuda']), 2, /--backend must be one of auto, tensorflow-gpu, tensorflow, wasm, cpu/);
  });

  it('reports every problem of a broken sweep file with its location and writes no store', async () => {
    const storePath = join(tempDir(), 'sweeps.db');
    const result = await runCli(['run', 'test/fixtures/sweeps/invalid/unknown-names.yaml', '--store', storePath]);
    expectCleanFailure(result, 2, /unknown-names\.yaml has 5 problems/);
    expect(result.stderr).toMatch(/unknown-names\.yaml:4:15: base\.activation must be one of relu, sigmoid, tanh \(got 'ReLU'\); did you mean 'relu'\?/);
    expect(existsSync(storePath)).toBe(false);
  });

  it('names a sweep file that does not exist', async () => {
    expectCleanFailure(await runCli(['validate', 'sweeps/nope.yaml']), 2, /sweeps\/nope\.yaml/);
  });

  it('says where it looked when the dataset is missing, and keeps the store untouched', async () => {
    const storePath = join(tempDir(), 'sweeps.db');
    const result = await runCli(['run', 'sweeps/smoke.yaml', '--store', storePath, '--data-dir', join(tempDir(), 'empty')]);
    expectCleanFailure(result, 1, /fashion-mnist/);
    expect(existsSync(storePath)).toBe(false);
  });

  it('names an unknown sweep and an empty store', async () => {
    const storePath = join(tempDir(), 'sweeps.db');
    const ls = await runCli(['ls', '--store', storePath]);
    expect(ls.code).toBe(0);
    expect(ls.stdout).toMatch(/no sweeps in .* yet/);
    expectCleanFailure(await runCli(['show', 'ch6', '--store', storePath]), 2, /no sweep 'ch6'/);
  });
});
