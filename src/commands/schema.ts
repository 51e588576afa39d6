import { sweepJsonSchema } from '../orchestrator/sweep-spec.js';
import { HELP_OPTION, type Command } from './context.js';
import { EXIT } from './usage.js';

export const schemaCommand: Command = {
  usage: `Usage: sweep schema

Prints the JSON Schema of sweep files. Editors with YAML language support complete and check
sweep files that start with: # yaml-language-server: $schema=./sweep.schema.json`,
  options: { ...HELP_OPTION },
  async run(context) {
    context.out(JSON.stringify(sweepJsonSchema(), null, 2));
    return EXIT.ok;
  },
};
