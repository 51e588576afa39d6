import { parseArgs, type ParseArgsConfig } from 'node:util';
import { SweepError } from './errors.js';
import { COMMANDS, type CommandContext } from './commands/index.js';
import { EXIT, usageText } from './commands/usage.js';

/**
 * argv -> command. The only place environment variables are read: every command receives them
 * resolved in its context, so tests can pass their own.
 */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [name, ...rest] = argv;
  // `sweep ls | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT.ok);
    throw error;
  });
  const out = (line: string): void => void process.stdout.write(`${line}\n`);
  const err = (line: string): void => void process.stderr.write(`${line}\n`);
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    out(usageText());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-V') {
    out(await packageVersion());
    return EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    err(`sweep: unknown command '${name}'. Run \`sweep --help\` for the list.`);
    return EXIT.usage;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true } satisfies ParseArgsConfig);
  } catch (error) {
    err(`sweep ${name}: ${error instanceof Error ? error.message : String(error)}\n\n${command.usage}`);
    return EXIT.usage;
  }
  if (parsed.values.help) {
    out(command.usage);
    return EXIT.ok;
  }
  const context: CommandContext = {
    values: parsed.values,
    positionals: parsed.positionals,
    env: {
      storePath: env.SWEEP_STORE,
      dataDir: env.SWEEP_DATA_DIR,
      noColor: env.NO_COLOR !== undefined && env.NO_COLOR !== '',
      nats: {
        url: env.NATS_URL,
        creds: env.NATS_CREDS,
        nkey: env.NATS_NKEY,
        token: env.NATS_TOKEN,
        user: env.NATS_USER,
        password: env.NATS_PASSWORD,
        ca: env.NATS_CA,
        cert: env.NATS_CERT,
        key: env.NATS_KEY,
      },
    },
    out,
    err,
    isTTY: process.stdout.isTTY === true,
  };
  try {
    return await command.run(context);
  } catch (error) {
    if (error instanceof SweepError) {
      err(`sweep ${name}: ${error.message}`);
      return error.code === 'INVALID_SPEC' || error.name === 'UsageError' ? EXIT.usage : EXIT.failure;
    }
    // Anything else is a bug in sweep, not the user's mistake: show everything.
    err(`sweep ${name}: internal error (please report it):`);
    err(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return EXIT.internal;
  }
}

async function packageVersion(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
