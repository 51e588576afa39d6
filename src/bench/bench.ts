import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import type { BenchOptions, BenchSuite } from './suite.js';
import { orchestrationSuite } from './orchestration.js';
import { trainingSuite } from './training-suite.js';

/**
 * `npm run bench [-- --quick] [--backends wasm,cpu] [--suites training]`: runs the suites, prints
 * their tables and writes bench/results.json with the machine it ran on. New suites join SUITES.
 */

const SUITES: readonly BenchSuite[] = [trainingSuite as BenchSuite, orchestrationSuite as BenchSuite];

const USAGE = `usage: npm run bench -- [--quick] [--backends tensorflow,wasm,cpu] [--suites ${SUITES.map((s) => s.name).join(',')}]`;

interface Args extends Omit<BenchOptions, 'log'> {
  suites: readonly BenchSuite[];
}

function parseArgs(argv: readonly string[]): Args {
  let quick = false;
  let backends = ['tensorflow', 'wasm', 'cpu'];
  let suites = SUITES;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') {
      quick = true;
      continue;
    }
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (name !== '--backends' && name !== '--suites') throw new Error(`unknown argument ${arg}. ${USAGE}`);
    const value = inline ?? argv[++i];
    if (!value) throw new Error(`${name} needs a comma-separated list. ${USAGE}`);
    const list = value.split(',').map((b) => b.trim()).filter(Boolean);
    if (name === '--backends') backends = list;
    else {
      const unknown = list.filter((n) => !SUITES.some((s) => s.name === n));
      if (unknown.length > 0) throw new Error(`unknown suite ${unknown.join(', ')}. ${USAGE}`);
      suites = SUITES.filter((s) => list.includes(s.name));
    }
  }
  return { quick, backends, suites };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const options: BenchOptions = { quick: args.quick, backends: args.backends, log: (line) => process.stderr.write(`${line}\n`) };
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
  for (const suite of args.suites) {
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
