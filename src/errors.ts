/**
 * Errors a user can act on. Each has a stable `code` to branch on (never the message text) and keeps
 * the underlying error as `cause`. The CLI prints `message` for these and a stack trace only for
 * anything else, which is a bug.
 */
export class SweepError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The sweep file is invalid; `problems` lists every one, each already located and worded. */
export class SpecError extends SweepError {
  readonly problems: readonly SpecProblem[];

  constructor(file: string, problems: readonly SpecProblem[]) {
    const lines = problems.map((p) => `  ${p.location}: ${p.message}`);
    super('INVALID_SPEC', `${file} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${lines.join('\n')}`);
    this.problems = problems;
  }
}

export interface SpecProblem {
  /** `file:line:column`. */
  location: string;
  /** Dotted path of the offending key, e.g. `studies.optimizers.parameters.optimizer.values[0]`. */
  path: string;
  message: string;
}

export class StoreError extends SweepError {}
export class DatasetError extends SweepError {}
export class TrainerError extends SweepError {}
export class TransportError extends SweepError {}
export class UsageError extends SweepError {}
/** A report or export could not be written where asked (codes: OUTPUT_UNWRITABLE). */
export class ReportError extends SweepError {}
