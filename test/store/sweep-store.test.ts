import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/errors.js';
import { SCHEMA_VERSION, openSqliteStore, type SweepStore } from '../../src/store/index.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { metrics, newSweep, sweepStoreContract, trial } from './sweep-store-contract.js';

let dir: string;
let opened: SweepStore[];
let counter = 0;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sweep-store-'));
  opened = [];
});
afterEach(() => {
  for (const s of opened) s.close();
  rmSync(dir, { recursive: true, force: true });
});

function open(path: string, opts?: { readonly?: boolean }): SweepStore {
  const store = openSqliteStore(path, opts);
  opened.push(store);
  return store;
}

function errorOf(fn: () => unknown): StoreError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StoreError);
    return err as StoreError;
  }
  throw new Error('expected a StoreError, nothing was thrown');
}

describe('SQLite store: SweepStore contract', () => {
  sweepStoreContract(() => openSqliteStore(join(dir, `contract-${++counter}.db`)));
});

describe('SQLite store: files and schema', () => {
  it('creates missing parent directories, uses WAL, and keeps data across reopen', () => {
    const path = join(dir, 'a', 'b', 'sweeps.db');
    const store = open(path);
    const s = store.createSweep(newSweep('alpha'));
    store.addTrials(s.id, [trial('t1', 0)]);
    store.close();

    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    raw.close();
    expect(open(path).listTrials(s.id).map((t) => t.trialId)).toEqual(['t1']);
  });

  it('migrates an existing empty file', () => {
    const path = join(dir, 'empty.db');
    writeFileSync(path, '');
    const store = open(path);
    expect(store.listSweeps()).toEqual([]);
    store.createSweep(newSweep('alpha'));
    expect(store.getSweep('alpha')?.id).toBe('alpha-1');
  });

  it('refuses a database written by a newer sweep, for writers and readers', () => {
    const path = join(dir, 'future.db');
    const raw = new Database(path);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    const expected =
      `${path} has schema version ${SCHEMA_VERSION + 1}, but this sweep understands versions up to ${SCHEMA_VERSION}: ` +
      'it was written by a newer sweep. Upgrade sweep, or use another database path.';
    for (const readonly of [false, true]) {
      const err = errorOf(() => open(path, { readonly }));
      expect(err.code).toBe('SCHEMA_TOO_NEW');
      expect(err.message).toBe(expected);
    }
  });

  it('explains a read-only open of a missing database or one no writer has set up', () => {
    const missing = join(dir, 'nothing.db');
    const err = errorOf(() => open(missing, { readonly: true }));
    expect(err.code).toBe('DATABASE_MISSING');
    expect(err.message).toBe(
      `No sweep database at ${missing}: nothing has run yet with this path. Start a sweep first (sweep run), or pass the path of an existing database.`,
    );

    const empty = join(dir, 'empty.db');
    writeFileSync(empty, '');
    const old = errorOf(() => open(empty, { readonly: true }));
    expect(old.code).toBe('SCHEMA_OUTDATED');
    expect(old.message).toContain(`${empty} has schema version 0`);
  });

  it('migrates a version-1 database: sweeps keep their data and gain a null owner', () => {
    const path = join(dir, 'v1.db');
    const raw = new Database(path);
    raw.exec(MIGRATIONS[0]!);
    raw.pragma('user_version = 1');
    raw.prepare(
      `INSERT INTO sweeps (id, name, seq, method, metric_name, metric_goal, spec_hash, source_text, source_path, spec,
         status, created_at_ms, updated_at_ms) VALUES ('alpha-1', 'alpha', 1, 'grid', 'val_loss', 'minimize', 'h', '', 'a.yaml', '{}',
         'running', 1000, 2000)`,
    ).run();
    raw.close();

    // After an upgrade of sweep, even a reader (sweep ls) brings the schema up to date, data intact.
    const first = open(path, { readonly: true });
    expect(first.getSweep('alpha-1')).toMatchObject({ status: 'running', owner: null, updatedAtMs: 2000 });
    first.close();
    const writer = open(path);
    expect(writer.getSweep('alpha-1')).toMatchObject({ status: 'running', owner: null, updatedAtMs: 2000 });
    writer.setSweepStatus('alpha-1', 'running', { host: 'h', pid: 7 });
    const reader = open(path, { readonly: true });
    expect(reader.listSweeps()[0]).toMatchObject({ id: 'alpha-1', owner: { host: 'h', pid: 7 } });
    const check = new Database(path, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    check.close();
  });

  it('wraps SQLite failures with the path, the cause and what to do', () => {
    const junk = join(dir, 'junk.db');
    writeFileSync(junk, 'this is not a database, just some text that is long enough to have a header'.repeat(20));
    const err = errorOf(() => open(junk));
    expect(err.code).toBe('SQLITE');
    expect(err.message).toContain(`SQLite failed on ${junk}: file is not a database (SQLITE_NOTADB).`);
    expect(err.message).toContain('choose another path, or move the file away');
    expect(err.cause).toBeInstanceOf(Database.SqliteError);
  });

  it('rejects writes through a read-only connection', () => {
    const path = join(dir, 'ro.db');
    open(path).createSweep(newSweep('alpha'));
    const reader = open(path, { readonly: true });
    const err = errorOf(() => reader.createSweep(newSweep('beta')));
    expect(err.code).toBe('SQLITE');
    expect(err.message).toContain('writes go through the process that runs the sweep');
  });
});

describe('SQLite store: a reader beside a writer', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill();
    child = undefined;
  });

  it('a read-only connection sees each commit of another connection', () => {
    const path = join(dir, 'shared.db');
    const writer = open(path);
    const reader = open(path, { readonly: true });
    const s = writer.createSweep(newSweep('alpha'));
    writer.addTrials(s.id, [trial('t1', 0)]);
    expect(reader.listSweeps()[0]?.counts.queued).toBe(1);
    writer.recordEpoch(s.id, 't1', 1, metrics(1));
    expect(reader.listEpochs(s.id)).toHaveLength(1);
    writer.transitionTrial(s.id, 't1', ['queued'], 'running');
    expect(reader.getTrial(s.id, 't1')?.state).toBe('running');
  });

  it('reads while another process holds the write lock, and a second writer waits for it', async () => {
    const path = join(dir, 'locked.db');
    const writer = open(path);
    const s = writer.createSweep(newSweep('alpha'));
    writer.addTrials(s.id, [trial('t1', 0)]);
    writer.recordEpoch(s.id, 't1', 1, metrics(1));

    // The other process takes the write lock, adds epoch 2, and commits after 400 ms.
    const holder = runChild(`
      const db = new Database(process.argv[1], { timeout: 5000 });
      db.exec('BEGIN IMMEDIATE');
      db.prepare("INSERT INTO epochs (sweep_id, trial_id, attempt, epoch, loss) VALUES ('alpha-1', 't1', 1, 2, 0.5)").run();
      console.log('locked');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 400);
      db.exec('COMMIT');
      db.close();`, path);
    await holder.locked;

    const reader = open(path, { readonly: true });
    const started = performance.now();
    expect(reader.listEpochs(s.id).map((e) => e.epoch)).toEqual([1]);
    expect(performance.now() - started).toBeLessThan(200);

    // Blocks in busy_timeout until the other process commits, then succeeds.
    expect(writer.recordEpoch(s.id, 't1', 1, metrics(3))).toBe(true);
    expect(reader.listEpochs(s.id).map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(await holder.exit).toBe(0);
  });

  it('keeps reading without errors while another process writes epoch after epoch', async () => {
    const path = join(dir, 'busy.db');
    const writer = open(path);
    const s = writer.createSweep(newSweep('alpha'));
    writer.addTrials(s.id, [trial('t1', 0)]);
    writer.close();

    const epochs = 300;
    const proc = runChild(`
      const db = new Database(process.argv[1], { timeout: 5000 });
      db.pragma('foreign_keys = ON');
      const insert = db.prepare("INSERT INTO epochs (sweep_id, trial_id, attempt, epoch, loss) VALUES ('alpha-1', 't1', 1, ?, 0.5)");
      console.log('locked');
      for (let i = 1; i <= ${epochs}; i++) {
        db.transaction(() => insert.run(i))();
        if (i % 50 === 0) db.pragma('wal_checkpoint(PASSIVE)');
      }
      db.close();`, path);
    await proc.locked;

    const reader = open(path, { readonly: true });
    let last = 0;
    let reads = 0;
    let exited = false;
    void proc.exit.then(() => (exited = true));
    while (!exited) {
      const seen = reader.getTrial(s.id, 't1')!.epochsDone;
      expect(seen).toBeGreaterThanOrEqual(last);
      last = seen;
      reads++;
      await new Promise((r) => setImmediate(r));
    }
    expect(await proc.exit).toBe(0);
    expect(reads).toBeGreaterThan(1);
    expect(reader.listEpochs(s.id)).toHaveLength(epochs);
  });

  /** Runs `body` in another Node process with better-sqlite3 as `Database` and the path as argv[1]. */
  function runChild(body: string, path: string): { locked: Promise<void>; exit: Promise<number | null> } {
    const proc = spawn(process.execPath, ['-e', `const Database = require('better-sqlite3');\n${body}`, path], {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let stderr = '';
    proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exit = new Promise<number | null>((resolve) =>
      proc.on('exit', (code) => {
        if (code !== 0) console.error(stderr);
        resolve(code);
      }),
    );
    const locked = new Promise<void>((resolve, reject) => {
      proc.stdout!.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
      void exit.then(() => reject(new Error(`child exited before locking: ${stderr}`)));
    });
    return { locked, exit };
  }
});
