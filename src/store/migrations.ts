import type Database from 'better-sqlite3';
import { StoreError } from '../errors.js';

/**
 * Forward-only schema changes. Entry `i` moves a database from version `i` to `i + 1`; the version
 * lives in `PRAGMA user_version` (0 for a new file). Never edit a shipped entry: append a new one,
 * because databases in the wild already ran the old ones.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: the initial schema. Times are integer epoch milliseconds; JSON columns hold text.
  `
  CREATE TABLE sweeps (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    seq INTEGER NOT NULL,
    method TEXT NOT NULL,
    metric_name TEXT NOT NULL,
    metric_goal TEXT NOT NULL,
    spec_hash TEXT NOT NULL,
    source_text TEXT NOT NULL,
    source_path TEXT NOT NULL,
    spec TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    UNIQUE (name, seq)
  );
  CREATE TABLE trials (
    sweep_id TEXT NOT NULL REFERENCES sweeps(id) ON DELETE CASCADE,
    trial_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    study TEXT NOT NULL,
    config TEXT NOT NULL,
    varied TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    backend TEXT,
    worker TEXT,
    error TEXT,
    best_epoch INTEGER,
    started_at_ms INTEGER,
    ended_at_ms INTEGER,
    PRIMARY KEY (sweep_id, trial_id)
  );
  CREATE INDEX trials_by_position ON trials (sweep_id, position);
  CREATE TABLE attempts (
    sweep_id TEXT NOT NULL,
    trial_id TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    worker TEXT NOT NULL,
    started_at_ms INTEGER NOT NULL,
    ended_at_ms INTEGER,
    state TEXT,
    error TEXT,
    PRIMARY KEY (sweep_id, trial_id, attempt),
    FOREIGN KEY (sweep_id, trial_id) REFERENCES trials (sweep_id, trial_id) ON DELETE CASCADE
  );
  -- Epochs reference the trial, not the attempt: with at-least-once delivery an epoch report may
  -- be stored before the attempt's start is.
  CREATE TABLE epochs (
    sweep_id TEXT NOT NULL,
    trial_id TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    epoch INTEGER NOT NULL,
    loss REAL,
    accuracy REAL,
    val_loss REAL,
    val_accuracy REAL,
    seconds REAL,
    samples_per_second REAL,
    PRIMARY KEY (sweep_id, trial_id, attempt, epoch),
    FOREIGN KEY (sweep_id, trial_id) REFERENCES trials (sweep_id, trial_id) ON DELETE CASCADE
  ) WITHOUT ROWID;
  CREATE TABLE workers (
    id TEXT PRIMARY KEY,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    backend TEXT NOT NULL,
    gpus TEXT NOT NULL,
    slots INTEGER NOT NULL,
    running TEXT NOT NULL,
    last_seen_ms INTEGER NOT NULL
  );
  `,
  // 2: the process that runs a sweep, so readers can tell a sweep whose orchestrator died from one
  // still running. Set with status 'running', cleared with any other status.
  `
  ALTER TABLE sweeps ADD COLUMN owner_host TEXT;
  ALTER TABLE sweeps ADD COLUMN owner_pid INTEGER;
  `,
];

/** The schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** Reads `PRAGMA user_version`. */
export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Refuses a database written by a newer sweep: its tables may mean things this build does not know,
 * and writing to it could corrupt them.
 */
export function assertNotTooNew(db: Database.Database, path: string): number {
  const version = schemaVersion(db);
  if (version > SCHEMA_VERSION) {
    throw new StoreError(
      'SCHEMA_TOO_NEW',
      `${path} has schema version ${version}, but this sweep understands versions up to ${SCHEMA_VERSION}: ` +
        'it was written by a newer sweep. Upgrade sweep, or use another database path.',
    );
  }
  return version;
}

/**
 * Brings the schema up to SCHEMA_VERSION. Runs under BEGIN IMMEDIATE and re-reads the version inside
 * the transaction, so two processes opening a new file at once do not both run a migration.
 */
export function migrate(db: Database.Database, path: string): void {
  if (assertNotTooNew(db, path) === SCHEMA_VERSION) return;
  db.transaction(() => {
    const from = assertNotTooNew(db, path);
    for (let version = from; version < SCHEMA_VERSION; version++) {
      db.exec(MIGRATIONS[version]!);
    }
    // PRAGMA does not take bound parameters; SCHEMA_VERSION is a number we control.
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}
