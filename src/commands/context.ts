import type { ParseArgsConfig } from 'node:util';

export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface CommandContext {
  values: OptionValues;
  positionals: string[];
  /** Environment settings, resolved by the CLI (the only place that reads process.env). */
  env: { storePath?: string | undefined; dataDir?: string | undefined; noColor: boolean; nats?: NatsEnv };
  out: (line: string) => void;
  err: (line: string) => void;
  isTTY: boolean;
}

/** NATS_URL, NATS_CREDS, NATS_NKEY, NATS_TOKEN, NATS_USER, NATS_PASSWORD, NATS_CA, NATS_CERT, NATS_KEY. */
export interface NatsEnv {
  url?: string | undefined;
  creds?: string | undefined;
  nkey?: string | undefined;
  token?: string | undefined;
  user?: string | undefined;
  password?: string | undefined;
  ca?: string | undefined;
  cert?: string | undefined;
  key?: string | undefined;
}

export interface Command {
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(context: CommandContext): Promise<number>;
}

export const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;
export const STORE_OPTION = { store: { type: 'string' } } as const;

/** Default database path, relative to where sweep runs. */
export const DEFAULT_STORE_PATH = 'store/sweeps.db';

export function storePathOf(context: CommandContext): string {
  const flag = context.values.store;
  return typeof flag === 'string' ? flag : (context.env.storePath ?? DEFAULT_STORE_PATH);
}

export function stringOption(context: CommandContext, name: string): string | undefined {
  const value = context.values[name];
  return typeof value === 'string' ? value : undefined;
}
