import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { StoreError } from '../errors.js';
import { TRIAL_STATES, canTransition, type TrialState } from '../orchestrator/domain.js';
import type { EpochMetrics } from '../transport/protocol.js';
import { SCHEMA_VERSION, assertNotTooNew, migrate } from './migrations.js';
import {
  ownerOf,
  prepareStatements,
  toAttempt,
  toEpoch,
  toSweep,
  toTrial,
  toWorker,
  type AttemptRow,
  type CountRow,
  type EpochRow,
  type Statements,
  type SweepRow,
  type TrialRow,
  type WorkerRow,
} from './sqlite-statements.js';
import type {
  AttemptEnd,
  AttemptRecord,
  EpochRecord,
  NewSweep,
  NewTrial,
  SweepOwner,
  SweepRecord,
  SweepStatus,
  SweepStore,
  SweepSummary,
  TrialPatch,
  TrialRecord,
  WorkerRecord,
} from './sweep-store.js';

/** Options for {@link openSqliteStore}. */
export interface SqliteStoreOptions {
  /**
   * Open for reading only (a dashboard beside a running sweep): no migration, no directory
   * creation, and the file must already hold a sweep database. @default false
   */
  readonly?: boolean;
  /** How long a statement waits for another process's lock before failing. @default 5000 */
  busyTimeoutMs?: number;
  /** The clock behind `updatedAtMs`. @default Date.now */
  now?: () => number;
}

/**
 * Opens (creating and migrating when needed) a SQLite sweep database at `path`. See SweepStore for
 * the contract. The database runs in WAL mode so that readers in other processes never block the
 * writer, nor it them.
 */
export function openSqliteStore(path: string, opts: SqliteStoreOptions = {}): SweepStore {
  const readonly = opts.readonly ?? false;
  const timeout = opts.busyTimeoutMs ?? 5000;
  if (readonly && path !== ':memory:' && !existsSync(path)) {
    throw new StoreError(
      'DATABASE_MISSING',
      `No sweep database at ${path}: nothing has run yet with this path. Start a sweep first (sweep run), or pass the path of an existing database.`,
    );
  }
  if (!readonly && path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly, fileMustExist: readonly, timeout });
    if (readonly) {
      if (upgradeOlderDatabase(db, path, timeout)) {
        db.close();
        db = new Database(path, { readonly, fileMustExist: true, timeout });
      }
      assertCurrent(db, path);
    } else {
      // WAL persists in the file, so read-only connections opened later use it too.
      db.pragma('journal_mode = WAL');
      // NORMAL is durable across application crashes in WAL mode; only a power loss can drop the
      // last commits, and an epoch lost that way is re-run on resume.
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      migrate(db, path);
    }
    return new SqliteSweepStore(db, path, prepareStatements(db), opts.now ?? Date.now);
  } catch (err) {
    db?.close();
    throw toStoreError(err, path);
  }
}

/**
 * A reader of a database an older sweep wrote (schema 1 or later, below this one) migrates it
 * first, so `sweep ls` keeps working after an upgrade. Only the schema changes, never the data; a
 * file it may not write stays as it is and `assertCurrent` explains. Version 0 (an empty file, or
 * one a writer is creating right now) is left to the writer.
 */
function upgradeOlderDatabase(db: Database.Database, path: string, timeout: number): boolean {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version < 1 || version >= SCHEMA_VERSION) return false;
  try {
    const writer = new Database(path, { fileMustExist: true, timeout });
    try {
      migrate(writer, path);
    } finally {
      writer.close();
    }
    return true;
  } catch {
    return false;
  }
}

function assertCurrent(db: Database.Database, path: string): void {
  const version = assertNotTooNew(db, path);
  if (version < SCHEMA_VERSION) {
    throw new StoreError(
      'SCHEMA_OUTDATED',
      `${path} has schema version ${version}, older than this sweep's ${SCHEMA_VERSION}, and a read-only ` +
        'connection cannot upgrade it. Run a command that writes (such as sweep run) on it once, then retry.',
    );
  }
}

/** Maps SQLite's failures to StoreError; anything else is a bug and passes through untouched. */
function toStoreError(err: unknown, path: string, missing?: () => string): unknown {
  if (!(err instanceof Database.SqliteError)) return err;
  if (err.code === 'SQLITE_CONSTRAINT_FOREIGNKEY' && missing) {
    return new StoreError('NOT_FOUND', missing(), { cause: err });
  }
  // Extended codes (SQLITE_BUSY_SNAPSHOT, SQLITE_READONLY_DBMOVED) share their primary code's advice.
  const primary = err.code.split('_').slice(0, 2).join('_');
  const advice = SQLITE_HINTS[err.code] ?? SQLITE_HINTS[primary] ?? 'See the cause for details.';
  return new StoreError('SQLITE', `SQLite failed on ${path}: ${err.message} (${err.code}). ${advice}`, { cause: err });
}

