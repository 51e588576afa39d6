import * as tf from '@tensorflow/tfjs-core';

/**
 * Kernel replacements for the wasm backend, registered over its own kernels.
 *
 * Why: tfjs-backend-wasm's BatchMatMul and _FusedMatMul hand a product to XNNPACK only when neither
 * operand is transposed; with `transposeA` or `transposeB` they fall back to a scalar triple loop
 * (batch_mat_mul_impl.cc, `slow_batch_matmul`) that runs about 12x slower (2.5 vs 30 GFLOP/s for
 * 128x784 by 784x100 here). Every backward product of a Dense layer is such a product. Transposing
 * the operand explicitly (the wasm Transpose kernel) and calling the original kernel without flags
 * computes the same result on the fast path.
 */

export const FIXED_KERNELS = [tf.BatchMatMul, tf._FusedMatMul] as const;

type KernelArgs = Parameters<tf.KernelFunc>[0];

const originals = new Map<string, tf.KernelConfig>();

/** Registers the replacements once per thread; later calls do nothing. Call after the wasm backend is set. */
export function registerWasmKernelFixes(): void {
  for (const name of FIXED_KERNELS) {
    if (originals.has(name)) continue;
    const original = tf.getKernel(name, 'wasm');
    if (original === undefined) continue;
    originals.set(name, original);
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ ...original, kernelFunc: untransposed(original.kernelFunc) });
  }
}

/** The backend's own kernel, as it was before `registerWasmKernelFixes` (for tests comparing the two). */
export function originalWasmKernel(name: (typeof FIXED_KERNELS)[number]): tf.KernelConfig | undefined {
  return originals.get(name) ?? tf.getKernel(name, 'wasm');
}

function untransposed(original: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const attrs = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
    if (!attrs.transposeA && !attrs.transposeB) return original(args);
    const { a, b } = args.inputs as unknown as { a: tf.TensorInfo; b: tf.TensorInfo };
    const transpose = tf.getKernel(tf.Transpose, 'wasm')!.kernelFunc;
    const swapLast = (x: tf.TensorInfo): tf.TensorInfo => {
      const perm = x.shape.map((_, i) => i);
      const r = perm.length;
      [perm[r - 2], perm[r - 1]] = [perm[r - 1]!, perm[r - 2]!];
      return transpose({ inputs: { x }, backend: args.backend, attrs: { perm } }) as tf.TensorInfo;
    };
    const aT = attrs.transposeA ? swapLast(a) : a;
    const bT = attrs.transposeB ? swapLast(b) : b;
    const backend = args.backend as tf.KernelBackend;
    try {
      return original({
        ...args,
        inputs: { ...args.inputs, a: aT, b: bT },
        attrs: { ...args.attrs, transposeA: false, transposeB: false },
      });
    } finally {
      // Intermediates made inside a kernel are not tracked by the engine: free them here.
      if (aT !== a) backend.disposeData(aT.dataId);
      if (bT !== b) backend.disposeData(bT.dataId);
    }
  };
}
