import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NatsConnection } from 'nats';
import { SweepController, type RunResult } from '../../src/orchestrator/controller.js';
import type { SweepEvent } from '../../src/orchestrator/events.js';
import { openSqliteStore, type SweepStore } from '../../src/store/index.js';
import { WorkerHost } from '../../src/trainer/host.js';
import type { RunHooks, TrialRunner } from '../../src/trainer/pool.js';
import { createMemoryQueue } from '../../src/transport/memory-queue.js';
import { NatsDispatcher, NatsTrialSource, closeNats, connectNats } from '../../src/transport/nats-queue.js';
import type { TrialOutcome, TrialSpec } from '../../src/transport/protocol.js';
import type { TrialDispatcher } from '../../src/transport/trial-queue.js';
import { epochMetrics, tempDir, tinySharedDataset, trainConfig } from '../helpers/fixtures.js';
import { NatsServer, natsSkipNotice } from '../transport/nats-server.js';

const skip = natsSkipNotice('distributed/controller-nats');
const ACK_WAIT_MS = 1_500;
const dataset = tinySharedDataset();

/** Plays a script instead of training; `hang` trials never end (their host is about to "die"). */
class ScriptedRunner implements TrialRunner {
  readonly runs: string[] = [];
  constructor(
    readonly threads: number,
    private readonly hang: (trial: TrialSpec) => boolean = () => false,
    private readonly epochMs = 20,
  ) {}
  async run(trial: TrialSpec, _dataset: unknown, hooks: RunHooks = {}): Promise<TrialOutcome> {
    this.runs.push(`${trial.trialId}#${trial.attempt}`);
    hooks.onBackend?.('cpu');
    for (let epoch = 1; epoch <= 2; epoch++) {
      await new Promise((r) => setTimeout(r, this.epochMs));
      hooks.onEpoch?.(epochMetrics(epoch, 1 / (epoch + trial.config.seed)));
      if (this.hang(trial)) await new Promise(() => undefined);
    }
    return { status: 'completed', epochs: 2, backend: 'cpu', bestEpoch: 2, error: null };
  }
}

