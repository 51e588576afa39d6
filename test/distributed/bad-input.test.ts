import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { nkeys } from 'nats';
import { afterEach, describe, expect, it } from 'vitest';
import { closeNats, connectNats } from '../../src/transport/nats-queue.js';
import { PROJECT_ROOT, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';
import { NatsServer, freePort, natsSkipNotice, type NatsServerOptions } from '../transport/nats-server.js';
import { SweepProcess, TINY, snapshot, startWorker } from './cli-helpers.js';

const skip = natsSkipNotice('distributed/bad-input');
const NO_STACK = /internal error|\n\s+at /;

/**
 * What a user gets wrong or a network throws at sweep: each is a clear one-line TransportError
 * from the CLI (no stack trace), and none brings down a worker or an orchestrator.
 */
describe.skipIf(skip)('bad input to distributed commands', () => {
  const servers: NatsServer[] = [];
  const processes: SweepProcess[] = [];

  async function server(options: NatsServerOptions = {}): Promise<NatsServer> {
    const s = await NatsServer.start(options);
    servers.push(s);
    return s;
  }

  afterEach(async () => {
    for (const p of processes.splice(0)) p.kill('SIGKILL');
    for (const s of servers.splice(0)) await s.kill();
  });

  it('an unreachable server: says where and what to check, for the worker and the orchestrator', async () => {
    const port = await freePort();
    const url = `nats://127.0.0.1:${port}`;
    const expected = `cannot reach a NATS server at ${url} (connect ECONNREFUSED 127.0.0.1:${port}): is nats-server running there with JetStream (-js), and is --nats (or NATS_URL) right?`;
    const worker = await runCli(['worker', '--nats', url]);
    expect(worker.code).toBe(1);
    expect(worker.stderr).toBe(`sweep worker: ${expected}\n`);
    const run = await runCli(['run', TINY, '--nats', url, '--store', join(tempDir(), 's.db'), '--no-tui']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`sweep run: ${expected}\n`);
    expect(run.stderr).not.toMatch(NO_STACK);
  });

  it('a server without JetStream: says how to enable it', async () => {
    const plain = await server({ jetstream: false });
    const worker = await runCli(['worker', '--nats', plain.url]);
    expect(worker.code).toBe(1);
    expect(worker.stderr).toBe(
      `sweep worker: the NATS server at 127.0.0.1:${plain.port} does not have JetStream enabled: start it with -js (or a jetstream {} block in its config), or give this account JetStream limits\n`,
    );
  });

  it('wrong credentials: refused clearly, and no secret appears in the output or in ps', async () => {
    const auth = await server({ config: 'authorization { users: [ { user: alice, password: "right-horse-battery" } ] }' });
    const wrong = await runCli(['cancel', 'nothing-1', '--nats', auth.url, '--user', 'alice'], { NATS_PASSWORD: 'wrong-staple-secret' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^sweep cancel: the NATS server at nats:\/\/127\.0\.0\.1:\d+ refused our credentials \(Authorization Violation\): check --creds/);
    expect(wrong.stdout + wrong.stderr).not.toContain('wrong-staple-secret');
    const none = await runCli(['cancel', 'nothing-1', '--nats', auth.url]);
    expect(none.stderr).toMatch(/refused our credentials/);
    const right = await runCli(['cancel', 'nothing-1', '--nats', auth.url], { NATS_USER: 'alice', NATS_PASSWORD: 'right-horse-battery' });
    expect(right.stderr).toBe('');
    expect(right.code).toBe(0);

    const worker = startWorker(auth.url, ['--user', 'alice'], { env: { NATS_PASSWORD: 'right-horse-battery' } });
    processes.push(worker);
    await worker.waitForOutput(/waiting for trials/);
    const cmdline = readFileSync(`/proc/${worker.pid}/cmdline`, 'utf8');
    expect(cmdline).toContain('--user\0alice');
    expect(cmdline).not.toContain('right-horse-battery');
  });

  it('a token file and an nkey seed file authenticate', async () => {
    const dir = tempDir();
    const user = nkeys.createUser();
    const tokenServer = await server({ config: 'authorization { token: "t0ken-s3cret" }' });
    const nkeyServer = await server({ config: `authorization { users: [ { nkey: ${user.getPublicKey()} } ] }` });
    writeFileSync(join(dir, 'token'), 't0ken-s3cret\n');
    writeFileSync(join(dir, 'user.nk'), `${new TextDecoder().decode(user.getSeed())}\n`);
    expect((await runCli(['cancel', 'nothing-1', '--nats', tokenServer.url, '--token-file', join(dir, 'token')])).code).toBe(0);
    expect((await runCli(['cancel', 'nothing-1', '--nats', tokenServer.url], { NATS_TOKEN: 't0ken-s3cret' })).code).toBe(0);
    expect((await runCli(['cancel', 'nothing-1', '--nats', nkeyServer.url, '--nkey', join(dir, 'user.nk')])).code).toBe(0);
    const bad = await runCli(['cancel', 'nothing-1', '--nats', nkeyServer.url, '--nkey', join(dir, 'missing.nk')]);
    expect(bad.stderr).toBe(`sweep cancel: cannot read --nkey file ${join(dir, 'missing.nk')} (ENOENT)\n`);
  });

  it('TLS: a server certificate from an unknown CA is refused until --tlsca names it', async () => {
    const dir = tempDir();
    const ssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
    ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=sweep test CA');
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
    // For an IP address nats.js passes Node no TLS server name, and Node then checks the certificate
    // against 'localhost': the certificate lists both.
    writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
    ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'ext.cnf');
    const tls = await server({ config: `tls { cert_file: "${join(dir, 'server.pem')}", key_file: "${join(dir, 'server.key')}" }` });
    const refused = await runCli(['cancel', 'nothing-1', '--nats', tls.url]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `sweep cancel: TLS with the NATS server at ${tls.url} failed (unable to verify the first certificate): pass the CA that signed the server's certificate with --tlsca (or NATS_CA)\n`,
    );
    const trusted = await runCli(['cancel', 'nothing-1', '--nats', tls.url, '--tlsca', join(dir, 'ca.pem')]);
    expect(trusted.stderr).toBe('');
    expect(trusted.code).toBe(0);
    expect((await runCli(['cancel', 'nothing-1', '--nats', tls.url], { NATS_CA: join(dir, 'ca.pem') })).code).toBe(0);
  });

  it('malformed messages on the trial and report subjects are logged and dropped; the sweep still completes', async () => {
    const nats = await server();
    const db = join(tempDir(), 'sweeps.db');
    const worker = startWorker(nats.url);
    processes.push(worker);
    await worker.waitForOutput(/waiting for trials/);
    const nc = await connectNats({ servers: nats.url });
    const js = nc.jetstream();
    await js.publish('sweep.trials.tiny-dist-1.junk', 'not json at all');
    await worker.waitForOutput(/warning: ignored a malformed trial on sweep\.trials\.tiny-dist-1\.junk: it is not JSON/);
    const run = new SweepProcess(['run', TINY, '--nats', nats.url, '--store', db, '--no-tui', '--backend', 'wasm']);
    processes.push(run);
    await run.waitForOutput(/dispatching 3 trials/);
    await js.publish('sweep.reports.tiny-dist-1.junk', JSON.stringify({ v: 1, type: 'finished', sweepId: 'tiny-dist-1' }));
    await closeNats(nc);
    const result = await run.result();
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^warning: ignored a malformed report on sweep\.reports\.tiny-dist-1\.junk: trialId: /m);
    expect(snapshot(db, 'tiny-dist-1').trials.map((t) => t.state)).toEqual(['completed', 'completed', 'completed']);
    expect(worker.child.exitCode).toBeNull();
  });

  it('a worker whose dataset differs from the orchestrator\'s refuses the trials, saying why', async () => {
    const nats = await server();
    const db = join(tempDir(), 'sweeps.db');
    const dataDir = tempDir();
    const source = join(PROJECT_ROOT, 'data', 'fashion-mnist');
    for (const file of ['train-images-idx3-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) copyFileSync(join(source, `${file}.gz`), join(dataDir, `${file}.gz`));
    const labels = gunzipSync(readFileSync(join(source, 'train-labels-idx1-ubyte.gz')));
    labels[8] = (labels[8] as number) === 0 ? 1 : 0; // one relabelled image: another dataset
    writeFileSync(join(dataDir, 'train-labels-idx1-ubyte'), labels);
    const worker = startWorker(nats.url, ['--data-dir', dataDir, '--id', 'odd-data']);
    processes.push(worker);
    await worker.waitForOutput(/waiting for trials/);
    const run = await new SweepProcess(['run', TINY, '--nats', nats.url, '--store', db, '--no-tui', '--backend', 'wasm']).result();
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/ended {2}tiny-dist .* failed .*: worker odd-data holds a different fashion-mnist \(checksum [0-9a-f]{12}, the sweep expects [0-9a-f]{12}\); give it the same files with --data-dir/);
    const s = snapshot(db, 'tiny-dist-1');
    expect(s.trials.map((t) => t.state)).toEqual(['failed', 'failed', 'failed']);
    expect(s.epochs).toHaveLength(0);
    expect(worker.child.exitCode).toBeNull();
  });
});
