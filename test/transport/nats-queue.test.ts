import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NatsConnection } from 'nats';
import {
  NatsDispatcher,
  NatsTrialSource,
  closeNats,
  connectNats,
  listLiveWorkers,
  requestCancel,
} from '../../src/transport/nats-queue.js';
import type { TrialSpec } from '../../src/transport/protocol.js';
import type { Delivery, Lease, WorkerReport } from '../../src/transport/trial-queue.js';
import { epochMetrics, trainConfig } from '../helpers/fixtures.js';
import { NatsServer, natsSkipNotice } from './nats-server.js';

const skip = natsSkipNotice('transport/nats-queue');
const ACK_WAIT_MS = 1_500;
const POLL_MS = 1_000;

function spec(sweepId: string, trialId: string, overrides: Partial<TrialSpec> = {}): TrialSpec {
  return {
    trialId,
    sweepId,
    study: 's',
    config: trainConfig(),
    attempt: 1,
    dataset: { name: 'fashion-mnist', checksum: 'c0ffee' },
    backend: 'cpu',
    ...overrides,
  };
}

/** The next `n` reports (acking each unless told not to). */
async function nextReports(iterable: AsyncIterable<Delivery<WorkerReport>>, n: number, ack = true): Promise<WorkerReport[]> {
  const out: WorkerReport[] = [];
  if (n === 0) return out;
  for await (const delivery of iterable) {
    out.push(delivery.value);
    if (ack) delivery.ack();
    if (out.length === n) break;
  }
  return out;
}

