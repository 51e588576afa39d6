import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/trainer/task/backend.js';
import { BN_EPSILON, BN_MOMENTUM } from '../../src/trainer/task/batch-norm.js';
import { Mlp, type MlpOptions } from '../../src/trainer/task/model.js';
import { Rng } from '../../src/trainer/task/rng.js';
import { softmaxCrossEntropy } from '../../src/trainer/task/softmax-head.js';
import type { ActivationName } from '../../src/transport/protocol.js';

const BATCH = 9;
const INPUT = 12;
const CLASSES = 5;

function options(overrides: Partial<MlpOptions>): MlpOptions {
  return {
    inputSize: INPUT,
    classes: CLASSES,
    hiddenLayers: 2,
    units: 7,
    activation: 'relu',
    initializer: { name: 'glorot_uniform' },
    batchNorm: false,
    dropout: 0,
    weightDecay: 0,
    ...overrides,
  };
}

function batch(seed: number): { x: tf.Tensor2D; labels: number[] } {
  const rng = new Rng(seed, 99);
  const x = tf.tensor2d(Array.from({ length: BATCH * INPUT }, () => rng.uniform()), [BATCH, INPUT]);
  return { x, labels: Array.from({ length: BATCH }, (_, i) => i % CLASSES) };
}

function activate(z: tf.Tensor, a: ActivationName): tf.Tensor {
  return a === 'relu' ? tf.relu(z) : a === 'sigmoid' ? tf.sigmoid(z) : tf.tanh(z);
}

/** Keras's dropout masks as the model draws them: row-major per layer, keep where u >= rate. */
function masks(o: MlpOptions, seed: number): tf.Tensor[] {
  const rng = new Rng(seed, 5);
  return Array.from({ length: o.hiddenLayers }, () =>
    tf.tensor2d(Array.from({ length: BATCH * o.units }, () => (rng.uniform() >= o.dropout ? 1 / (1 - o.dropout) : 0)), [BATCH, o.units]),
  );
}

/** The same network written with plain ops, differentiated by tf.grads: the reference. */
function referenceLoss(o: MlpOptions, params: tf.Tensor[], x: tf.Tensor, onehot: tf.Tensor, dropMasks: tf.Tensor[] | null): tf.Scalar {
  let h: tf.Tensor = x;
  let i = 0;
  let reg: tf.Tensor = tf.scalar(0);
  for (let l = 0; l < o.hiddenLayers; l++) {
    const w = params[i++]!;
    let z = tf.add(tf.matMul(h, w), params[i++]!);
    reg = tf.add(reg, tf.mul(o.weightDecay, tf.sum(tf.square(w))));
    if (o.batchNorm) {
      const { mean, variance } = tf.moments(z, 0);
      z = tf.add(tf.mul(tf.div(tf.sub(z, mean), tf.sqrt(tf.add(variance, BN_EPSILON))), params[i++]!), params[i++]!);
    }
    h = activate(z, o.activation);
    if (dropMasks) h = tf.mul(h, dropMasks[l]!);
  }
  const logits = tf.add(tf.matMul(h, params[i++]!), params[i++]!);
  return tf.add(tf.losses.softmaxCrossEntropy(onehot, logits), reg) as tf.Scalar;
}

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(1e-3, Math.abs(b[i]!)));
  return worst;
}

