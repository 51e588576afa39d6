import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Real nats-server processes for the transport and distributed tests: each test starts its own on a
 * free port with its own storage directory, and may kill (SIGKILL) or restart it.
 */

function findBinary(): string | undefined {
  const onPath = spawnSync('sh', ['-c', 'command -v nats-server'], { encoding: 'utf8' }).stdout.trim();
  if (onPath) return onPath;
  return ['/usr/sbin/nats-server', '/usr/local/bin/nats-server', '/usr/bin/nats-server'].find((p) => existsSync(p));
}

export const NATS_SERVER = findBinary();

/** Why NATS tests cannot run here, printed once by each suite that skips; undefined when they can. */
export const NO_NATS_SERVER = NATS_SERVER
  ? undefined
  : 'nats-server is not installed (apt-get install nats-server; CI installs it): skipping the tests that need a real NATS server';

export function natsSkipNotice(suite: string): boolean {
  if (NO_NATS_SERVER) console.warn(`[${suite}] ${NO_NATS_SERVER}`);
  return NO_NATS_SERVER !== undefined;
}

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface NatsServerOptions {
  /** @default true */
  jetstream?: boolean;
  /** Extra configuration file text (authorization, tls...); `port`, `listen` and storage are added. */
  config?: string;
  /** Address to listen on. @default 127.0.0.1 */
  host?: string;
  /** Run the server inside a network namespace (`ip netns exec NAME`). */
  netns?: string;
}

export class NatsServer {
  readonly storeDir: string;
  private child: ChildProcess | undefined;
  private log = '';

  private constructor(
    readonly port: number,
    private readonly options: NatsServerOptions,
  ) {
    this.storeDir = mkdtempSync(join(tmpdir(), 'sweep-nats-'));
  }

  static async start(options: NatsServerOptions = {}): Promise<NatsServer> {
    const server = new NatsServer(await freePort(options.host ?? '127.0.0.1'), options);
    await server.launch();
    return server;
  }

  get url(): string {
    return `nats://${this.options.host ?? '127.0.0.1'}:${this.port}`;
  }

  get output(): string {
    return this.log;
  }

  /** Starts it again on the same port with the same storage (after `kill` or `stop`). */
  async restart(): Promise<void> {
    await this.launch();
  }

  /** SIGKILL: no chance to flush anything. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  private async signal(sig: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(sig);
    await exited;
    this.child = undefined;
  }

  private async launch(): Promise<void> {
    if (!NATS_SERVER) throw new Error(NO_NATS_SERVER);
    const configFile = join(this.storeDir, 'server.conf');
    const lines = [`listen: "${this.options.host ?? '127.0.0.1'}:${this.port}"`];
    if (this.options.jetstream ?? true) lines.push(`jetstream { store_dir: "${join(this.storeDir, 'js')}" }`);
    if (this.options.config) lines.push(this.options.config);
    writeFileSync(configFile, `${lines.join('\n')}\n`);
    const command = this.options.netns ? ['ip', ['netns', 'exec', this.options.netns, NATS_SERVER, '-c', configFile]] : [NATS_SERVER, ['-c', configFile]];
    const child = spawn(command[0] as string, command[1] as string[], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const from = this.log.length;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`nats-server did not start within 10 s:\n${this.log}`)), 10_000);
      const onData = (chunk: Buffer): void => {
        this.log += chunk.toString();
        if (this.log.indexOf('Server is ready', from) >= 0) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`nats-server exited with ${code}:\n${this.log}`));
      });
    });
  }
}
