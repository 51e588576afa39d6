import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { TrainerError } from '../../src/errors.js';
import { initBackend } from '../../src/trainer/task/backend.js';

const nativeInstalled = await import('@tensorflow/tfjs-node' as string).then(
  () => true,
  () => false,
);
if (nativeInstalled) {
  console.warn('[trainer/backend] @tensorflow/tfjs-node loads here, so the test of its "cannot load" message is skipped');
}

describe('initBackend', () => {
  it('auto picks the native backend when installed, else wasm', async () => {
    expect(await initBackend('auto')).toBe(nativeInstalled ? 'tensorflow' : 'wasm');
  });

  it('switches between explicit preferences and back', async () => {
    expect(await initBackend('cpu')).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(await initBackend('wasm')).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it.skipIf(nativeInstalled)('rejects an explicit native preference that cannot load, saying how to fix it', async () => {
    const err = await initBackend('tensorflow').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrainerError);
    expect((err as TrainerError).code).toBe('BACKEND_UNAVAILABLE');
    expect((err as TrainerError).message).toMatch(/^Backend 'tensorflow' is not available: @tensorflow\/tfjs-node could not be loaded \(.+\)\. Install it \(npm install @tensorflow\/tfjs-node; .*\) or choose backend 'wasm' or 'auto'\.$/);
    const gpu = await initBackend('tensorflow-gpu').catch((e: unknown) => e);
    expect((gpu as TrainerError).code).toBe('BACKEND_UNAVAILABLE');
    // The failed attempt left the thread's backend alone.
    expect(tf.getBackend()).toBe('wasm');
  });
});