const SQLITE_HINTS: Record<string, string> = {
  SQLITE_NOTADB: 'The file is not a SQLite database: choose another path, or move the file away.',
  SQLITE_CANTOPEN: 'Check that the directory exists and is writable, or choose another path.',
  SQLITE_READONLY: 'This connection or file is read-only: writes go through the process that runs the sweep.',
  SQLITE_BUSY: 'Another process held a lock for longer than the busy timeout; retry, or stop the other process.',
  SQLITE_FULL: 'The disk is full: free some space and retry.',
  SQLITE_CORRUPT: 'The database file is damaged: restore it from a backup or start with a new path.',
};

class SqliteSweepStore implements SweepStore {
  constructor(
    private readonly db: Database.Database,
    private readonly path: string,
    private readonly sql: Statements,
    private readonly now: () => number,
  ) {}

  createSweep(input: NewSweep): SweepRecord {
    return this.guard(() =>
      // IMMEDIATE: two processes creating the same name must not both pick the same number.
      this.db.transaction(() => {
        const seq = (this.sql.nextSeq.get(input.name) as { n: number }).n;
        const id = `${input.name}-${seq}`;
        this.sql.insertSweep.run({
          id,
          name: input.name,
          seq,
          method: input.method,
          metric_name: input.metric.name,
          metric_goal: input.metric.goal,
          spec_hash: input.specHash,
          source_text: input.sourceText,
          source_path: input.sourcePath,
          spec: JSON.stringify(input.spec),
          status: 'running',
          created_at_ms: input.createdAtMs,
        });
        return toSweep(this.sql.sweepById.get(id) as SweepRow);
      }).immediate(),
    );
  }

  getSweep(idOrName: string): SweepRecord | undefined {
    return this.guard(() => {
      const row = (this.sql.sweepById.get(idOrName) ?? this.sql.newestByName.get(idOrName)) as SweepRow | undefined;
      return row && toSweep(row);
    });
  }

  findResumable(name: string, specHash: string): SweepRecord | undefined {
    return this.guard(() => {
      const row = this.sql.newestByNameAndHash.get(name, specHash) as SweepRow | undefined;
      return row && toSweep(row);
    });
  }

  listSweeps(): SweepSummary[] {
    // One read transaction, so the counts belong to the same moment as the sweeps.
    return this.guard(() =>
      this.db.transaction(() => {
        const rows = this.sql.listSweeps.all() as SweepRow[];
        const counts = new Map<string, Record<TrialState, number>>();
        for (const c of this.sql.countAll.all() as CountRow[]) {
          const byState = counts.get(c.sweep_id) ?? zeroCounts();
          byState[c.state] = c.n;
          counts.set(c.sweep_id, byState);
        }
        return rows.map((r) => {
          const byState = counts.get(r.id) ?? zeroCounts();
          const total = Object.values(byState).reduce((a, b) => a + b, 0);
          return { id: r.id, name: r.name, status: r.status, owner: ownerOf(r), createdAtMs: r.created_at_ms, updatedAtMs: r.updated_at_ms, total, counts: byState };
        });
      })(),
    );
  }

  setSweepStatus(sweepId: string, status: SweepStatus, owner?: SweepOwner): void {
    const held = status === 'running' && owner ? owner : null;
    this.guard(() => {
      if (this.sql.setSweepStatus.run(status, held?.host ?? null, held?.pid ?? null, this.now(), sweepId).changes === 0) throw noSweep(sweepId);
    });
  }

  addTrials(sweepId: string, trials: readonly NewTrial[]): number {
    return this.guard(() =>
      this.db.transaction(() => {
        if (!this.sql.sweepById.get(sweepId)) throw noSweep(sweepId);
        let added = 0;
        for (const t of trials) {
          added += this.sql.insertTrial.run({
            sweep_id: sweepId,
            trial_id: t.trialId,
            position: t.position,
            study: t.study,
            config: JSON.stringify(t.config),
            varied: JSON.stringify(t.varied),
          }).changes;
        }
        return added;
      }).immediate(),
    );
  }

  listTrials(sweepId: string): TrialRecord[] {
    return this.guard(() => (this.sql.listTrials.all(sweepId) as TrialRow[]).map(toTrial));
  }

  getTrial(sweepId: string, trialId: string): TrialRecord | undefined {
    return this.guard(() => {
      const row = this.sql.getTrial.get(sweepId, trialId) as TrialRow | undefined;
      return row && toTrial(row);
    });
  }

  countByState(sweepId: string): Record<TrialState, number> {
    return this.guard(() => {
      const counts = zeroCounts();
      for (const c of this.sql.countSweep.all(sweepId) as CountRow[]) counts[c.state] = c.n;
      return counts;
    });
  }

