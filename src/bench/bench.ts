import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import type { BenchOptions, BenchSuite } from './suite.js';
import { trainingSuite } from './training-suite.js';

/**
 * `npm run bench [-- --quick] [-- --backends wasm,cpu]`: runs every suite, prints its table and
 * writes bench/results.json with the machine it ran on. New suites join SUITES.
 */

const SUITES: readonly BenchSuite[] = [trainingSuite as BenchSuite];

const USAGE = 'usage: npm run bench -- [--quick] [--backends tensorflow,wasm,cpu]';

function parseArgs(argv: readonly string[]): Omit<BenchOptions, 'log'> {
  let quick = false;
  let backends = ['tensorflow', 'wasm', 'cpu'];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') quick = true;
    else if (arg === '--backends' || arg.startsWith('--backends=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      if (!value) throw new Error(`--backends needs a comma-separated list. ${USAGE}`);
      backends = value.split(',').map((b) => b.trim()).filter(Boolean);
    } else throw new Error(`unknown argument ${arg}. ${USAGE}`);
  }
  return { quick, backends };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const options: BenchOptions = { ...args, log: (line) => process.stderr.write(`${line}\n`) };
  const machine = {
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryMb: Math.round(totalmem() / 2 ** 20),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    date: new Date().toISOString(),
    /** 1-minute load average before and after: on a shared machine, figures are only as good as this. */
    loadAverage: { start: round2(loadavg()[0]!), end: 0 },
  };
  const results: Record<string, unknown> = {};
  for (const suite of SUITES) {
    options.log(`${suite.name}:`);
    const result = await suite.run(options);
    results[suite.name] = result;
    process.stdout.write(`${suite.format(result)}\n`);
  }
  machine.loadAverage.end = round2(loadavg()[0]!);
  mkdirSync('bench', { recursive: true });
  const file = join('bench', 'results.json');
  writeFileSync(file, `${JSON.stringify({ machine, quick: args.quick, results }, null, 2)}\n`);
  process.stdout.write(
    `machine: ${machine.cpus} cpus (${machine.cpuModel}), node ${machine.node}, load average ${machine.loadAverage.start} -> ${machine.loadAverage.end}; wrote ${file}\n`,
  );
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
