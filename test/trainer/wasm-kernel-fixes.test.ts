import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/trainer/task/backend.js';
import { originalWasmKernel } from '../../src/trainer/task/wasm-kernel-fixes.js';

/** Runs the backend's original kernel directly and returns its output values. */
function runOriginal(name: typeof tf.BatchMatMul | typeof tf._FusedMatMul, inputs: Record<string, tf.Tensor | null>, attrs: Record<string, unknown>): Float32Array {
  const kernel = originalWasmKernel(name)!;
  const out = kernel.kernelFunc({ inputs: inputs as tf.NamedTensorInfoMap, backend: tf.backend(), attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo;
  const t = tf.engine().makeTensorFromTensorInfo(out);
  const values = t.dataSync() as Float32Array;
  t.dispose();
  return values;
}

/** The product through the original kernel with operands transposed beforehand (its fast, flag-free path). */
function runUntransposed(a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean): tf.Tensor {
  const aT = transposeA ? tf.transpose(a, [0, 2, 1]) : a;
  const bT = transposeB ? tf.transpose(b, [0, 2, 1]) : b;
  const values = runOriginal(tf.BatchMatMul, { a: aT, b: bT }, { transposeA: false, transposeB: false });
  const shape = [aT.shape[0]!, aT.shape[1]!, bT.shape[2]!];
  if (aT !== a) aT.dispose();
  if (bT !== b) bT.dispose();
  return tf.tensor(values, shape);
}

function expectAllClose(a: ArrayLike<number>, b: ArrayLike<number>): void {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  expect(worst).toBeLessThan(1e-5);
}

const combos = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const;

describe('wasm matmul kernel fixes', () => {
  beforeAll(async () => {
    expect(await initBackend('wasm')).toBe('wasm');
    // tfjs-core's node bundle ships no gradients; the autodiff test below needs them.
    await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  });

  it('are registered over the wasm kernels', () => {
    expect(tf.getKernel(tf.BatchMatMul, 'wasm')!.kernelFunc).not.toBe(originalWasmKernel(tf.BatchMatMul)!.kernelFunc);
    expect(tf.getKernel(tf._FusedMatMul, 'wasm')!.kernelFunc).not.toBe(originalWasmKernel(tf._FusedMatMul)!.kernelFunc);
  });

  for (const [transposeA, transposeB] of combos) {
    for (const [batch, m, k, n] of [
      [1, 37, 53, 29],
      [1, 128, 100, 10],
      [3, 5, 7, 4],
    ] as const) {
      it(`BatchMatMul equals the original (transposeA ${transposeA}, transposeB ${transposeB}, ${batch}x${m}x${k}x${n})`, () => {
        const before = tf.memory().numTensors;
        const a = tf.randomNormal(transposeA ? [batch, k, m] : [batch, m, k], 0, 1, 'float32', 1);
        const b = tf.randomNormal(transposeB ? [batch, n, k] : [batch, k, n], 0, 1, 'float32', 2);
        const fixed = tf.matMul(a, b, transposeA, transposeB);
        expect(fixed.shape).toEqual([batch, m, n]);
        expectAllClose(fixed.dataSync(), runOriginal(tf.BatchMatMul, { a, b }, { transposeA, transposeB }));
        tf.dispose([a, b, fixed]);
        expect(tf.memory().numTensors).toBe(before);
      });
    }

    for (const activation of ['linear', 'relu'] as const) {
      it(`_FusedMatMul equals the original without bias (transposeA ${transposeA}, transposeB ${transposeB}, ${activation})`, () => {
        const [m, k, n] = [31, 47, 23];
        const a = tf.randomNormal(transposeA ? [1, k, m] : [1, m, k], 0, 1, 'float32', 3);
        const b = tf.randomNormal(transposeB ? [1, n, k] : [1, k, n], 0, 1, 'float32', 4);
        const fixed = tf.fused.matMul({ a, b, transposeA, transposeB, activation });
        const original = runOriginal(tf._FusedMatMul, { a, b, bias: null, preluActivationWeights: null }, { transposeA, transposeB, activation, leakyreluAlpha: 0 });
        expectAllClose(fixed.dataSync(), original);
        tf.dispose([a, b, fixed]);
      });

      // With a bias, the original's transposed (scalar) path indexes the bias by i * n + j clamped to
      // its length, so every row after the first gets the last bias value (tfjs 4.22
      // batch_mat_mul_impl.cc, slow_batch_matmul). The fix takes the XNNPACK path, which is right:
      // compare with products of explicitly transposed operands instead.
      it(`_FusedMatMul with bias equals matMul + bias (transposeA ${transposeA}, transposeB ${transposeB}, ${activation})`, () => {
        const [m, k, n] = [31, 47, 23];
        const a = tf.randomNormal(transposeA ? [1, k, m] : [1, m, k], 0, 1, 'float32', 3);
        const b = tf.randomNormal(transposeB ? [1, n, k] : [1, k, n], 0, 1, 'float32', 4);
        const bias = tf.randomNormal([n], 0, 1, 'float32', 5);
        const fixed = tf.fused.matMul({ a, b, bias, transposeA, transposeB, activation });
        const plain = tf.add(
          runUntransposed(a, b, transposeA, transposeB),
          bias,
        );
        const want = activation === 'relu' ? tf.relu(plain) : plain;
        expectAllClose(fixed.dataSync(), want.dataSync());
        tf.dispose([a, b, bias, fixed, plain, want]);
      });
    }
  }

  it('broadcasts a fused bias over every row when an operand is transposed', () => {
    const a = tf.tensor3d([[[1, 2], [3, 4], [5, 6]]]);
    const identity = tf.tensor3d([[[1, 0], [0, 1]]]);
    const bias = tf.tensor1d([10, 20]);
    const out = tf.fused.matMul({ a, b: identity, bias, transposeB: true });
    expect(Array.from(out.dataSync())).toEqual([11, 22, 13, 24, 15, 26]);
    tf.dispose([a, identity, bias, out]);
  });

  it('gives gradients equal to the untransposed reference', () => {
    const x = tf.randomNormal([16, 12], 0, 1, 'float32', 6);
    const w = tf.randomNormal([12, 8], 0, 1, 'float32', 7);
    const dw = tf.grad((v: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, v))))(w);
    // d/dW sum((XW)^2) = 2 X^T (X W), computed with explicit transposes only.
    const want = tf.mul(2, tf.matMul(tf.transpose(x), tf.matMul(x, w)));
    expectAllClose(dw.dataSync(), want.dataSync());
    tf.dispose([x, w, dw, want]);
  });
});
