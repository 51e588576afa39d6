import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';
import type { NatsClientOptions } from '../transport/nats-queue.js';
import { stringOption, type CommandContext } from './context.js';

/**
 * The standard NATS client options every distributed command takes. Secrets come from files or the
 * environment only (a password never, a token never, on the command line) so that `ps` shows none.
 */
export const NATS_OPTIONS = {
  nats: { type: 'string' },
  creds: { type: 'string' },
  nkey: { type: 'string' },
  'token-file': { type: 'string' },
  user: { type: 'string' },
  tlsca: { type: 'string' },
  tlscert: { type: 'string' },
  tlskey: { type: 'string' },
} as const;

export const NATS_USAGE = natsUsage(true);

/** The options' help; `urlFromEnv: false` for sweep run, which NATS_URL alone does not make distributed. */
export function natsUsage(urlFromEnv: boolean): string {
  return `NATS connection (each flag falls back to the environment variable shown):
      --nats URL         server, e.g. nats://HOST:4222 (${urlFromEnv ? '$NATS_URL' : 'given, the run is distributed'})
      --creds FILE       credentials file from nsc ($NATS_CREDS)
      --nkey FILE        nkey seed file ($NATS_NKEY)
      --token-file FILE  file holding an auth token ($NATS_TOKEN holds the token itself)
      --user NAME        user name ($NATS_USER); the password only from $NATS_PASSWORD
      --tlsca FILE       CA that signed the server's certificate ($NATS_CA)
      --tlscert FILE     client certificate for mutual TLS ($NATS_CERT)
      --tlskey FILE      its private key ($NATS_KEY)`;
}

/**
 * The client options from flags and environment; undefined when no server URL was given.
 * `urlFromEnv: false` makes only `--nats` count (sweep run stays embedded unless asked).
 */
export function natsOptionsOf(context: CommandContext, { urlFromEnv = true } = {}): NatsClientOptions | undefined {
  const env = context.env.nats ?? {};
  const servers = stringOption(context, 'nats') ?? (urlFromEnv ? env.url : undefined);
  if (servers === undefined) return undefined;
  if (servers.trim() === '') throw new UsageError('BAD_OPTION', '--nats needs a server URL, e.g. --nats nats://localhost:4222');
  const tokenFile = stringOption(context, 'token-file');
  const pick = (flag: string, fallback: string | undefined): string | undefined => stringOption(context, flag) ?? (fallback || undefined);
  const options: NatsClientOptions = { servers };
  const creds = pick('creds', env.creds);
  const nkey = pick('nkey', env.nkey);
  const token = tokenFile ? readToken(tokenFile) : env.token || undefined;
  const user = pick('user', env.user);
  const ca = pick('tlsca', env.ca);
  const cert = pick('tlscert', env.cert);
  const key = pick('tlskey', env.key);
  if (creds) options.credsFile = creds;
  if (nkey) options.nkeySeedFile = nkey;
  if (token) options.token = token;
  if (user) options.user = user;
  if (user && env.password) options.password = env.password;
  if (ca) options.tlsCaFile = ca;
  if (cert) options.tlsCertFile = cert;
  if (key) options.tlsKeyFile = key;
  return options;
}

export function requireNatsOptions(context: CommandContext, command: string): NatsClientOptions {
  const options = natsOptionsOf(context);
  if (!options) throw new UsageError('MISSING_OPTION', `sweep ${command} needs a NATS server: --nats nats://HOST:4222 (or NATS_URL)`);
  return options;
}

function readToken(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (error) {
    throw new UsageError('BAD_OPTION', `cannot read --token-file ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

/** `30s`, `1500ms`, `2m`, `1h`; a bare number is seconds. */
export function parseDuration(flag: string, text: string | undefined, defaultMs: number): number {
  if (text === undefined) return defaultMs;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[(match?.[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  const ms = match ? Number(match[1]) * unit : Number.NaN;
  if (!Number.isFinite(ms) || ms <= 0) throw new UsageError('BAD_OPTION', `--${flag} must be a duration such as 30s, 1500ms or 2m (got '${text}')`);
  return Math.round(ms);
}

export function parsePositiveInt(flag: string, text: string | undefined, defaultValue: number): number {
  if (text === undefined) return defaultValue;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError('BAD_OPTION', `--${flag} must be a positive whole number (got '${text}')`);
  return n;
}
