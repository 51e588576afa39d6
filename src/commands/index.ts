import { cancelCommand } from './cancel.js';
import type { Command } from './context.js';
import { exportCommand } from './export.js';
import { lsCommand } from './ls.js';
import { planCommand } from './plan.js';
import { reportCommand } from './report.js';
import { resumeCommand } from './resume.js';
import { runCommand } from './run.js';
import { schemaCommand } from './schema.js';
import { showCommand } from './show.js';
import { topCommand } from './top.js';
import { validateCommand } from './validate.js';
import { workerCommand } from './worker.js';
import { workersCommand } from './workers.js';

export type { Command, CommandContext } from './context.js';

export const COMMANDS: Readonly<Record<string, Command>> = {
  run: runCommand,
  plan: planCommand,
  validate: validateCommand,
  ls: lsCommand,
  show: showCommand,
  top: topCommand,
  report: reportCommand,
  export: exportCommand,
  schema: schemaCommand,
  worker: workerCommand,
  workers: workersCommand,
  resume: resumeCommand,
  cancel: cancelCommand,
};
