import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/index.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';

describe('sweep run sweeps/smoke.yaml (end to end through the CLI)', () => {
  const storePath = join(tempDir(), 'sweeps.db');

  it('trains every trial, stores every epoch and prints the leaderboard', async () => {
    const result = await runCli(['run', 'sweeps/smoke.yaml', '--store', storePath, '--workers', '2']);
    expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/leaderboard of smoke-1 by val_loss \(minimize\)/);

    const store = openSqliteStore(storePath, { readonly: true });
    try {
      const trials = store.listTrials('smoke-1');
      expect(trials.length).toBeGreaterThanOrEqual(2);
      for (const trial of trials) {
        expect(trial.state).toBe('completed');
        expect(trial.backend).toBe('wasm');
        expect(trial.epochsDone).toBe(trial.config.epochs);
        const epochs = store.listEpochs('smoke-1', trial.trialId);
        expect(epochs.map((e) => e.epoch)).toEqual(Array.from({ length: trial.config.epochs }, (_, i) => i + 1));
        for (const e of epochs) expect(Number.isFinite(e.val_loss) && e.val_accuracy > 0.1).toBe(true);
      }
    } finally {
      store.close();
    }
  });

  it('resumes the same file without rerunning finished trials', async () => {
    const result = await runCli(['run', 'sweeps/smoke.yaml', '--store', storePath]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/resuming \(\d+ already finished, 0 to run\)/);
    expect(result.stdout).not.toMatch(/ start /);
    const store = openSqliteStore(storePath, { readonly: true });
    try {
      expect(store.listSweeps().map((s) => s.id)).toEqual(['smoke-1']);
      expect(store.listAttempts('smoke-1').every((a) => a.attempt === 1)).toBe(true);
    } finally {
      store.close();
    }
  });

  it('lists and shows the stored sweep', async () => {
    const ls = await runCli(['ls', '--store', storePath]);
    expect(ls.code).toBe(0);
    expect(ls.stdout).toMatch(/smoke-1\s+finished/);
    const show = await runCli(['show', 'smoke', '--store', storePath]);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/sweep smoke-1 \(finished\)/);
    expect(show.stdout).toMatch(/best of each study by val_loss/);
  });

  it('plans without training or writing anything', async () => {
    const untouched = join(tempDir(), 'never.db');
    const result = await runCli(['plan', 'sweeps/smoke.yaml'], { SWEEP_STORE: untouched });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\d+ trials?/);
    expect(existsSync(untouched)).toBe(false);
  });
});