describe('Mlp hand-written backward pass', () => {
  beforeAll(async () => {
    await initBackend('wasm');
    await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  });

  const cases: Partial<MlpOptions>[] = [
    { activation: 'relu' },
    { activation: 'sigmoid' },
    { activation: 'tanh' },
    { activation: 'relu', batchNorm: true },
    { activation: 'tanh', batchNorm: true, dropout: 0.3 },
    { activation: 'relu', dropout: 0.4 },
    { activation: 'sigmoid', weightDecay: 0.1 },
    { activation: 'relu', batchNorm: true, dropout: 0.15, weightDecay: 0.05, initializer: { name: 'he_normal' } },
  ];

  for (const c of cases) {
    it(`equals autodiff of the same network: ${JSON.stringify(c)}`, () => {
      const o = options(c);
      const model = new Mlp(o, new Rng(3, 1));
      const { x, labels } = batch(4);
      tf.tidy(() => {
        const fwd = model.forwardTrain(x, new Rng(11, 5));
        const grad = new Float32Array(BATCH * CLASSES);
        const head = softmaxCrossEntropy(fwd.logits.dataSync() as Float32Array, labels, 0, BATCH, CLASSES, grad);
        const reg = model.regularization().dataSync()[0]!;
        const grads = model.backward(fwd, tf.tensor2d(grad, [BATCH, CLASSES]));

        const onehot = tf.oneHot(labels, CLASSES);
        const dropMasks = o.dropout > 0 ? masks(o, 11) : null;
        const f = (...ps: tf.Tensor[]): tf.Scalar => referenceLoss(o, ps, x, onehot, dropMasks);
        const { value, grads: want } = tf.valueAndGrads(f)([...model.trainable]);
        expect(head.lossSum / BATCH + reg).toBeCloseTo(value.dataSync()[0]!, 5);
        expect(grads.length).toBe(want.length);
        grads.forEach((g, i) => {
          expect(g.shape).toEqual(want[i]!.shape);
          expect(maxRelDiff(g.dataSync(), want[i]!.dataSync())).toBeLessThan(1e-3);
        });
      });
      x.dispose();
      model.dispose();
    });
  }

  it('batch norm moves its moving averages by 1 - momentum of the batch statistics and uses them at inference', () => {
    const o = options({ batchNorm: true, hiddenLayers: 1 });
    const model = new Mlp(o, new Rng(3, 1));
    const { x } = batch(4);
    const [kernel, bias, gamma, beta, movingMean, movingVariance] = model.weights;
    tf.tidy(() => {
      const z = tf.add(tf.matMul(x, kernel!), bias!);
      const { mean, variance } = tf.moments(z, 0);
      model.forwardTrain(x, new Rng(1));
      expect(maxRelDiff(movingMean!.dataSync(), tf.mul(mean, 1 - BN_MOMENTUM).dataSync())).toBeLessThan(1e-5);
      const wantVar = tf.add(BN_MOMENTUM, tf.mul(variance, 1 - BN_MOMENTUM));
      expect(maxRelDiff(movingVariance!.dataSync(), wantVar.dataSync())).toBeLessThan(1e-5);
      // Inference normalises with the moving statistics, not the batch's.
      const h = tf.relu(tf.add(tf.mul(tf.div(tf.sub(z, movingMean!), tf.sqrt(tf.add(movingVariance!, BN_EPSILON))), gamma!), beta!));
      const want = tf.add(tf.matMul(h, model.weights[6]!), model.weights[7]!);
      expect(maxRelDiff(model.predict(x).dataSync(), want.dataSync())).toBeLessThan(1e-4);
    });
    x.dispose();
    model.dispose();
  });

  it('dropout is active in training mode only', () => {
    const o = options({ dropout: 0.5 });
    const model = new Mlp(o, new Rng(3, 1));
    const { x } = batch(4);
    tf.tidy(() => {
      const rng = new Rng(2);
      const a = model.forwardTrain(x, rng).logits.dataSync();
      const b = model.forwardTrain(x, rng).logits.dataSync();
      expect(maxRelDiff(a, b)).toBeGreaterThan(1e-3);
      const p1 = model.predict(x).dataSync();
      const p2 = model.predict(x).dataSync();
      expect(Array.from(p1)).toEqual(Array.from(p2));
      // Inference is the plain network: no mask, no scaling.
      const ps = model.trainable;
      const h1 = tf.relu(tf.add(tf.matMul(x, ps[0]!), ps[1]!));
      const h2 = tf.relu(tf.add(tf.matMul(h1, ps[2]!), ps[3]!));
      const want = tf.add(tf.matMul(h2, ps[4]!), ps[5]!);
      expect(maxRelDiff(p1, want.dataSync())).toBeLessThan(1e-5);
    });
    x.dispose();
    model.dispose();
  });
});
