import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';
import { NatsServer, natsSkipNotice } from '../transport/nats-server.js';
import { SLOW, SweepProcess, TINY, snapshot, startWorker, trialSummary, until } from './cli-helpers.js';

const skip = natsSkipNotice('distributed/sweep');

/**
 * Real processes end to end: a nats-server per test, `sweep worker` processes and the `sweep run
 * --nats` orchestrator, killed with SIGKILL where the test says so.
 */
describe.skipIf(skip)('distributed sweeps through the CLI', () => {
  let server: NatsServer;
  let dir: string;
  let db: string;
  const processes: SweepProcess[] = [];

  function worker(...extra: string[]): SweepProcess {
    const p = startWorker(server.url, extra);
    processes.push(p);
    return p;
  }

  function orchestrator(args: string[]): SweepProcess {
    const p = new SweepProcess([...args, '--nats', server.url, '--store', db, '--no-tui']);
    processes.push(p);
    return p;
  }

  async function ready(...workers: SweepProcess[]): Promise<void> {
    await Promise.all(workers.map((w) => w.waitForOutput(/waiting for trials/)));
  }

  const starts = (...workers: SweepProcess[]): string[] => workers.flatMap((w) => [...w.stdout.matchAll(/^start {2}(\S+) /gm)].map((m) => m[1] as string));

  beforeEach(async () => {
    server = await NatsServer.start();
    dir = tempDir();
    db = join(dir, 'sweeps.db');
  });

  afterEach(async () => {
    for (const p of processes.splice(0)) p.kill('SIGKILL');
    await server.kill();
  });

  it('two workers finish a sweep, and the store matches an embedded run of the same file trial for trial', async () => {
    const [a, b] = [worker(), worker()];
    await ready(a, b);
    const run = await orchestrator(['run', TINY, '--backend', 'wasm']).result();
    expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/dispatching 3 trials to sweep workers on 127\.0\.0\.1:\d+ \(ack wait 30s, up to 3 attempts\)/);
    expect(starts(a).length).toBeGreaterThan(0);
    expect(starts(b).length).toBeGreaterThan(0);

    const embeddedDb = join(dir, 'embedded.db');
    const embedded = await runCli(['run', TINY, '--store', embeddedDb, '--backend', 'wasm', '--workers', '2', '--no-tui']);
    expect(embedded.code).toBe(0);
    const distributed = trialSummary(snapshot(db, 'tiny-dist-1'));
    expect(distributed).toHaveLength(3);
    expect(distributed.every((t) => t.state === 'completed' && t.epochsDone === 2)).toBe(true);
    expect(distributed).toEqual(trialSummary(snapshot(embeddedDb, 'tiny-dist-1')));

    const workers = await runCli(['workers', '--store', db, '--nats', server.url]);
    expect(workers.code).toBe(0);
    for (const w of [a, b]) expect(workers.stdout).toMatch(new RegExp(`:${w.pid} .* wasm .* yes\\s*$`, 'm'));
  });

  it('kill -9 of a worker mid-trial: the trial completes on the other worker, once, with both attempts recorded', async () => {
    const [a, b] = [worker(), worker()];
    await ready(a, b);
    const run = orchestrator(['run', SLOW, '--backend', 'wasm', '--ack-wait', '2s']);
    let victim = { trialId: '', worker: '' };
    await until(
      () => {
        // A trial with an epoch stored and most of its training still ahead.
        const s = snapshot(db, 'slow-dist-1');
        const running = s.trials.find((t) => t.state === 'running' && t.epochsDone >= 1 && t.epochsDone <= 2);
        const attempt = running && s.attempts.find((x) => x.trialId === running.trialId && x.attempt === 1);
        if (attempt) victim = { trialId: attempt.trialId, worker: attempt.worker };
        return attempt !== undefined;
      },
      60_000,
      'a first epoch',
    );
    const doomed = [a, b].find((w) => victim.worker.endsWith(`:${w.pid}`));
    expect(doomed).toBeDefined();
    doomed?.kill('SIGKILL');
    const result = await run.result();
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`${victim.trialId} retried as attempt 2: attempt 1 on \\S+ stopped renewing its lease`));

    const s = snapshot(db, 'slow-dist-1');
    expect(s.trials.map((t) => [t.state, t.epochsDone])).toEqual(Array(3).fill(['completed', 4]));
    const attempts = s.attempts.filter((x) => x.trialId === victim.trialId);
    expect(attempts.map((x) => [x.attempt, x.state])).toEqual([[1, 'failed'], [2, 'completed']]);
    expect(attempts[1]?.worker).not.toBe(victim.worker);
    expect(s.attempts.filter((x) => x.state === 'completed')).toHaveLength(3);
    // The others trained for longer than the 2 s ack wait on one attempt: their leases were renewed.
    expect(s.attempts.filter((x) => x.trialId !== victim.trialId).map((x) => x.attempt)).toEqual([1, 1]);
    expect(s.epochs.filter((e) => e.trialId === victim.trialId && e.attempt === 2)).toHaveLength(4);
  });

  it('kill -9 of the orchestrator mid-sweep, then resume: nothing that finished reruns, nothing is lost or stored twice', async () => {
    const [a, b] = [worker(), worker()];
    await ready(a, b);
    const first = orchestrator(['run', SLOW, '--backend', 'wasm']);
    await until(() => snapshot(db, 'slow-dist-1').epochs.length > 0, 60_000, 'a first epoch');
    first.kill('SIGKILL');
    await first.exited;
    // The workers carry on; what they report waits in NATS.
    await until(() => [...(a.stdout + b.stdout).matchAll(/^end /gm)].length >= 2, 60_000, 'two trials ending while no orchestrator listens');
    const before = snapshot(db, 'slow-dist-1');
    expect(before.trials.filter((t) => t.state === 'completed').length).toBeLessThan(2);

    const resumed = await orchestrator(['resume', 'slow-dist-1']).result();
    expect(resumed.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(resumed.code).toBe(0);
    const s = snapshot(db, 'slow-dist-1');
    expect(s.trials.map((t) => [t.state, t.attempts, t.epochsDone])).toEqual(Array(3).fill(['completed', 1, 4]));
    expect(s.epochs).toHaveLength(12);
    expect(s.attempts).toHaveLength(3);
    expect(starts(a, b).sort()).toEqual(s.trials.map((t) => `slow-dist-1/${t.trialId}`).sort());
  });

  it('a nats-server restart mid-sweep (file storage) delays the sweep but it completes', async () => {
    const [a, b] = [worker(), worker()];
    await ready(a, b);
    const run = orchestrator(['run', SLOW, '--backend', 'wasm']);
    await until(() => snapshot(db, 'slow-dist-1').epochs.length > 0, 60_000, 'a first epoch');
    await server.kill();
    await new Promise((r) => setTimeout(r, 1_500));
    await server.restart();
    const result = await run.result();
    expect(result.code).toBe(0);
    const s = snapshot(db, 'slow-dist-1');
    expect(s.trials.map((t) => [t.state, t.epochsDone])).toEqual(Array(3).fill(['completed', 4]));
    expect(s.trials.every((t) => s.epochs.filter((e) => e.trialId === t.trialId && e.attempt === t.attempts).length === 4)).toBe(true);
  });

  it('sweep cancel from another process withdraws queued trials and stops the running one within an epoch', async () => {
    const w = worker();
    await ready(w);
    const run = orchestrator(['run', SLOW, '--backend', 'wasm']);
    await until(() => snapshot(db, 'slow-dist-1').epochs.length > 0, 60_000, 'a first epoch');
    const epochsAtCancel = snapshot(db, 'slow-dist-1').epochs.length;
    const cancel = await runCli(['cancel', 'slow-dist', '--nats', server.url, '--store', db]);
    expect(cancel.code).toBe(0);
    expect(cancel.stdout).toMatch(/^cancelled slow-dist-1: withdrew 3 trials from the queue; running ones stop after their current batch/);
    const result = await run.result();
    expect(result.code).toBe(130);
    const s = snapshot(db, 'slow-dist-1');
    expect(s.trials.map((t) => t.state)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(s.epochs.length).toBeLessThanOrEqual(epochsAtCancel + 1);
    await w.waitForOutput(/^end {4}slow-dist-1\/\S+ cancelled after \d epochs?$/m);
    expect(w.child.exitCode).toBeNull();
  });

  it('Ctrl-C in sweep run --nats cancels the same way and exits 130', async () => {
    const w = worker();
    await ready(w);
    const run = orchestrator(['run', SLOW, '--backend', 'wasm']);
    await until(() => snapshot(db, 'slow-dist-1').epochs.length > 0, 60_000, 'a first epoch');
    run.kill('SIGINT');
    const result = await run.result();
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/cancelling: queued trials are withdrawn, running ones stop after their current batch/);
    expect(snapshot(db, 'slow-dist-1').trials.map((t) => t.state)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    await w.waitForOutput(/^end {4}slow-dist-1\/\S+ cancelled after \d epochs?$/m);
  });
});
