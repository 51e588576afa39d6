import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestAttemptEpochs } from '../../src/orchestrator/leaderboard.js';
import { openSqliteStore, type EpochRecord, type SweepStore, type TrialRecord } from '../../src/store/index.js';
import { parseCsv } from './csv.js';
import { buildReportFixture, type ReportFixture } from './fixture.js';
import { runMain } from './run-main.js';

let fixture: ReportFixture;
let store: SweepStore;

beforeAll(() => {
  fixture = buildReportFixture();
  store = openSqliteStore(fixture.storePath, { readonly: true });
});
afterAll(() => {
  store.close();
  rmSync(fixture.dir, { recursive: true, force: true });
});

type Row = Record<string, unknown>;

/** The value at a dotted path, read here rather than with the exporter's own helper. */
function at(root: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), root);
}

/** CSV text -> objects keyed by the header, every value a string ('' for none). */
function csvObjects(text: string): Row[] {
  const [header, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]])));
}

async function exported(sweep: string, format: 'csv' | 'json', what: 'trials' | 'epochs'): Promise<Row[]> {
  const result = await runMain(['export', sweep, '--store', fixture.storePath, '--format', format, '--what', what]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return format === 'csv' ? csvObjects(result.stdout) : (JSON.parse(result.stdout) as Row[]);
}

/**
 * The value a CSV or JSON cell should hold for `value`: CSV has only text, and no value is '' there;
 * an object (a setting such as early_stopping) is its JSON text.
 */
function cell(value: unknown, format: 'csv' | 'json'): unknown {
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  const none = value === null || value === undefined || (typeof value === 'number' && !Number.isFinite(value));
  if (format === 'json') return none ? null : value;
  return none ? '' : String(value);
}

function expectTrials(rows: Row[], trials: TrialRecord[], epochs: EpochRecord[], format: 'csv' | 'json'): void {
  expect(rows.map((r) => r.trial_id)).toEqual(trials.map((t) => t.trialId));
  const latest = latestAttemptEpochs(trials, epochs);
  for (const [i, t] of trials.entries()) {
    const row = rows[i]!;
    expect(row.study).toBe(t.study);
    expect(row.state).toBe(t.state);
    expect(row.position).toEqual(cell(t.position, format));
    expect(row.attempts).toEqual(cell(t.attempts, format));
    expect(row.epochs).toEqual(cell(t.epochsDone, format));
    expect(row.error).toEqual(cell(t.error, format));
    expect(row.varied).toBe(t.varied.join(';'));
    const last = latest.get(t.trialId)?.at(-1);
    for (const m of ['loss', 'accuracy', 'val_loss', 'val_accuracy'] as const) expect(row[`final_${m}`]).toEqual(cell(last?.[m], format));
    // Every config setting, at its dotted path, and no column without one.
    const configColumns = Object.keys(row).filter((k) => k.startsWith('config.'));
    for (const column of configColumns) expect(row[column], `${t.trialId} ${column}`).toEqual(cell(at(t, column), format));
    expect(configColumns).toEqual(expect.arrayContaining(['config.optimizer.name', 'config.optimizer.learning_rate', 'config.dropout', 'config.seed']));
    const early = t.config.early_stopping;
    if (early) expect(row['config.early_stopping.patience']).toEqual(cell(early.patience, format));
  }
}

describe('sweep export', () => {
  for (const format of ['csv', 'json'] as const) {
    it(`round-trips trials as ${format} against the store`, async () => {
      for (const sweep of [fixture.running, fixture.grid]) {
        expectTrials(await exported(sweep, format, 'trials'), store.listTrials(sweep), store.listEpochs(sweep), format);
      }
    });

    it(`round-trips every epoch of every attempt as ${format}`, async () => {
      const rows = await exported(fixture.running, format, 'epochs');
      const epochs = store.listEpochs(fixture.running);
      expect(rows).toHaveLength(epochs.length);
      const keys = ['epoch', 'attempt', 'loss', 'accuracy', 'val_loss', 'val_accuracy', 'seconds', 'samples_per_second'] as const;
      for (const [i, e] of epochs.entries()) {
        expect(rows[i]!.trial_id).toBe(e.trialId);
        for (const key of keys) expect(rows[i]![key], `${e.trialId} ${e.attempt} ${e.epoch} ${key}`).toEqual(cell(e[key], format));
      }
      // nadam's abandoned first attempt is kept beside its second.
      expect(rows.filter((r) => r.trial_id === 'opt-nadam').map((r) => `${String(r.attempt)}:${String(r.epoch)}`)).toEqual(['1:1', '1:2', '2:1', '2:2', '2:3']);
    });
  }

  it('quotes CSV fields holding commas, quotes and line breaks', async () => {
    const result = await runMain(['export', fixture.grid, '--store', fixture.storePath, '--format', 'csv']);
    const failed = store.listTrials(fixture.grid).find((t) => t.state === 'failed')!;
    expect(failed.error).toMatch(/[",\n]/);
    expect(result.stdout).toContain(`"${failed.error!.replace(/"/g, '""')}"`);
    const rows = parseCsv(result.stdout);
    expect(new Set(rows.map((r) => r.length)).size).toBe(1);
  });

  it('writes to --out FILE instead of standard output', async () => {
    const out = join(fixture.dir, 'epochs.json');
    const result = await runMain(['export', fixture.grid, '--store', fixture.storePath, '--format', 'json', '--what', 'epochs', '--out', out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect((JSON.parse(readFileSync(out, 'utf8')) as Row[]).length).toBe(store.listEpochs(fixture.grid).length);
  });
});