  transitionTrial(sweepId: string, trialId: string, from: readonly TrialState[], to: TrialState, patch: TrialPatch = {}): boolean {
    const illegal = from.filter((state) => !canTransition(state, to));
    if (illegal.length > 0) {
      // A move outside the state machine is a bug in the caller, never a race to lose quietly.
      throw new StoreError('ILLEGAL_TRANSITION', `trial ${sweepId}/${trialId}: ${illegal.join(', ')} -> ${to} is not a legal move`);
    }
    return this.guard(() =>
      this.db.transaction(() => {
        const changed = this.sql.transition.run({
          sweep_id: sweepId,
          trial_id: trialId,
          from: JSON.stringify(from),
          to,
          ...patchParams(patch),
        }).changes;
        if (changed === 0) {
          // Losing the race is normal; asking about a trial that never existed is a bug upstream.
          if (!this.sql.getTrial.get(sweepId, trialId)) throw noTrial(sweepId, trialId);
          return false;
        }
        this.sql.touchSweep.run(this.now(), sweepId);
        return true;
      }).immediate(),
    );
  }

  startAttempt(sweepId: string, trialId: string, attempt: number, worker: string, atMs: number): boolean {
    return this.guard(
      () => this.sql.startAttempt.run(sweepId, trialId, attempt, worker, atMs).changes === 1,
      () => noTrial(sweepId, trialId).message,
    );
  }

  endAttempt(sweepId: string, trialId: string, attempt: number, end: AttemptEnd): boolean {
    return this.guard(() => {
      if (this.sql.endAttempt.run(end.atMs, end.state, end.error, sweepId, trialId, attempt).changes === 1) return true;
      if (!this.sql.getAttempt.get(sweepId, trialId, attempt)) {
        throw new StoreError(
          'NOT_FOUND',
          `Cannot end attempt ${attempt} of trial ${trialId} in sweep ${sweepId}: it was never started (call startAttempt first).`,
        );
      }
      return false;
    });
  }

  listAttempts(sweepId: string, trialId?: string): AttemptRecord[] {
    return this.guard(() => {
      const rows = (trialId === undefined
        ? this.sql.listAttempts.all(sweepId)
        : this.sql.listTrialAttempts.all(sweepId, trialId)) as AttemptRow[];
      return rows.map(toAttempt);
    });
  }

  recordEpoch(sweepId: string, trialId: string, attempt: number, m: EpochMetrics): boolean {
    // The hot path: one prepared INSERT, no existence check (the foreign key reports a bad trial).
    return this.guard(
      () =>
        this.sql.insertEpoch.run(
          sweepId,
          trialId,
          attempt,
          m.epoch,
          finite(m.loss),
          finite(m.accuracy),
          finite(m.val_loss),
          finite(m.val_accuracy),
          finite(m.seconds),
          finite(m.samples_per_second),
        ).changes === 1,
      () => noTrial(sweepId, trialId).message,
    );
  }

  listEpochs(sweepId: string, trialId?: string): EpochRecord[] {
    return this.guard(() => {
      const rows = (trialId === undefined
        ? this.sql.listEpochs.all(sweepId)
        : this.sql.listTrialEpochs.all(sweepId, trialId)) as EpochRow[];
      return rows.map(toEpoch);
    });
  }

  upsertWorker(w: WorkerRecord): void {
    this.guard(() => {
      this.sql.upsertWorker.run(w.id, w.host, w.pid, w.backend, JSON.stringify(w.gpus), w.slots, JSON.stringify(w.running), w.lastSeenMs);
    });
  }

  listWorkers(): WorkerRecord[] {
    return this.guard(() => (this.sql.listWorkers.all() as WorkerRow[]).map(toWorker));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private guard<T>(fn: () => T, missing?: () => string): T {
    try {
      return fn();
    } catch (err) {
      throw toStoreError(err, this.path, missing);
    }
  }
}

function noSweep(sweepId: string): StoreError {
  return new StoreError('NOT_FOUND', `No sweep with id ${sweepId} in this database (see sweep ls for the ids).`);
}

function noTrial(sweepId: string, trialId: string): StoreError {
  return new StoreError('NOT_FOUND', `Sweep ${sweepId} has no trial ${trialId}: add it with addTrials first.`);
}

/** SQLite stores NaN as NULL anyway and would keep ±Infinity; both become NULL so readers see one "no value". */
function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function zeroCounts(): Record<TrialState, number> {
  return Object.fromEntries(TRIAL_STATES.map((s) => [s, 0])) as Record<TrialState, number>;
}

/** better-sqlite3 binds no booleans or undefined: each patch field becomes a 0/1 flag and a value. */
function patchParams(p: TrialPatch): Record<string, number | string | null> {
  const field = (v: string | number | null | undefined): [number, string | number | null] => (v === undefined ? [0, null] : [1, v]);
  const [set_backend, backend] = field(p.backend);
  const [set_worker, worker] = field(p.worker);
  const [set_error, error] = field(p.error);
  const [set_best_epoch, best_epoch] = field(p.bestEpoch);
  const [set_started, started] = field(p.startedAtMs);
  const [set_ended, ended] = field(p.endedAtMs);
  return { set_backend, backend, set_worker, worker, set_error, error, set_best_epoch, best_epoch, set_started, started, set_ended, ended, attempt: p.attempt ?? null };
}
