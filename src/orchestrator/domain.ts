/**
 * A trial's life. `queued` and `running` are live; the rest are terminal. The controller is the one
 * writer of these states and moves a trial only along TRANSITIONS; the store enforces each move as a
 * compare-and-set so that a late or duplicated report cannot undo a decision.
 */
export type TrialState =
  | 'queued'
  | 'running'
  | 'completed'
  | 'failed'
  | 'stopped_early'
  | 'diverged'
  | 'cancelled';

export const TRIAL_STATES: readonly TrialState[] = [
  'queued',
  'running',
  'completed',
  'failed',
  'stopped_early',
  'diverged',
  'cancelled',
];

export const TERMINAL_STATES: ReadonlySet<TrialState> = new Set([
  'completed',
  'failed',
  'stopped_early',
  'diverged',
  'cancelled',
]);

/** States that count as a normal end: a resumed sweep does not rerun these. */
export const FINISHED_STATES: ReadonlySet<TrialState> = new Set(['completed', 'stopped_early', 'diverged']);

/**
 * Legal moves. `running -> queued` puts back a trial whose run ended without a result;
 * `running -> running` is a redelivery to another worker (the attempt number grows);
 * `failed`/`cancelled -> queued` is a resume rerunning what did not finish.
 */
export const TRANSITIONS: Readonly<Record<TrialState, readonly TrialState[]>> = {
  queued: ['running', 'cancelled', 'failed'],
  running: ['completed', 'failed', 'stopped_early', 'diverged', 'cancelled', 'queued', 'running'],
  completed: [],
  stopped_early: [],
  diverged: [],
  failed: ['queued'],
  cancelled: ['queued'],
};

export function isTerminal(state: TrialState): boolean {
  return TERMINAL_STATES.has(state);
}

export function canTransition(from: TrialState, to: TrialState): boolean {
  return TRANSITIONS[from].includes(to);
}
