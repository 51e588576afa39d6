import type { TrialOutcome } from '../../transport/protocol.js';
import { CONTROL_STOP, type TaskInput, type TaskMessage } from '../task-input.js';
import { trainTrial } from './train.js';

/**
 * The Piscina task module (the pool loads the compiled dist/trainer/task/worker.js). Progress goes
 * out on the task's MessagePort; the stop request comes in through shared memory, because the
 * training loop is synchronous and would not see a message before it ended. The port belongs to
 * the pool, which counts `outcome.epochs` epoch messages before it settles: it is not closed here.
 */
export default async function runTask(input: TaskInput): Promise<TrialOutcome> {
  const control = new Int32Array(input.control);
  const post = (message: TaskMessage): void => input.port.postMessage(message);
  return trainTrial(input.trial, input.dataset, {
    onBackend: (backend) => post({ type: 'backend', backend }),
    onEpoch: (metrics) => post({ type: 'epoch', metrics }),
    shouldStop: () => Atomics.load(control, CONTROL_STOP) !== 0,
  });
}
