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

/** One BatchNormalization layer's variables: gamma/beta trained, the moving averages not. */
export interface BatchNormParams {
  gamma: tf.Variable;
  beta: tf.Variable;
  movingMean: tf.Variable;
  movingVariance: tf.Variable;
}

/** What the backward pass needs from the forward pass. */
export interface BatchNormCache {
  /** x - mean(x). */
  centered: tf.Tensor;
  /** 1 / sqrt(var + eps), per feature. */
  invStd: tf.Tensor;
}

/** Scalars the update rules reuse every step; the model owns them (see `createBatchNormConstants`). */
export interface BatchNormConstants {
  momentum: tf.Scalar;
  oneMinusMomentum: tf.Scalar;
  epsilon: tf.Scalar;
}

/** The scalars of `BatchNormConstants`, kept out of tidy scopes; the caller disposes them. */
export function createBatchNormConstants(): BatchNormConstants {
  return {
    momentum: tf.keep(tf.scalar(BN_MOMENTUM)),
    oneMinusMomentum: tf.keep(tf.scalar(1 - BN_MOMENTUM)),
    epsilon: tf.keep(tf.scalar(BN_EPSILON)),
  };
}

/** Keras's initial values: gamma 1, beta 0, moving mean 0, moving variance 1. */
export function createBatchNorm(features: number): BatchNormParams {
  return {
    gamma: variableFrom(() => tf.ones([features]), true),
    beta: variableFrom(() => tf.zeros([features]), true),
    movingMean: variableFrom(() => tf.zeros([features]), false),
    movingVariance: variableFrom(() => tf.ones([features]), false),
  };
}

/** Training-mode forward; also updates the moving averages. Call inside tf.tidy. */
export function batchNormTrain(x: tf.Tensor, p: BatchNormParams, c: BatchNormConstants): { y: tf.Tensor; cache: BatchNormCache } {
  const mean = tf.mean(x, 0);
  const centered = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centered), 0);
  const invStd = tf.rsqrt(tf.add(variance, c.epsilon));
  // gamma * (x - mean) / std + beta, with gamma / std folded into one per-feature factor.
  const y = tf.add(tf.mul(centered, tf.mul(invStd, p.gamma)), p.beta);
  p.movingMean.assign(tf.add(tf.mul(p.movingMean, c.momentum), tf.mul(mean, c.oneMinusMomentum)));
  p.movingVariance.assign(tf.add(tf.mul(p.movingVariance, c.momentum), tf.mul(variance, c.oneMinusMomentum)));
  return { y, cache: { centered, invStd } };
}

/** Inference-mode forward with the moving averages. */
export function batchNormInfer(x: tf.Tensor, p: BatchNormParams): tf.Tensor {
  return tf.batchNorm(x, p.movingMean, p.movingVariance, p.beta, p.gamma, BN_EPSILON);
}

/**
 * Gradients of the training-mode forward, with xhat = centered * invStd and n rows:
 * dbeta = sum(dy), dgamma = sum(dy * xhat) = invStd * sum(dy * centered),
 * dx = gamma * invStd * (dy - dbeta / n - xhat * dgamma / n)
 *    = dy * k - centered * (k * invStd * dgamma / n) - k * dbeta / n,  k = gamma * invStd.
 */
export function batchNormBackward(dy: tf.Tensor, cache: BatchNormCache, p: BatchNormParams): { dx: tf.Tensor; dgamma: tf.Tensor; dbeta: tf.Tensor } {
  const invN = 1 / dy.shape[0]!;
  const dbeta = tf.sum(dy, 0);
  const dgamma = tf.mul(tf.sum(tf.mul(dy, cache.centered), 0), cache.invStd);
  const k = tf.mul(p.gamma, cache.invStd);
  const kCentered = tf.mul(tf.mul(k, cache.invStd), tf.mul(dgamma, invN));
  const shift = tf.mul(k, tf.mul(dbeta, invN));
  const dx = tf.sub(tf.sub(tf.mul(dy, k), tf.mul(cache.centered, kCentered)), shift);
  return { dx, dgamma, dbeta };
}
