import * as tf from '@tensorflow/tfjs-core';
import { variableFrom } from './variables.js';

/**
 * Keras BatchNormalization over the feature axis of a [batch, features] activation, with a
 * hand-written backward pass. Training mode normalises with the batch's own mean and biased variance
 * and moves the moving averages (`moving = moving * momentum + batch * (1 - momentum)`, Keras 3's
 * form); inference mode normalises with the moving averages.
 */

/** Keras's defaults. */
export const BN_MOMENTUM = 0.99;
export const BN_EPSILON = 1e-3;

export interface BatchNormParams {
  gamma: tf.Variable;
  beta: tf.Variable;
  movingMean: tf.Variable;
  movingVariance: tf.Variable;
}

/** What the backward pass needs from the forward pass. */
export interface BatchNormCache {
  /** The normalised input, (x - mean) / sqrt(var + eps). */
  xhat: tf.Tensor;
  /** 1 / sqrt(var + eps), per feature. */
  invStd: tf.Tensor;
}

export function createBatchNorm(features: number): BatchNormParams {
  return {
    gamma: variableFrom(() => tf.ones([features]), true),
    beta: variableFrom(() => tf.zeros([features]), true),
    movingMean: variableFrom(() => tf.zeros([features]), false),
    movingVariance: variableFrom(() => tf.ones([features]), false),
  };
}

/** Training-mode forward; also updates the moving averages. Call inside tf.tidy. */
export function batchNormTrain(x: tf.Tensor, p: BatchNormParams): { y: tf.Tensor; cache: BatchNormCache } {
  const mean = tf.mean(x, 0);
  const centered = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centered), 0);
  const invStd = tf.rsqrt(tf.add(variance, BN_EPSILON));
  const xhat = tf.mul(centered, invStd);
  const y = tf.add(tf.mul(xhat, p.gamma), p.beta);
  p.movingMean.assign(tf.add(tf.mul(p.movingMean, BN_MOMENTUM), tf.mul(mean, 1 - BN_MOMENTUM)));
  p.movingVariance.assign(tf.add(tf.mul(p.movingVariance, BN_MOMENTUM), tf.mul(variance, 1 - BN_MOMENTUM)));
  return { y, cache: { xhat, invStd } };
}

/** Inference-mode forward with the moving averages. */
export function batchNormInfer(x: tf.Tensor, p: BatchNormParams): tf.Tensor {
  return tf.batchNorm(x, p.movingMean, p.movingVariance, p.beta, p.gamma, BN_EPSILON);
}

/**
 * Gradients of the training-mode forward:
 * dbeta = sum(dy), dgamma = sum(dy * xhat), dx = gamma * invStd / n * (n * dy - dbeta - xhat * dgamma).
 */
export function batchNormBackward(
  dy: tf.Tensor,
  cache: BatchNormCache,
  p: BatchNormParams,
): { dx: tf.Tensor; dgamma: tf.Tensor; dbeta: tf.Tensor } {
  const n = dy.shape[0];
  const dbeta = tf.sum(dy, 0);
  const dgamma = tf.sum(tf.mul(dy, cache.xhat), 0);
  const scale = tf.mul(tf.mul(p.gamma, cache.invStd), 1 / n);
  const inner = tf.sub(tf.sub(tf.mul(dy, n), dbeta), tf.mul(cache.xhat, dgamma));
  return { dx: tf.mul(inner, scale), dgamma, dbeta };
}
