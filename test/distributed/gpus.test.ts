import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { listLiveWorkers, closeNats, connectNats } from '../../src/transport/nats-queue.js';
import { runCli } from '../helpers/cli.js';
import { NatsServer, natsSkipNotice } from '../transport/nats-server.js';
import { SweepProcess, until } from './cli-helpers.js';

const skip = natsSkipNotice('distributed/gpus');

describe('sweep worker --gpus and native backends', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('refuses several threads with a native backend, saying why', async () => {
    const result = await runCli(['worker', '--nats', 'nats://127.0.0.1:1', '--backend', 'tensorflow', '--threads', '2']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'sweep worker: --threads 2 with backend tensorflow: tfjs-node keeps process-wide native state and fails when a second worker thread ' +
        'loads it (tensorflow/tfjs#8388). Run one worker process per GPU (--gpus 0,1) or use --backend wasm\n',
    );
  });

  it.skipIf(skip)('starts one worker process per GPU, each seeing only its own, and stops them on SIGTERM', async () => {
    const server = await NatsServer.start();
    cleanup.push(() => server.kill());
    const supervisor = new SweepProcess(['worker', '--nats', server.url, '--gpus', '0,1', '--backend', 'wasm', '--threads', '1', '--id', 'rig', '--heartbeat', '1s', '--poll', '1s']);
    cleanup.push(async () => supervisor.kill('SIGKILL'));
    await supervisor.waitForOutput(/started 2 worker processes, one per GPU \(0, 1\)/);
    const nc = await connectNats({ servers: server.url });
    cleanup.push(() => closeNats(nc));
    await until(async () => (await listLiveWorkers(nc)).length === 2, 30_000, 'two heartbeats');
    const workers = (await listLiveWorkers(nc)).sort((a, b) => a.id.localeCompare(b.id));
    expect(workers.map((w) => [w.id, w.gpus, w.backend, w.slots])).toEqual([
      ['rig-gpu0', ['0'], 'wasm', 1],
      ['rig-gpu1', ['1'], 'wasm', 1],
    ]);
    for (const w of workers) {
      const environ = readFileSync(`/proc/${w.pid}/environ`, 'utf8').split('\0');
      expect(environ).toContain(`CUDA_VISIBLE_DEVICES=${w.gpus[0]}`);
    }
    expect(await supervisor.stop()).toBe(0);
    expect(supervisor.stdout.match(/^worker rig-gpu\d: stopped$/gm)).toHaveLength(2);
  });
});
