import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { describe, expect, it } from 'vitest';
import runTask from '../../src/trainer/task/worker.js';
import { CONTROL_STOP, type TaskInput, type TaskMessage } from '../../src/trainer/task-input.js';
import type { TrialOutcome, TrialSpec } from '../../src/transport/protocol.js';
import { config, syntheticDataset } from './synthetic-dataset.js';

const data = syntheticDataset({ train: 320, test: 100 });

function trial(epochs: number): TrialSpec {
  return {
    trialId: 'w1',
    sweepId: 's1',
    study: 'test',
    config: config({ epochs, units: 16, hidden_layers: 2, batch_size: 32 }),
    attempt: 1,
    dataset: data.identity,
    backend: 'wasm',
  };
}

/** Collects the task's messages until `count` arrived (the port delivers asynchronously). */
function collect(port: import('node:worker_threads').MessagePort, count: number): Promise<TaskMessage[]> {
  const got: TaskMessage[] = [];
  return new Promise((resolve) => {
    if (count === 0) resolve(got);
    port.on('message', (m: TaskMessage) => {
      got.push(m);
      if (got.length === count) resolve(got);
    });
  });
}

describe('worker task', () => {
  it('posts the backend, then one message per epoch, and leaves the port open', async () => {
    const { port1, port2 } = new MessageChannel();
    const control = new SharedArrayBuffer(4);
    const messages = collect(port1, 4);
    const input = { trial: trial(3), dataset: data, port: port2, control } as unknown as TaskInput;
    const outcome = await runTask(input);
    expect(outcome).toMatchObject({ status: 'completed', epochs: 3, backend: 'wasm' });
    const got = await messages;
    expect(got.map((m) => m.type)).toEqual(['backend', 'epoch', 'epoch', 'epoch']);
    expect(got[0]).toEqual({ type: 'backend', backend: 'wasm' });
    // Still open: the pool closes it.
    port2.postMessage({ type: 'backend', backend: 'cpu' });
    port1.close();
  });

  it('ends as cancelled when the shared stop flag is set', async () => {
    const { port1, port2 } = new MessageChannel();
    const control = new SharedArrayBuffer(4);
    Atomics.store(new Int32Array(control), CONTROL_STOP, 1);
    const outcome = await runTask({ trial: trial(3), dataset: data, port: port2, control } as unknown as TaskInput);
    expect(outcome).toMatchObject({ status: 'cancelled', epochs: 0 });
    port1.close();
  });

  it('runs from the compiled file in a Piscina worker thread', async () => {
    const file = fileURLToPath(new URL('../../dist/trainer/task/worker.js', import.meta.url));
    expect(existsSync(file), `${file} is missing: run \`npm run build\` first`).toBe(true);
    const pool = new Piscina<TaskInput, TrialOutcome>({ filename: file, maxThreads: 1 });
    try {
      const { port1, port2 } = new MessageChannel();
      const messages = collect(port1, 3);
      const input: TaskInput = { trial: trial(2), dataset: data, port: port2, control: new SharedArrayBuffer(4) };
      const outcome = await pool.run(input, { transferList: [port2] });
      expect(outcome).toMatchObject({ status: 'completed', epochs: 2, backend: 'wasm', error: null });
      const got = await messages;
      expect(got.filter((m) => m.type === 'epoch')).toHaveLength(2);
      port1.close();
    } finally {
      await pool.close();
    }
  });
});