describe.skipIf(skip)('the controller over JetStream, with worker hosts in this process', () => {
  let server: NatsServer;
  let store: SweepStore;
  let sweepId: string;
  const connections: NatsConnection[] = [];

  async function connection(): Promise<NatsConnection> {
    const nc = await connectNats({ servers: server.url });
    connections.push(nc);
    return nc;
  }

  async function host(runner: TrialRunner): Promise<{ source: NatsTrialSource; nc: NatsConnection; done: Promise<void>; stop: AbortController }> {
    const nc = await connection();
    const source = await NatsTrialSource.open(nc, { pollMs: 1_000, onWarning: () => undefined });
    const stop = new AbortController();
    const workerHost = new WorkerHost({ source, pool: runner, datasets: async () => dataset, leaseRenewMs: ACK_WAIT_MS / 3, workerId: `host-${connections.length}` });
    return { source, nc, stop, done: workerHost.run(stop.signal) };
  }

  function controller(dispatcher: TrialDispatcher, events: SweepEvent[] = [], maxAttempts = 3): SweepController {
    return new SweepController({ store, dispatcher, datasets: new Map([['fashion-mnist', dataset.identity]]), onEvent: (e) => events.push(e), maxAttempts });
  }

  function newSweep(target: SweepStore, trials = 4): string {
    const id = target.createSweep({
      name: 'dist',
      method: 'grid',
      metric: { name: 'val_loss', goal: 'minimize' },
      specHash: 'h',
      sourceText: '',
      sourcePath: 'dist.yaml',
      spec: {},
      createdAtMs: Date.now(),
    }).id;
    target.addTrials(
      id,
      Array.from({ length: trials }, (_, position) => ({ trialId: `t${position}`, study: 's', position, config: trainConfig({ seed: position }), varied: ['seed'] })),
    );
    return id;
  }

  function summary(target: SweepStore, id: string) {
    return target.listTrials(id).map((t) => ({
      trialId: t.trialId,
      state: t.state,
      epochs: target.listEpochs(id, t.trialId).map((e) => [e.attempt, e.epoch, e.val_loss]),
    }));
  }

  beforeEach(async () => {
    server = await NatsServer.start();
    store = openSqliteStore(join(tempDir(), 'sweeps.db'));
    sweepId = newSweep(store);
  });

  afterEach(async () => {
    store.close();
    for (const nc of connections.splice(0)) await closeNats(nc, 1_000);
    await server.kill();
  });

  it('finishes a sweep on two hosts and stores exactly what the in-process queue stores', async () => {
    const dispatcher = await NatsDispatcher.open(await connection(), { sweepId, ackWaitMs: ACK_WAIT_MS });
    const [a, b] = [new ScriptedRunner(1), new ScriptedRunner(1)];
    const hosts = [await host(a), await host(b)];
    expect(await controller(dispatcher).run(sweepId)).toBe<RunResult>('finished');
    for (const h of hosts) h.stop.abort();
    await Promise.all(hosts.map((h) => h.done));
    await dispatcher.close();
    expect(a.runs.length).toBeGreaterThan(0);
    expect(b.runs.length).toBeGreaterThan(0);

    const embedded = openSqliteStore(join(tempDir(), 'embedded.db'));
    const embeddedId = newSweep(embedded);
    const queue = createMemoryQueue();
    const local = new WorkerHost({ source: queue.source, pool: new ScriptedRunner(2), datasets: async () => dataset });
    const localDone = local.run();
    await new SweepController({ store: embedded, dispatcher: queue.dispatcher, datasets: new Map([['fashion-mnist', dataset.identity]]) }).run(embeddedId);
    await queue.dispatcher.close();
    await localDone;
    expect(summary(store, sweepId)).toEqual(summary(embedded, embeddedId));
    embedded.close();
  });

  it('gives a dead host\'s trial to another host as attempt 2 and records both attempts', async () => {
    const dispatcher = await NatsDispatcher.open(await connection(), { sweepId, ackWaitMs: ACK_WAIT_MS });
    const doomed = await host(new ScriptedRunner(1, (t) => t.trialId === 't0' && t.attempt === 1));
    const events: SweepEvent[] = [];
    const run = controller(dispatcher, events).run(sweepId);
    await expect.poll(() => store.listEpochs(sweepId, 't0').length, { timeout: 10_000 }).toBeGreaterThan(0);
    await doomed.nc.close(); // the host's process is gone: no renewals, no acks, no more reports
    const survivor = await host(new ScriptedRunner(1));
    expect(await run).toBe('finished');
    survivor.stop.abort();
    await survivor.done;
    await dispatcher.close();

    expect(store.listTrials(sweepId).map((t) => t.state)).toEqual(['completed', 'completed', 'completed', 'completed']);
    expect(store.getTrial(sweepId, 't0')?.attempts).toBe(2);
    const attempts = store.listAttempts(sweepId, 't0');
    expect(attempts.map((a) => [a.attempt, a.state])).toEqual([[1, 'failed'], [2, 'completed']]);
    expect(attempts[0]?.error).toMatch(/^attempt 1 on host-\d stopped renewing its lease/);
    expect(events).toContainEqual(expect.objectContaining({ type: 'trial-retried', trialId: 't0', attempt: 2 }));
    expect(store.getTrial(sweepId, 't0')?.epochsDone).toBe(2);
  });

  it('ends a trial as failed, with the reason, when its deliveries run out', async () => {
    const dispatcher = await NatsDispatcher.open(await connection(), { sweepId, ackWaitMs: ACK_WAIT_MS });
    const doomed = await host(new ScriptedRunner(4, (t) => t.trialId === 't1'));
    const events: SweepEvent[] = [];
    const run = controller(dispatcher, events, 1).run(sweepId);
    await expect.poll(() => store.getTrial(sweepId, 't1')?.state, { timeout: 10_000 }).toBe('running');
    await expect.poll(() => store.listTrials(sweepId).filter((t) => t.state === 'completed').length, { timeout: 10_000 }).toBe(3);
    await doomed.nc.close();
    const survivor = await host(new ScriptedRunner(1));
    expect(await run).toBe('finished');
    survivor.stop.abort();
    await survivor.done;
    await dispatcher.close();

    const t1 = store.getTrial(sweepId, 't1');
    expect(t1?.state).toBe('failed');
    expect(t1?.error).toMatch(/^gave up after 1 attempt: each worker that took the trial stopped renewing its lease/);
    expect(store.listAttempts(sweepId, 't1').map((a) => [a.attempt, a.state])).toEqual([[1, 'failed']]);
  });

  it('applies what workers reported while no orchestrator listened, and reruns nothing that finished', async () => {
    // An orchestrator queues the sweep and dies at once (its dispatcher closes, nothing acked).
    const first = await NatsDispatcher.open(await connection(), { sweepId, ackWaitMs: ACK_WAIT_MS });
    // Trials slow enough that the first orchestrator is gone while workers still train them.
    const runner = new ScriptedRunner(2, () => false, 250);
    const worker = await host(runner);
    const submitting = controller(first).run(sweepId);
    await expect.poll(() => store.listTrials(sweepId).some((t) => t.state !== 'queued'), { timeout: 10_000 }).toBe(true);
    await first.close(); // stops delivering reports: the run above ends without seeing the rest
    await submitting;
    await expect.poll(() => runner.runs.length, { timeout: 10_000 }).toBe(4);
    // Every trial acked (its end published first): the queue is empty.
    const jsm = await (await connection()).jetstreamManager();
    await expect.poll(async () => (await jsm.streams.info('SWEEP_TRIALS')).state.messages, { timeout: 10_000 }).toBe(0);

    const second = await NatsDispatcher.open(await connection(), { sweepId, ackWaitMs: ACK_WAIT_MS });
    expect(await controller(second).run(sweepId)).toBe('finished');
    worker.stop.abort();
    await worker.done;
    await second.close();
    expect(runner.runs.sort()).toEqual(['t0#1', 't1#1', 't2#1', 't3#1']);
    expect(store.listTrials(sweepId).map((t) => [t.state, t.attempts, t.epochsDone])).toEqual(Array(4).fill(['completed', 1, 2]));
    expect(store.listEpochs(sweepId)).toHaveLength(8);
  });

  it('runs again a trial that a run without a durable queue left running when it died', async () => {
    // An embedded run was killed while t2 trained: the store says running, no queue holds it.
    store.startAttempt(sweepId, 't2', 1, 'gone:1', Date.now());
    store.transitionTrial(sweepId, 't2', ['queued'], 'running', { worker: 'gone:1' });
    const dispatcher = await NatsDispatcher.open(await connection(), { sweepId, ackWaitMs: ACK_WAIT_MS });
    const runner = new ScriptedRunner(2);
    const worker = await host(runner);
    expect(await controller(dispatcher).run(sweepId)).toBe('finished');
    worker.stop.abort();
    await worker.done;
    await dispatcher.close();
    expect(runner.runs.sort()).toEqual(['t0#1', 't1#1', 't2#2', 't3#1']);
    expect(store.listAttempts(sweepId, 't2').map((a) => [a.attempt, a.worker, a.state])).toEqual([
      [1, 'gone:1', 'failed'],
      [2, 'host-2', 'completed'],
    ]);
  });

  it('cancels through `sweep cancel` semantics: queued trials end, running ones stop', async () => {
    const dispatcher = await NatsDispatcher.open(await connection(), { sweepId, ackWaitMs: ACK_WAIT_MS });
    const runner: TrialRunner = {
      threads: 1,
      run: async (_trial, _ds, hooks = {}) => {
        await new Promise<void>((resolve) => hooks.signal?.addEventListener('abort', () => resolve(), { once: true }));
        return { status: 'cancelled', epochs: 0, backend: 'cpu', bestEpoch: null, error: null };
      },
    };
    const worker = await host(runner);
    const run = controller(dispatcher).run(sweepId);
    await expect.poll(() => store.listTrials(sweepId).some((t) => t.state === 'running'), { timeout: 10_000 }).toBe(true);
    const { requestCancel } = await import('../../src/transport/nats-queue.js');
    await requestCancel(await connection(), sweepId);
    expect(await run).toBe('cancelled');
    worker.stop.abort();
    await worker.done;
    await dispatcher.close();
    expect(store.listTrials(sweepId).map((t) => t.state)).toEqual(['cancelled', 'cancelled', 'cancelled', 'cancelled']);
    expect(store.getSweep(sweepId)?.status).toBe('cancelled');
  });
});
