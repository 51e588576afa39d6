import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';
import { NatsServer, NO_NATS_SERVER } from '../transport/nats-server.js';
import { SweepProcess, TINY, snapshot, startWorker } from './cli-helpers.js';

/**
 * Several hosts, for real networking: each worker runs in its own network namespace, joined to this
 * one by a veth pair with addresses of its own, and reaches the server on the orchestrator's
 * address on that link. Needs root (CI runs as root); says why when it skips.
 */
function whyNot(): string | undefined {
  if (NO_NATS_SERVER) return NO_NATS_SERVER;
  if (process.getuid?.() !== 0) return 'not root: network namespaces need root (CI runs as root)';
  const probe = `swpprobe${process.pid}`;
  const added = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
  if (added.status !== 0) return `cannot create network namespaces here (ip netns add: ${(added.stderr || added.error?.message || '').trim()})`;
  spawnSync('ip', ['netns', 'del', probe]);
  return undefined;
}

const reason = whyNot();
if (reason) console.warn(`[distributed/netns] skipping the multi-host test: ${reason}`);

interface Host {
  netns: string;
  /** This side's address on the link: where the worker finds the server. */
  gateway: string;
  address: string;
}

describe.skipIf(reason !== undefined)('worker hosts in their own network namespaces', () => {
  const tag = `${process.pid % 10_000}${Math.floor(Math.random() * 90 + 10)}`;
  const subnet = 100 + Math.floor(Math.random() * 100);
  const hosts: Host[] = [];
  const processes: SweepProcess[] = [];
  let server: NatsServer;

  const ip = (...args: string[]): void => void execFileSync('ip', args, { stdio: 'pipe' });

  beforeAll(async () => {
    for (const [i, name] of ['a', 'b'].entries()) {
      const host: Host = { netns: `swp${tag}${name}`, gateway: `10.${subnet}.${i + 1}.1`, address: `10.${subnet}.${i + 1}.2` };
      const [outer, inner] = [`vs${tag}${name}`, `vs${tag}${name}p`];
      ip('netns', 'add', host.netns);
      hosts.push(host);
      ip('link', 'add', outer, 'type', 'veth', 'peer', 'name', inner);
      ip('link', 'set', inner, 'netns', host.netns);
      ip('addr', 'add', `${host.gateway}/30`, 'dev', outer);
      ip('link', 'set', outer, 'up');
      ip('netns', 'exec', host.netns, 'ip', 'addr', 'add', `${host.address}/30`, 'dev', inner);
      ip('netns', 'exec', host.netns, 'ip', 'link', 'set', inner, 'up');
      ip('netns', 'exec', host.netns, 'ip', 'link', 'set', 'lo', 'up');
    }
    server = await NatsServer.start({ host: '0.0.0.0' });
  });

  afterAll(async () => {
    const running = processes.splice(0);
    for (const p of running) p.kill('SIGKILL');
    await Promise.all(running.map((p) => p.exited));
    await server?.kill();
    // Deleting a namespace deletes its end of the veth pair, and with it the pair.
    for (const host of hosts) spawnSync('ip', ['netns', 'del', host.netns]);
  });

  it('workers on two "hosts" reach the server over their own links and finish a sweep', async () => {
    const [a, b] = hosts as [Host, Host];
    // Inside a namespace the server is not on localhost: only the link leads to it.
    const isolated = await new Promise<string>((resolve) => {
      const p = new SweepProcess(['cancel', 'nothing-1', '--nats', `nats://127.0.0.1:${server.port}`], { netns: a.netns });
      void p.result(20_000).then((r) => resolve(r.stderr));
    });
    expect(isolated).toMatch(/cannot reach a NATS server at nats:\/\/127\.0\.0\.1:\d+ \(connect ECONNREFUSED/);

    for (const host of [a, b]) {
      const w = startWorker(`nats://${host.gateway}:${server.port}`, ['--id', `worker-${host.netns}`], { netns: host.netns });
      processes.push(w);
      await w.waitForOutput(new RegExp(`connected to ${host.gateway.replace(/\./g, '\\.')}:\\d+; waiting for trials`));
    }
    const db = join(tempDir(), 'sweeps.db');
    const run = new SweepProcess(['run', TINY, '--nats', `nats://127.0.0.1:${server.port}`, '--store', db, '--no-tui', '--backend', 'wasm']);
    processes.push(run);
    const result = await run.result();
    expect(result.code).toBe(0);
    const s = snapshot(db, 'tiny-dist-1');
    expect(s.trials.map((t) => [t.state, t.epochsDone])).toEqual(Array(3).fill(['completed', 2]));
    expect(new Set(s.attempts.map((x) => x.worker))).toEqual(new Set([`worker-${a.netns}`, `worker-${b.netns}`]));
    const listed = await runCli(['workers', '--store', db]);
    expect(listed.stdout).toContain(`worker-${a.netns}`);
    expect(listed.stdout).toContain(`worker-${b.netns}`);
  });
});
