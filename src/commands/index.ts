import type { Command } from './context.js';
import { lsCommand } from './ls.js';
import { planCommand } from './plan.js';
import { runCommand } from './run.js';
import { schemaCommand } from './schema.js';
import { showCommand } from './show.js';
import { validateCommand } from './validate.js';

export type { Command, CommandContext } from './context.js';

export const COMMANDS: Readonly<Record<string, Command>> = {
  run: runCommand,
  plan: planCommand,
  validate: validateCommand,
  ls: lsCommand,
  show: showCommand,
  schema: schemaCommand,
};