describe.skipIf(skip)('the JetStream trial queue against a real nats-server', () => {
  let server: NatsServer;
  const connections: NatsConnection[] = [];
  const warnings: string[] = [];
  const closers: Array<() => Promise<void>> = [];

  async function connection(): Promise<NatsConnection> {
    const nc = await connectNats({ servers: server.url });
    connections.push(nc);
    return nc;
  }

  async function dispatcher(sweepId: string): Promise<NatsDispatcher> {
    const d = await NatsDispatcher.open(await connection(), { sweepId, ackWaitMs: ACK_WAIT_MS, onWarning: (m) => warnings.push(m) });
    closers.push(() => d.close());
    return d;
  }

  async function source(): Promise<NatsTrialSource> {
    const s = await NatsTrialSource.open(await connection(), { pollMs: POLL_MS, onWarning: (m) => warnings.push(m) });
    closers.push(() => s.close());
    return s;
  }

  beforeEach(async () => {
    warnings.length = 0;
    server = await NatsServer.start();
  });

  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    for (const nc of connections.splice(0)) await closeNats(nc, 1_000);
    await server.kill();
  });

  it('queues each trial once: submitting a queued or delivered-unacked trial again publishes nothing', async () => {
    const d = await dispatcher('sub-1');
    const s = await source();
    await d.submit([spec('sub-1', 'a'), spec('sub-1', 'b')]);
    await d.submit([spec('sub-1', 'a'), spec('sub-1', 'b')]);
    const leases = await s.take(10);
    expect(leases.map((l) => l.trial.trialId).sort()).toEqual(['a', 'b']);
    await d.submit([spec('sub-1', 'a')]);
    const renew = setInterval(() => leases.forEach((l) => l.working()), ACK_WAIT_MS / 4);
    try {
      expect(await s.take(10, AbortSignal.timeout(POLL_MS + 500))).toEqual([]);
    } finally {
      clearInterval(renew);
    }
    // Once acked (the trial ended), the same trial can be queued again: what a resume does.
    await leases[0]?.ack();
    await d.submit([spec('sub-1', leases[0]?.trial.trialId ?? '')]);
    expect((await s.take(10)).map((l) => l.trial.trialId)).toEqual([leases[0]?.trial.trialId]);
  });

  it('hands a host no more trials than it asks for, and waits for the first one', async () => {
    const d = await dispatcher('take-1');
    const s = await source();
    await d.submit(['a', 'b', 'c', 'd', 'e'].map((id) => spec('take-1', id)));
    expect((await s.take(2)).map((l) => l.trial.trialId)).toEqual(['a', 'b']);
    expect((await s.take(2)).map((l) => l.trial.trialId)).toEqual(['c', 'd']);
    expect((await s.take(2)).map((l) => l.trial.trialId)).toEqual(['e']);
    const waiting = s.take(3);
    setTimeout(() => void d.submit([spec('take-1', 'f')]), 300);
    expect((await waiting).map((l) => l.trial.trialId)).toEqual(['f']);
  });

  it('gives an unrenewed delivery to another host as the next attempt; working() keeps it', async () => {
    const d = await dispatcher('lease-1');
    const [first, second] = [await source(), await source()];
    await d.submit([spec('lease-1', 'a', { attempt: 4 })]);
    const [lease] = await first.take(1);
    expect(lease?.trial.attempt).toBe(4);
    const renew = setInterval(() => lease?.working(), ACK_WAIT_MS / 4);
    try {
      expect(await second.take(1, AbortSignal.timeout(ACK_WAIT_MS * 2))).toEqual([]);
    } finally {
      clearInterval(renew);
    }
    const startedMs = Date.now();
    const [again] = await second.take(1);
    expect(again?.trial.trialId).toBe('a');
    expect(again?.trial.attempt).toBe(5);
    expect(Date.now() - startedMs).toBeLessThan(ACK_WAIT_MS + POLL_MS + 1_000);
  });

  it('reports a trial abandoned, with the reason, once its deliveries pass maxAttempts, and drops it from the queue', async () => {
    const d = await dispatcher('max-1');
    const s = await source();
    await d.submit([spec('max-1', 'a', { maxAttempts: 2 })]);
    for (const attempt of [1, 2]) {
      const [lease] = await s.take(1);
      expect(lease?.trial.attempt).toBe(attempt);
      await lease?.release();
    }
    expect(await s.take(1, AbortSignal.timeout(POLL_MS + 500))).toEqual([]);
    const [report] = await nextReports(d.reports(), 1);
    expect(report).toMatchObject({ type: 'abandoned', sweepId: 'max-1', trialId: 'a', attempt: 3 });
    expect(report?.type === 'abandoned' && report.reason).toMatch(/^gave up after 2 attempts: each worker that took the trial stopped renewing its lease/);
    await d.submit([spec('max-1', 'a')]);
    expect((await s.take(1)).map((l) => l.trial.trialId)).toEqual(['a']);
  });

  it('delivers reports in order, once per message id, and gives unacked ones to the next orchestrator first', async () => {
    const d1 = await dispatcher('rep-1');
    const s = await source();
    const ids = { sweepId: 'rep-1', trialId: 'a', attempt: 1 };
    await s.publish({ type: 'started', ...ids, worker: 'w1', atMs: 1 });
    await s.publish({ type: 'started', ...ids, worker: 'w1', atMs: 1 });
    await s.publish({ type: 'epoch', ...ids, metrics: epochMetrics(1) });
    await s.publish({ type: 'epoch', ...ids, metrics: epochMetrics(2) });
    const reports = d1.reports();
    const [started] = await nextReports(reports, 1);
    expect(started?.type).toBe('started');
    const [epoch1] = await nextReports(reports, 1, false);
    expect(epoch1).toMatchObject({ type: 'epoch', metrics: { epoch: 1 } });
    await d1.close();

    await s.publish({ type: 'finished', ...ids, outcome: { status: 'completed', epochs: 2, backend: 'cpu', bestEpoch: 2, error: null }, atMs: 2 });
    const d2 = await dispatcher('rep-1');
    const backlog: WorkerReport[] = [];
    for await (const delivery of d2.backlog()) {
      backlog.push(delivery.value);
      delivery.ack();
    }
    expect(backlog.map((r) => (r.type === 'epoch' ? `epoch ${r.metrics.epoch}` : r.type))).toEqual(['epoch 1', 'epoch 2', 'finished']);
    await s.publish({ type: 'started', sweepId: 'rep-1', trialId: 'b', attempt: 1, worker: 'w1', atMs: 3 });
    const [later] = await nextReports(d2.reports(), 1);
    expect(later).toMatchObject({ type: 'started', trialId: 'b' });
  });

  it('logs and terminates malformed messages on either end, and keeps going', async () => {
    const d = await dispatcher('bad-1');
    const s = await source();
    const nc = await connection();
    const js = nc.jetstream();
    await js.publish('sweep.trials.bad-1.junk', 'not json');
    await js.publish('sweep.trials.bad-1.future', JSON.stringify({ v: 99, trialId: 'future' }));
    await js.publish('sweep.trials.bad-1.half', JSON.stringify({ v: 1, ...spec('bad-1', 'half'), config: { epochs: -1 } }));
    await d.submit([spec('bad-1', 'good')]);
    const leases: Lease[] = [];
    while (leases.length === 0) leases.push(...(await s.take(10)));
    expect(leases.map((l) => l.trial.trialId)).toEqual(['good']);
    await leases[0]?.ack();
    expect(warnings).toContain('ignored a malformed trial on sweep.trials.bad-1.junk: it is not JSON (Unexpected token \'o\', "not json" is not valid JSON)');
    expect(warnings).toContain('a trial on sweep.trials.bad-1.future uses sweep protocol v99, this sweep speaks v1: run the same sweep version on every host');
    expect(warnings.some((w) => w.startsWith('ignored a malformed trial on sweep.trials.bad-1.half: config.dataset:'))).toBe(true);
    // Terminated, not redelivered after the ack wait.
    expect(await s.take(10, AbortSignal.timeout(ACK_WAIT_MS + POLL_MS))).toEqual([]);

    await js.publish('sweep.reports.bad-1.a', JSON.stringify({ v: 1, type: 'epoch', sweepId: 'bad-1', trialId: 'a', attempt: 1 }));
    await s.publish({ type: 'started', sweepId: 'bad-1', trialId: 'a', attempt: 1, worker: 'w', atMs: 1 });
    const [report] = await nextReports(d.reports(), 1);
    expect(report).toMatchObject({ type: 'started', trialId: 'a' });
    expect(warnings).toContain('ignored a malformed report on sweep.reports.bad-1.a: metrics: Invalid input: expected object, received undefined');
  });

  it('cancels: withdraws the sweep\'s trials, returns their ids and tells worker hosts; `sweep cancel` also tells the orchestrator', async () => {
    const d = await dispatcher('can-1');
    const other = await dispatcher('can-2');
    const s = await source();
    const told: string[] = [];
    s.onCancel((sweepId) => told.push(sweepId));
    await d.submit(['a', 'b', 'c'].map((id) => spec('can-1', id)));
    await other.submit([spec('can-2', 'x')]);
    const [held] = await s.take(1);
    expect(held?.trial.trialId).toBe('a');
    expect((await d.cancel('can-1')).sort()).toEqual(['a', 'b', 'c']);
    await expect.poll(() => told).toEqual(['can-1']);
    expect((await s.take(10)).map((l) => `${l.trial.sweepId}/${l.trial.trialId}`)).toEqual(['can-2/x']);

    // x is delivered and not acked: a durable queue withdraws it too (its holder may be dead).
    expect(await requestCancel(await connection(), 'can-2')).toEqual(['x']);
    await expect.poll(() => told).toEqual(['can-1', 'can-2']);
    const [request] = await nextReports(other.reports(), 1);
    expect(request).toMatchObject({ type: 'cancel-requested', sweepId: 'can-2', withdrawn: ['x'] });
  });

  it('passes heartbeats to the orchestrator and lists live workers', async () => {
    const d = await dispatcher('hb-1');
    const s = await source();
    const worker = { id: 'host-a:123', host: 'host-a', pid: 123, backend: 'wasm', gpus: ['0'], slots: 2, running: ['t1'], atMs: Date.now() };
    await s.publish({ type: 'heartbeat', worker });
    const [beat] = await nextReports(d.reports(), 1);
    expect(beat).toEqual({ type: 'heartbeat', worker });
    expect(await listLiveWorkers(await connection())).toEqual([worker]);
  });
});
