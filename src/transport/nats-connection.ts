import { readFileSync } from 'node:fs';
import { connect, credsAuthenticator, nkeyAuthenticator, type ConnectionOptions, type NatsConnection } from 'nats';
import { TransportError } from '../errors.js';

/**
 * The standard NATS client settings, as `sweep run --nats`, `sweep worker` and friends take them.
 * Secrets arrive as file paths or from the environment (read by the CLI), never as argv values, so
 * they do not show in `ps`; nothing here logs or stores them.
 */
export interface NatsClientOptions {
  /** One URL or several, comma-separated: `nats://host:4222`. User info in a URL is honoured. */
  servers: string;
  /** A `.creds` file (JWT and nkey seed), as `nsc` writes it. */
  credsFile?: string;
  /** A file holding an nkey seed (`SU...`). */
  nkeySeedFile?: string;
  token?: string;
  user?: string;
  password?: string;
  /** CA certificate to verify the server (PEM file). */
  tlsCaFile?: string;
  /** Client certificate and key for mutual TLS (PEM files). */
  tlsCertFile?: string;
  tlsKeyFile?: string;
  /** Shown in the server's connection list (`nats server report connections`). */
  name?: string;
  /** How long the first connection may take. @default 5000 */
  connectTimeoutMs?: number;
}

/**
 * Connects, then reconnects forever if the server goes away later (a restart is routine: JetStream
 * keeps its streams on disk). A first connection that fails is an error the user can act on:
 * TransportError with code NATS_UNREACHABLE, NATS_AUTH, NATS_TLS or NATS_BAD_OPTION.
 */
export async function connectNats(options: NatsClientOptions): Promise<NatsConnection> {
  const servers = options.servers.split(',').map((s) => s.trim()).filter(Boolean);
  const where = servers.map(redactUrl).join(', ');
  const connection: ConnectionOptions = {
    servers,
    timeout: options.connectTimeoutMs ?? 5_000,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1_000,
    ...(options.name ? { name: options.name } : {}),
    ...credentials(options),
    ...tls(options),
  };
  try {
    return await connect(connection);
  } catch (error) {
    throw connectError(error, where);
  }
}

function credentials(options: NatsClientOptions): Partial<ConnectionOptions> {
  if (options.credsFile) return { authenticator: credsAuthenticator(readSecretFile(options.credsFile, '--creds')) };
  if (options.nkeySeedFile) {
    const seed = Buffer.from(readSecretFile(options.nkeySeedFile, '--nkey')).toString('utf8').trim();
    return { authenticator: nkeyAuthenticator(new TextEncoder().encode(seed)) };
  }
  if (options.token) return { token: options.token };
  if (options.user) return { user: options.user, ...(options.password ? { pass: options.password } : {}) };
  return {};
}

function tls(options: NatsClientOptions): Partial<ConnectionOptions> {
  if (!options.tlsCaFile && !options.tlsCertFile && !options.tlsKeyFile) return {};
  if (Boolean(options.tlsCertFile) !== Boolean(options.tlsKeyFile)) {
    throw new TransportError('NATS_BAD_OPTION', 'mutual TLS needs both --tlscert and --tlskey (or NATS_CERT and NATS_KEY)');
  }
  for (const [flag, file] of [['--tlsca', options.tlsCaFile], ['--tlscert', options.tlsCertFile], ['--tlskey', options.tlsKeyFile]] as const) {
    if (file) readSecretFile(file, flag);
  }
  return {
    tls: {
      ...(options.tlsCaFile ? { caFile: options.tlsCaFile } : {}),
      ...(options.tlsCertFile ? { certFile: options.tlsCertFile } : {}),
      ...(options.tlsKeyFile ? { keyFile: options.tlsKeyFile } : {}),
    },
  };
}

function readSecretFile(path: string, flag: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new TransportError('NATS_BAD_OPTION', `cannot read ${flag} file ${path} (${why})`, { cause: error });
  }
}

function connectError(error: unknown, where: string): TransportError {
  if (error instanceof TransportError) return error;
  const code = (error as { code?: unknown }).code;
  const detail = error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'AUTHORIZATION_VIOLATION':
    case 'AUTHENTICATION_EXPIRED':
    case 'AUTHENTICATION_TIMEOUT':
    case 'BAD_AUTHENTICATION':
    case 'BAD_CREDS':
      return new TransportError(
        'NATS_AUTH',
        `the NATS server at ${where} refused our credentials (${detail.replace(/'/g, '')}): check --creds, --nkey, --token-file, --user ` +
          'and NATS_PASSWORD (or NATS_CREDS, NATS_NKEY, NATS_TOKEN, NATS_USER)',
        { cause: error },
      );
    case 'SERVER_OPT_NA':
    case 'TLS':
      return new TransportError('NATS_TLS', `TLS with the NATS server at ${where} failed (${detail}): the server and --tlsca/--tlscert/--tlskey must agree on TLS`, { cause: error });
    case 'ERR_INVALID_URL':
    case 'INVALID_OPTION':
      return new TransportError('NATS_BAD_OPTION', `${where} is not a NATS server URL (${detail}); expected nats://HOST:4222`, { cause: error });
  }
  const cause = (error as { chainedError?: Error }).chainedError?.message;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'HOSTNAME_MISMATCH') {
    return new TransportError(
      'NATS_TLS',
      `TLS with the NATS server at ${where} failed (${detail}): connect with a host name the server's certificate lists`,
      { cause: error },
    );
  }
  if (typeof code === 'string' && isTlsFailure(code)) {
    return new TransportError(
      'NATS_TLS',
      `TLS with the NATS server at ${where} failed (${detail}): pass the CA that signed the server's certificate with --tlsca (or NATS_CA)`,
      { cause: error },
    );
  }
  return new TransportError(
    'NATS_UNREACHABLE',
    `cannot reach a NATS server at ${where} (${cause ?? detail}): is nats-server running there with JetStream (-js), and is --nats (or NATS_URL) right?`,
    { cause: error },
  );
}

/** Node's (OpenSSL's) codes for a certificate it would not accept, and its TLS errors. */
const CERTIFICATE_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'HOSTNAME_MISMATCH',
]);

function isTlsFailure(code: string): boolean {
  return CERTIFICATE_CODES.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_');
}

/** A URL fit for logs: any password or token in it is replaced. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, (_match, userinfo: string) => `//${userinfo.includes(':') ? `${userinfo.split(':')[0]}:***` : '***'}@`);
}
