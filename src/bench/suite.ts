/**
 * The benchmark seam: `bench.ts` runs a list of suites and writes their results side by side in
 * bench/results.json. A suite measures one thing (training throughput now; orchestration overhead
 * can be added beside it) and knows how to print itself.
 */

export interface BenchOptions {
  /** Smaller workloads, for a smoke run. @default false */
  quick: boolean;
  /** Backends to try, in order; ones that cannot load are reported as unavailable. */
  backends: readonly string[];
  /** Progress lines for the terminal. */
  log(line: string): void;
}

export interface BenchSuite<R = unknown> {
  /** Key in results.json. */
  readonly name: string;
  run(options: BenchOptions): Promise<R>;
  /** A readable table of the result. */
  format(result: R): string;
}
