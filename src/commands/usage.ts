/** Exit codes, documented in the README and in `sweep --help`. */
export const EXIT = {
  /** Everything asked for was done; every trial ended normally (completed, stopped early, diverged). */
  ok: 0,
  /** The command ran but something failed: a trial failed, a dataset or the store was unusable. */
  failure: 1,
  /** The command line or the sweep file is wrong; nothing was written. */
  usage: 2,
  /** A bug in sweep (printed with its stack trace). */
  internal: 70,
  /** Interrupted (Ctrl-C); what finished is stored and `sweep run` on the same file resumes. */
  interrupted: 130,
} as const;

export function usageText(): string {
  return `sweep: hyperparameter sweeps over training techniques, from a terminal

Usage: sweep <command> [options]

Commands:
  run FILE        run a sweep file (resumes the same file's unfinished sweep)
  plan FILE       dry run: list the trials a sweep file expands to
  validate FILE   check a sweep file and report every problem
  ls              list the sweeps in the store
  show SWEEP      a sweep's trials and best results (SWEEP: id like ch6-1, or a name)
  top [SWEEP]     live dashboard of a running sweep (default: the newest)
  report SWEEP    figures (PNG, SVG), index.html and summary.md in reports/<sweep id>/
  export SWEEP    trials or epochs as CSV or JSON (--format csv|json)
  schema          print the JSON Schema of sweep files (for editors)
  worker          train the trials of distributed sweeps on this machine (--nats URL; docs/nats.md)
  workers         list worker hosts (from the store; live with --nats URL)
  resume SWEEP    take over a distributed sweep whose orchestrator stopped (--nats URL)
  cancel SWEEP    cancel a distributed sweep from any machine (--nats URL)

Run \`sweep <command> --help\` for a command's options.

Environment: SWEEP_STORE (database path, default store/sweeps.db), SWEEP_DATA_DIR (dataset files).
             NATS_URL, NATS_CREDS, NATS_NKEY, NATS_TOKEN, NATS_USER, NATS_PASSWORD, NATS_CA, NATS_CERT, NATS_KEY.
Exit codes: 0 ok, 1 a trial or the run failed, 2 bad command line or sweep file,
            70 internal error, 130 interrupted (resumable).`;
}
