import type Database from 'better-sqlite3';
import type { TrialState } from '../orchestrator/domain.js';
import type { AttemptRecord, EpochRecord, SweepOwner, SweepRecord, SweepStatus, TrialRecord, WorkerRecord } from './sweep-store.js';

/** Every statement the store runs, prepared once per connection: recordEpoch does no SQL parsing. */
export function prepareStatements(db: Database.Database) {
  const trialColumns = `t.*, (SELECT count(*) FROM epochs e
      WHERE e.sweep_id = t.sweep_id AND e.trial_id = t.trial_id AND e.attempt = t.attempts) AS epochs_done`;
  return {
    nextSeq: db.prepare('SELECT coalesce(max(seq), 0) + 1 AS n FROM sweeps WHERE name = ?'),
    insertSweep: db.prepare(
      `INSERT INTO sweeps (id, name, seq, method, metric_name, metric_goal, spec_hash, source_text, source_path, spec,
         status, created_at_ms, updated_at_ms)
       VALUES (@id, @name, @seq, @method, @metric_name, @metric_goal, @spec_hash, @source_text, @source_path, @spec,
         @status, @created_at_ms, @created_at_ms)`,
    ),
    sweepById: db.prepare('SELECT * FROM sweeps WHERE id = ?'),
    newestByName: db.prepare('SELECT * FROM sweeps WHERE name = ? ORDER BY seq DESC LIMIT 1'),
    newestByNameAndHash: db.prepare('SELECT * FROM sweeps WHERE name = ? AND spec_hash = ? ORDER BY seq DESC LIMIT 1'),
    listSweeps: db.prepare('SELECT * FROM sweeps ORDER BY created_at_ms DESC, rowid DESC'),
    countAll: db.prepare('SELECT sweep_id, state, count(*) AS n FROM trials GROUP BY sweep_id, state'),
    countSweep: db.prepare('SELECT sweep_id, state, count(*) AS n FROM trials WHERE sweep_id = ? GROUP BY state'),
    setSweepStatus: db.prepare('UPDATE sweeps SET status = ?, owner_host = ?, owner_pid = ?, updated_at_ms = ? WHERE id = ?'),
    touchSweep: db.prepare('UPDATE sweeps SET updated_at_ms = ? WHERE id = ?'),
    insertTrial: db.prepare(
      `INSERT INTO trials (sweep_id, trial_id, position, study, config, varied, state)
       VALUES (@sweep_id, @trial_id, @position, @study, @config, @varied, 'queued')
       ON CONFLICT DO NOTHING`,
    ),
    listTrials: db.prepare(`SELECT ${trialColumns} FROM trials t WHERE t.sweep_id = ? ORDER BY t.position, t.trial_id`),
    getTrial: db.prepare(`SELECT ${trialColumns} FROM trials t WHERE t.sweep_id = ? AND t.trial_id = ?`),
    // The WHERE clause is the compare-and-set: a trial no longer in one of @from is left alone.
    transition: db.prepare(
      `UPDATE trials SET
         state = @to,
         attempts = CASE WHEN @to = 'running' THEN MAX(attempts + 1, COALESCE(@attempt, 0)) ELSE attempts END,
         backend = CASE WHEN @set_backend THEN @backend ELSE backend END,
         worker = CASE WHEN @set_worker THEN @worker ELSE worker END,
         error = CASE WHEN @set_error THEN @error ELSE error END,
         best_epoch = CASE WHEN @set_best_epoch THEN @best_epoch ELSE best_epoch END,
         started_at_ms = CASE WHEN @set_started THEN @started ELSE started_at_ms END,
         ended_at_ms = CASE WHEN @set_ended THEN @ended ELSE ended_at_ms END
       WHERE sweep_id = @sweep_id AND trial_id = @trial_id AND state IN (SELECT value FROM json_each(@from))`,
    ),
    startAttempt: db.prepare(
      `INSERT INTO attempts (sweep_id, trial_id, attempt, worker, started_at_ms) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
    ),
    endAttempt: db.prepare(
      `UPDATE attempts SET ended_at_ms = ?, state = ?, error = ?
       WHERE sweep_id = ? AND trial_id = ? AND attempt = ? AND ended_at_ms IS NULL`,
    ),
    getAttempt: db.prepare('SELECT 1 FROM attempts WHERE sweep_id = ? AND trial_id = ? AND attempt = ?'),
    listAttempts: db.prepare(
      `SELECT a.* FROM attempts a JOIN trials t USING (sweep_id, trial_id)
       WHERE a.sweep_id = ? ORDER BY t.position, a.trial_id, a.attempt`,
    ),
    listTrialAttempts: db.prepare('SELECT * FROM attempts WHERE sweep_id = ? AND trial_id = ? ORDER BY attempt'),
    insertEpoch: db.prepare(
      `INSERT INTO epochs (sweep_id, trial_id, attempt, epoch, loss, accuracy, val_loss, val_accuracy, seconds,
         samples_per_second) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
    ),
    listEpochs: db.prepare(
      `SELECT e.* FROM epochs e JOIN trials t USING (sweep_id, trial_id)
       WHERE e.sweep_id = ? ORDER BY t.position, e.trial_id, e.attempt, e.epoch`,
    ),
    listTrialEpochs: db.prepare('SELECT * FROM epochs WHERE sweep_id = ? AND trial_id = ? ORDER BY attempt, epoch'),
    upsertWorker: db.prepare(
      `INSERT INTO workers (id, host, pid, backend, gpus, slots, running, last_seen_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET host = excluded.host, pid = excluded.pid, backend = excluded.backend,
         gpus = excluded.gpus, slots = excluded.slots, running = excluded.running, last_seen_ms = excluded.last_seen_ms`,
    ),
    listWorkers: db.prepare('SELECT * FROM workers ORDER BY id'),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;

export interface SweepRow {
  id: string;
  name: string;
  method: string;
  metric_name: string;
  metric_goal: 'minimize' | 'maximize';
  spec_hash: string;
  source_text: string;
  source_path: string;
  spec: string;
  status: SweepStatus;
  owner_host: string | null;
  owner_pid: number | null;
  created_at_ms: number;
  updated_at_ms: number;
}

export interface TrialRow {
  sweep_id: string;
  trial_id: string;
  position: number;
  study: string;
  config: string;
  varied: string;
  state: TrialState;
  attempts: number;
  backend: string | null;
  worker: string | null;
  error: string | null;
  epochs_done: number;
  best_epoch: number | null;
  started_at_ms: number | null;
  ended_at_ms: number | null;
}

export interface AttemptRow {
  sweep_id: string;
  trial_id: string;
  attempt: number;
  worker: string;
  started_at_ms: number;
  ended_at_ms: number | null;
  state: TrialState | null;
  error: string | null;
}

export interface EpochRow {
  sweep_id: string;
  trial_id: string;
  attempt: number;
  epoch: number;
  loss: number | null;
  accuracy: number | null;
  val_loss: number | null;
  val_accuracy: number | null;
  seconds: number | null;
  samples_per_second: number | null;
}

export interface WorkerRow {
  id: string;
  host: string;
  pid: number;
  backend: string;
  gpus: string;
  slots: number;
  running: string;
  last_seen_ms: number;
}

export interface CountRow {
  sweep_id: string;
  state: TrialState;
  n: number;
}

export function toSweep(r: SweepRow): SweepRecord {
  return {
    id: r.id,
    name: r.name,
    method: r.method,
    metric: { name: r.metric_name, goal: r.metric_goal },
    specHash: r.spec_hash,
    sourceText: r.source_text,
    sourcePath: r.source_path,
    spec: JSON.parse(r.spec) as unknown,
    createdAtMs: r.created_at_ms,
    status: r.status,
    owner: ownerOf(r),
    updatedAtMs: r.updated_at_ms,
  };
}

export function ownerOf(r: SweepRow): SweepOwner | null {
  return r.owner_host === null || r.owner_pid === null ? null : { host: r.owner_host, pid: r.owner_pid };
}

export function toTrial(r: TrialRow): TrialRecord {
  return {
    sweepId: r.sweep_id,
    trialId: r.trial_id,
    study: r.study,
    position: r.position,
    config: JSON.parse(r.config) as TrialRecord['config'],
    varied: JSON.parse(r.varied) as string[],
    state: r.state,
    attempts: r.attempts,
    backend: r.backend,
    worker: r.worker,
    error: r.error,
    epochsDone: r.epochs_done,
    bestEpoch: r.best_epoch,
    startedAtMs: r.started_at_ms,
    endedAtMs: r.ended_at_ms,
  };
}

export function toAttempt(r: AttemptRow): AttemptRecord {
  return {
    sweepId: r.sweep_id,
    trialId: r.trial_id,
    attempt: r.attempt,
    worker: r.worker,
    startedAtMs: r.started_at_ms,
    endedAtMs: r.ended_at_ms,
    state: r.state,
    error: r.error,
  };
}

/** NULL metrics were NaN or ±Infinity when written; they read back as NaN. */
export function toEpoch(r: EpochRow): EpochRecord {
  return {
    sweepId: r.sweep_id,
    trialId: r.trial_id,
    attempt: r.attempt,
    epoch: r.epoch,
    loss: r.loss ?? NaN,
    accuracy: r.accuracy ?? NaN,
    val_loss: r.val_loss ?? NaN,
    val_accuracy: r.val_accuracy ?? NaN,
    seconds: r.seconds ?? NaN,
    samples_per_second: r.samples_per_second ?? NaN,
  };
}

export function toWorker(r: WorkerRow): WorkerRecord {
  return {
    id: r.id,
    host: r.host,
    pid: r.pid,
    backend: r.backend,
    gpus: JSON.parse(r.gpus) as string[],
    slots: r.slots,
    running: JSON.parse(r.running) as string[],
    lastSeenMs: r.last_seen_ms,
  };
}
