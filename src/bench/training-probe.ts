import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { loadDataset } from '../trainer/dataset.js';
import { TrialPool } from '../trainer/pool.js';
import type { BackendName, BackendPreference, TrainConfig, TrialSpec, WireError } from '../transport/protocol.js';
import { TRAIN_DEFAULTS } from '../orchestrator/spec-defaults.js';

/**
 * One training measurement in a fresh process, so that its peak RSS is its own: `threads` worker
 * threads of the real pool (dist/trainer/task/worker.js) each train one trial on the shared
 * Fashion-MNIST at the same time. Run as `node dist/bench/training-probe.js '<ProbeRequest JSON>'`;
 * prints one ProbeResult JSON line.
 */

export const TECHNIQUES = {
  plain: {},
  batch_norm: { batch_norm: true },
  dropout: { dropout: 0.15 },
  weight_decay: { weight_decay: 0.1 },
} as const satisfies Record<string, Partial<TrainConfig>>;

export type TechniqueName = keyof typeof TECHNIQUES;

export interface ProbeRequest {
  backend: BackendPreference;
  technique: TechniqueName;
  threads: number;
  trainSize: number;
  /** Test images evaluated per epoch (evaluation is not part of samples/s; fewer keeps slow backends short). */
  testSize: number;
  epochs: number;
  /** Leading epochs left out of the figures: V8 and the wasm engine take a few seconds to warm up. */
  warmupEpochs: number;
}

export interface ProbeResult {
  backend: BackendName | null;
  error: WireError | null;
  /** Per trial: the median training samples/s of its epochs after the warm-up ones. */
  perTrialSamplesPerSecond: number[];
  /** Per trial: the best of those epochs (less disturbed by other processes on a shared machine). */
  perTrialBestSamplesPerSecond: number[];
  /** Per trial: every epoch's samples/s, warm-up included, for the record. */
  perTrialEpochSamplesPerSecond: number[][];
  baselineRssBytes: number;
  peakRssBytes: number;
  wallMs: number;
}

/** The chapter-6 network: 784-100x4-10 ReLU, glorot_uniform, SGD(0.01), batch 128. */
export function benchConfig(technique: TechniqueName, trainSize: number, epochs: number, seed: number): TrainConfig {
  // Sweep files' defaults are the chapter-6 network.
  return { ...TRAIN_DEFAULTS, train_size: trainSize, epochs, seed, ...TECHNIQUES[technique] };
}

export async function probe(req: ProbeRequest): Promise<ProbeResult> {
  const full = await loadDataset({ name: 'fashion-mnist' });
  const dataset = { ...full, test: { ...full.test, count: Math.min(req.testSize, full.test.count) } };
  const baselineRssBytes = process.memoryUsage.rss();
  let peakRssBytes = baselineRssBytes;
  const sampler = setInterval(() => {
    peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss());
  }, 20);
  const pool = new TrialPool({ threads: req.threads });
  const started = performance.now();
  try {
    const runs = Array.from({ length: req.threads }, async (_, i) => {
      const sps: number[] = [];
      const trial: TrialSpec = {
        trialId: `bench-${i}`,
        sweepId: 'bench',
        study: 'bench',
        config: benchConfig(req.technique, req.trainSize, req.epochs, i + 1),
        attempt: 1,
        dataset: dataset.identity,
        backend: req.backend,
      };
      const outcome = await pool.run(trial, dataset, { onEpoch: (m) => sps.push(m.samples_per_second) });
      return { outcome, sps };
    });
    const done = await Promise.all(runs);
    const failed = done.find((d) => d.outcome.error !== null);
    return {
      backend: done[0]!.outcome.backend,
      error: failed ? failed.outcome.error : null,
      perTrialSamplesPerSecond: done.map((d) => median(measured(d.sps, req.warmupEpochs))),
      perTrialBestSamplesPerSecond: done.map((d) => Math.max(0, ...measured(d.sps, req.warmupEpochs))),
      perTrialEpochSamplesPerSecond: done.map((d) => d.sps.map((v) => Math.round(v))),
      baselineRssBytes,
      peakRssBytes: Math.max(peakRssBytes, process.memoryUsage.rss()),
      wallMs: performance.now() - started,
    };
  } finally {
    clearInterval(sampler);
    await pool.close();
  }
}

/** The epochs after the warm-up ones (all of them if there are no others). */
function measured(sps: number[], warmup: number): number[] {
  return sps.length > warmup ? sps.slice(warmup) : sps;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Threads for the "all cores busy" run. */
export function allCores(): number {
  return availableParallelism();
}

const request = process.argv[2];
// Runs only as a child process's entry, not when the suite imports this module for its types.
if (request !== undefined && process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  probe(JSON.parse(request) as ProbeRequest).then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
