import * as tf from '@tensorflow/tfjs-core';
import { variableFrom } from './variables.js';
import type { ActivationName, InitializerConfig } from '../../transport/protocol.js';
import {
  batchNormBackward,
  batchNormInfer,
  batchNormTrain,
  createBatchNorm,
  createBatchNormConstants,
  type BatchNormConstants,
  type BatchNormCache,
  type BatchNormParams,
} from './batch-norm.js';
import { initKernel } from './initializers.js';
import type { Rng } from './rng.js';

/**
 * The chapter-6 network as plain tensors: `hiddenLayers` x [Dense -> BatchNormalization? ->
 * activation -> Dropout?], then Dense(classes) whose softmax lives in softmax-head.ts. The backward
 * pass is written by hand: a Dense layer's gradients are two products and a column sum, so this
 * skips the autodiff tape and the input gradient of the first layer, which the tape would compute.
 */

/** The network's shape and techniques, taken from a TrainConfig and the dataset. */
export interface MlpOptions {
  inputSize: number;
  classes: number;
  hiddenLayers: number;
  units: number;
  activation: ActivationName;
  initializer: InitializerConfig;
  batchNorm: boolean;
  /** Dropout rate after each hidden activation; 0 = none. */
  dropout: number;
  /** L2 coefficient on each hidden kernel; 0 = none. */
  weightDecay: number;
}

interface HiddenLayer {
  kernel: tf.Variable;
  bias: tf.Variable;
  bn: BatchNormParams | null;
}

/** What one hidden layer's forward pass keeps for the backward pass. */
interface LayerCache {
  input: tf.Tensor;
  /** Activation output before dropout. */
  activated: tf.Tensor;
  mask: tf.Tensor | null;
  bn: BatchNormCache | null;
}

/** A training-mode forward pass: the logits and what `backward` needs. */
export interface ForwardResult {
  logits: tf.Tensor;
  caches: LayerCache[];
  /** Input of the output layer. */
  top: tf.Tensor;
}

/** The network's variables and its forward and backward passes; `dispose` frees the variables. */
export class Mlp {
  readonly options: MlpOptions;
  private readonly hidden: HiddenLayer[] = [];
  private readonly outKernel: tf.Variable;
  private readonly outBias: tf.Variable;
  /** Trainable variables in the order `backward` returns gradients. */
  readonly trainable: readonly tf.Variable[];
  /** Every variable, moving averages included: what Keras's get_weights returns. */
  readonly weights: readonly tf.Variable[];
  /**
   * One mask buffer per hidden layer, reused across steps. Not one for all layers: the cpu backend
   * keeps a reference to a tensor's source array instead of copying it, so a shared buffer would
   * give every layer of a step the last layer's mask.
   */
  private readonly maskBuffers: Float32Array[] = [];
  private readonly bnConstants: BatchNormConstants | null;

  constructor(options: MlpOptions, rng: Rng) {
    this.options = options;
    this.bnConstants = options.batchNorm ? createBatchNormConstants() : null;
    const trainable: tf.Variable[] = [];
    const weights: tf.Variable[] = [];
    let fanIn = options.inputSize;
    for (let l = 0; l < options.hiddenLayers; l++) {
      const layer: HiddenLayer = {
        kernel: denseKernel(options.initializer, fanIn, options.units, rng),
        bias: variableFrom(() => tf.zeros([options.units]), true),
        bn: options.batchNorm ? createBatchNorm(options.units) : null,
      };
      trainable.push(layer.kernel, layer.bias);
      weights.push(layer.kernel, layer.bias);
      if (layer.bn) {
        trainable.push(layer.bn.gamma, layer.bn.beta);
        weights.push(layer.bn.gamma, layer.bn.beta, layer.bn.movingMean, layer.bn.movingVariance);
      }
      this.hidden.push(layer);
      fanIn = options.units;
    }
    this.outKernel = denseKernel(options.initializer, fanIn, options.classes, rng);
    this.outBias = variableFrom(() => tf.zeros([options.classes]), true);
    trainable.push(this.outKernel, this.outBias);
    weights.push(this.outKernel, this.outBias);
    this.trainable = trainable;
    this.weights = weights;
  }

  /** Training-mode forward (batch statistics, dropout drawn from `dropoutRng`). Call inside tf.tidy. */
  forwardTrain(x: tf.Tensor, dropoutRng: Rng): ForwardResult {
    const caches: LayerCache[] = [];
    let h = x;
    for (const layer of this.hidden) {
      const input = h;
      let activated: tf.Tensor;
      let bnCache: BatchNormCache | null = null;
      if (layer.bn) {
        const z = tf.fused.matMul({ a: input, b: layer.kernel, bias: layer.bias });
        const bn = batchNormTrain(z, layer.bn, this.bnConstants!);
        bnCache = bn.cache;
        activated = this.activate(bn.y);
      } else {
        activated = this.denseActivated(input, layer);
      }
      const mask = this.options.dropout > 0 ? this.dropoutMask(caches.length, activated.shape[0]!, dropoutRng) : null;
      h = mask ? tf.mul(activated, mask) : activated;
      caches.push({ input, activated, mask, bn: bnCache });
    }
    const logits = tf.fused.matMul({ a: h, b: this.outKernel, bias: this.outBias });
    return { logits, caches, top: h };
  }

