/** The trainer task: the only place TensorFlow.js is imported. */
export { initBackend, type InitBackendOptions } from './backend.js';
export { trainTrial, type TrainHooks } from './train.js';
export { TrialTrainer, EVAL_BATCH, type LoopHooks, type LoopResult, type TrainerOptions } from './train-loop.js';
export { registerWasmKernelFixes } from './wasm-kernel-fixes.js';
export { createOptimizer } from './optimizer-factory.js';
export { KERAS_DEFAULTS, type Optimizer } from './optimizer.js';
export { default as runTask } from './worker.js';
