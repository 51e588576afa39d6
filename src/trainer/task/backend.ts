import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { TrainerError } from '../../errors.js';
import type { BackendName, BackendPreference } from '../../transport/protocol.js';
import { registerWasmKernelFixes } from './wasm-kernel-fixes.js';

/**
 * Chooses and initialises the TensorFlow.js backend of this worker thread.
 *
 * The native backends (@tensorflow/tfjs-node, -node-gpu) are optional dependencies whose binary
 * download may have failed, so they are loaded with a dynamic import of a non-literal specifier:
 * nothing here needs them to be installed, not even their types. They bring their own copy of
 * tfjs-core (through @tensorflow/tfjs), but every tfjs-core copy keeps its engine and kernel
 * registry on the global object (`_tfengine`, `kernelRegistry`), so the 'tensorflow' backend they
 * register is visible to the tfjs-core this code imports, and our ops run on it. We check that
 * rather than assume it: a native package whose backend does not show up in our engine counts as
 * not loadable.
 */

export interface InitBackendOptions {
  /** Whether `auto` may pick the GPU build of TensorFlow. @default false */
  gpu?: boolean;
}

const NATIVE_PACKAGES = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
} as const;

/** Per thread: the result of each preference already initialised (module state is per worker). */
const initialised = new Map<string, Promise<BackendName>>();

/**
 * Makes the preferred backend the active one and returns its name. Memoised per thread and
 * preference, so calling it for every trial costs nothing after the first.
 *
 * @throws TrainerError `BACKEND_UNAVAILABLE` when an explicit preference cannot be loaded.
 */
export function initBackend(pref: BackendPreference, opts: InitBackendOptions = {}): Promise<BackendName> {
  const key = `${pref}:${opts.gpu === true}`;
  let pending = initialised.get(key);
  if (pending === undefined) {
    pending = choose(pref, opts.gpu === true);
    initialised.set(key, pending);
    pending.catch(() => initialised.delete(key));
  }
  return pending.then(async (name) => {
    // Another preference may have switched the thread's backend since; switch back.
    if (tf.getBackend() !== tfName(name)) await activate(name);
    return name;
  });
}

async function choose(pref: BackendPreference, gpu: boolean): Promise<BackendName> {
  // Production mode only silences tfjs's console advice (the cpu backend's "install tfjs-node" banner
  // would otherwise land in the middle of a sweep's output); it disables no computation checks.
  tf.enableProdMode();
  if (pref !== 'auto') {
    const failure = await tryBackend(pref);
    if (failure === null) return pref;
    throw new TrainerError('BACKEND_UNAVAILABLE', unavailableMessage(pref, failure));
  }
  const order: BackendName[] = gpu ? ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] : ['tensorflow', 'wasm', 'cpu'];
  const failures: string[] = [];
  for (const name of order) {
    const failure = await tryBackend(name);
    if (failure === null) return name;
    failures.push(`${name}: ${failure}`);
  }
  throw new TrainerError('BACKEND_UNAVAILABLE', `No TensorFlow.js backend could be initialised (${failures.join('; ')}).`);
}

/** Loads and activates one backend; returns null on success, else why it failed. */
async function tryBackend(name: BackendName): Promise<string | null> {
  try {
    if (name === 'tensorflow' || name === 'tensorflow-gpu') {
      const specifier: string = NATIVE_PACKAGES[name];
      await import(specifier);
      if (tf.findBackendFactory('tensorflow') === null) {
        return `${specifier} loaded but registered no 'tensorflow' backend with this tfjs-core`;
      }
    } else if (name === 'wasm') {
      await import('@tensorflow/tfjs-backend-wasm');
    }
    await activate(name);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

async function activate(name: BackendName): Promise<void> {
  const ok = await tf.setBackend(tfName(name));
  if (!ok) throw new Error(`tf.setBackend('${tfName(name)}') failed`);
  await tf.ready();
  if (name === 'wasm') registerWasmKernelFixes();
}

/** Both native builds register under TensorFlow.js's name 'tensorflow'. */
function tfName(name: BackendName): string {
  return name === 'tensorflow-gpu' ? 'tensorflow' : name;
}

function unavailableMessage(pref: BackendName, failure: string): string {
  switch (pref) {
    case 'tensorflow-gpu':
    case 'tensorflow':
      return (
        `Backend '${pref}' is not available: ${NATIVE_PACKAGES[pref]} could not be loaded (${failure}). ` +
        `Install it (npm install ${NATIVE_PACKAGES[pref]}; it downloads a native TensorFlow binary) ` +
        `or choose backend 'wasm' or 'auto'.`
      );
    case 'wasm':
      return `Backend 'wasm' could not be initialised (${failure}). Check that @tensorflow/tfjs-backend-wasm and its .wasm files are installed, or choose backend 'cpu'.`;
    case 'cpu':
      return `Backend 'cpu' could not be initialised (${failure}). Reinstall @tensorflow/tfjs-backend-cpu.`;
  }
}