  /** Inference-mode forward: moving averages, no dropout. Call inside tf.tidy. */
  predict(x: tf.Tensor): tf.Tensor {
    let h = x;
    for (const layer of this.hidden) {
      if (layer.bn) {
        const z = tf.fused.matMul({ a: h, b: layer.kernel, bias: layer.bias });
        h = this.activate(batchNormInfer(z, layer.bn));
      } else {
        h = this.denseActivated(h, layer);
      }
    }
    return tf.fused.matMul({ a: h, b: this.outKernel, bias: this.outBias });
  }

  /**
   * Gradients of (mean cross-entropy + L2 penalty) for every trainable variable, in `trainable`
   * order, given d(loss)/d(logits). `inputT`, the batch transposed, saves a transpose when the
   * caller has it. Call inside the same tf.tidy as `forwardTrain`.
   */
  backward(fwd: ForwardResult, dLogits: tf.Tensor, inputT?: tf.Tensor): tf.Tensor[] {
    const grads: tf.Tensor[] = [];
    grads.push(tf.sum(dLogits, 0), tf.matMul(fwd.top, dLogits, true, false));
    let d = tf.matMul(dLogits, this.outKernel, false, true);
    for (let l = this.hidden.length - 1; l >= 0; l--) {
      const layer = this.hidden[l]!;
      const cache = fwd.caches[l]!;
      if (cache.mask) d = tf.mul(d, cache.mask);
      d = this.activationGrad(d, cache.activated);
      if (layer.bn && cache.bn) {
        const bn = batchNormBackward(d, cache.bn, layer.bn);
        grads.push(bn.dbeta, bn.dgamma);
        d = bn.dx;
      }
      grads.push(tf.sum(d, 0));
      let dKernel =
        l === 0 && inputT !== undefined ? tf.matMul(inputT, d) : tf.matMul(cache.input, d, true, false);
      if (this.options.weightDecay > 0) {
        dKernel = tf.add(dKernel, tf.mul(layer.kernel, 2 * this.options.weightDecay));
      }
      grads.push(dKernel);
      if (l > 0) d = tf.matMul(d, layer.kernel, false, true);
    }
    return grads.reverse();
  }

  /** The L2 penalty weightDecay * sum(W^2) over the hidden kernels, as a scalar tensor (0 when off). */
  regularization(): tf.Scalar {
    if (this.options.weightDecay === 0) return tf.scalar(0);
    return tf.tidy(() => {
      const squares = this.hidden.map((layer) => tf.sum(tf.square(layer.kernel)));
      return tf.mul(tf.addN(squares), this.options.weightDecay) as tf.Scalar;
    });
  }

  /** Copies of every weight (Keras get_weights), for restore_best_weights. The caller disposes them. */
  snapshot(): tf.Tensor[] {
    return this.weights.map((w) => tf.clone(w));
  }

  /** Assigns a snapshot taken by `snapshot` (Keras set_weights). */
  restore(values: readonly tf.Tensor[]): void {
    this.weights.forEach((w, i) => w.assign(values[i]!));
  }

  dispose(): void {
    for (const w of this.weights) w.dispose();
    if (this.bnConstants) tf.dispose(Object.values(this.bnConstants));
  }

  private denseActivated(input: tf.Tensor, layer: HiddenLayer): tf.Tensor {
    const b = layer.kernel;
    // ReLU fuses into the product on every backend; sigmoid and tanh are not fusable everywhere.
    if (this.options.activation === 'relu') return tf.fused.matMul({ a: input, b, bias: layer.bias, activation: 'relu' });
    return this.activate(tf.fused.matMul({ a: input, b, bias: layer.bias }));
  }

  private activate(z: tf.Tensor): tf.Tensor {
    switch (this.options.activation) {
      case 'relu':
        return tf.relu(z);
      case 'sigmoid':
        return tf.sigmoid(z);
      case 'tanh':
        return tf.tanh(z);
    }
  }

  /** d(loss)/d(pre-activation) from d(loss)/d(activation output), using the output `a`. */
  private activationGrad(d: tf.Tensor, a: tf.Tensor): tf.Tensor {
    switch (this.options.activation) {
      case 'relu':
        return tf.mul(d, tf.step(a));
      case 'sigmoid':
        return tf.mul(d, tf.mul(a, tf.sub(1, a)));
      case 'tanh':
        return tf.mul(d, tf.sub(1, tf.square(a)));
    }
  }

  /** Inverted dropout as Keras: keep where uniform >= rate, scale kept units by 1 / (1 - rate). */
  private dropoutMask(layer: number, rows: number, rng: Rng): tf.Tensor {
    const size = rows * this.options.units;
    if ((this.maskBuffers[layer]?.length ?? 0) < size) this.maskBuffers[layer] = new Float32Array(size);
    const mask = this.maskBuffers[layer]!.subarray(0, size);
    rng.fillKeepMask(mask, this.options.dropout, 1 / (1 - this.options.dropout));
    return tf.tensor2d(mask, [rows, this.options.units]);
  }
}

function denseKernel(initializer: InitializerConfig, fanIn: number, fanOut: number, rng: Rng): tf.Variable {
  const values = initKernel(initializer, fanIn, fanOut, rng);
  return variableFrom(() => tf.tensor2d(values, [fanIn, fanOut]), true);
}
