import { SpecError } from '../errors.js';
import type { TrainConfig } from '../transport/protocol.js';
import { canonicalJson, sha256Hex } from './canonical-json.js';
import { applyLayer, flattenSetting, type LayerProblem, type SettingEntry } from './spec-settings.js';
import { toSpecProblems, type ResolvedStudy, type ResolvedSweep } from './sweep-spec.js';

/** One trial of the grid, ready to be stored and queued. */
export interface PlannedTrial {
  /** First 12 hex digits of SHA-256 over the canonical JSON of `{study, config}`: stable across runs. */
  trialId: string;
  study: string;
  /** Index in the list expandSweep returned. */
  position: number;
  config: TrainConfig;
  /** The parameter paths of its study (what its label shows). */
  varied: string[];
}

export interface ExpandOptions {
  /** Largest grid expanded without `allowLarge`. @default 10_000 */
  maxTrials?: number;
  /** Expand any size (the CLI's `--yes`). @default false */
  allowLarge?: boolean;
}

/** Grids larger than this need `--yes`: a typo in a values list should not queue a month of work. */
export const DEFAULT_MAX_TRIALS = 10_000;

/**
 * The trials of a resolved sweep: per study in file order, the cartesian product of its parameters
 * in declaration order (the last varies fastest, like itertools.product), each combination applied
 * over the study's base and resolved in full. A combination whose config equals an earlier one of
 * the same study is dropped.
 * @throws SpecError when the grid is over `maxTrials` (unless `allowLarge`), or when a combination
 * of values makes an invalid config (located at the offending value).
 */
export function expandSweep(sweep: ResolvedSweep, options: ExpandOptions = {}): PlannedTrial[] {
  const maxTrials = options.maxTrials ?? DEFAULT_MAX_TRIALS;
  const sizes = sweep.studies.map(gridSize);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total > maxTrials && options.allowLarge !== true) {
    const biggest = sweep.studies[sizes.indexOf(Math.max(...sizes))] as ResolvedStudy;
    const n = (x: number) => x.toLocaleString('en-US');
    throw new SpecError(sweep.sourcePath, [
      {
        location: biggest.source.location,
        path: biggest.source.path,
        message: `the grid has ${n(total)} trials, over the ${n(maxTrials)} limit; pass --yes to run it anyway`,
      },
    ]);
  }
  const trials: PlannedTrial[] = [];
  const problems: Array<{ problem: LayerProblem; context: string }> = [];
  for (const study of sweep.studies) expandStudy(study, trials, problems);
  if (problems.length > 0) {
    const context = new Map(problems.map((p) => [p.problem, p.context]));
    throw new SpecError(sweep.sourcePath, toSpecProblems(problems.map((p) => p.problem), (p) => context.get(p) ?? ''));
  }
  return trials;
}

function gridSize(study: ResolvedStudy): number {
  return study.parameters.reduce((n, p) => n * p.values.length, 1);
}

function expandStudy(study: ResolvedStudy, trials: PlannedTrial[], problems: Array<{ problem: LayerProblem; context: string }>): void {
  // Each value flattened once; a combination is then just the concatenation of its values' entries.
  const layers = study.parameters.map((p) =>
    p.values.map((value, i) => {
      const ref = p.source.values[i] ?? { path: p.source.path, location: p.source.location };
      return flattenSetting(p.path, value, (sub) => ({ path: [ref.path, ...sub].join('.'), location: ref.location }));
    }),
  );
  const varied = study.parameters.map((p) => p.path);
  const seen = new Set<string>();
  const pick = layers.map(() => 0);
  for (let n = gridSize(study); n > 0; n--) {
    const entries: SettingEntry[] = [];
    layers.forEach((values, k) => entries.push(...(values[pick[k] as number] as SettingEntry[])));
    const result = applyLayer(study.base, entries);
    if (result.problems.length > 0) {
      for (const problem of result.problems) problems.push({ problem, context: companions(study, pick, problem) });
    } else {
      const json = canonicalJson(result.config);
      if (!seen.has(json)) {
        seen.add(json);
        // Exactly canonicalJson({study, config}) (keys sorted: config < study), reusing `json`.
        const trialId = sha256Hex(`{"config":${json},"study":${JSON.stringify(study.name)}}`).slice(0, 12);
        trials.push({ trialId, study: study.name, position: trials.length, config: result.config, varied });
      }
    }
    advance(pick, layers);
  }
}

/** The odometer step: the last parameter turns fastest. */
function advance(pick: number[], layers: readonly unknown[][]): void {
  for (let k = pick.length - 1; k >= 0; k--) {
    pick[k] = (pick[k] as number) + 1;
    if ((pick[k] as number) < (layers[k] as unknown[]).length) return;
    pick[k] = 0;
  }
}

/** The other values of the same setting in the failing combination, which made it fail. */
function companions(study: ResolvedStudy, pick: readonly number[], problem: LayerProblem): string {
  const others = study.parameters.flatMap((p, k) => {
    const i = pick[k] as number;
    const sameSetting = p.path === problem.setting || p.path.startsWith(`${problem.setting}.`);
    return sameSetting && p.source.values[i]?.location !== problem.ref.location ? [`${p.path}: ${formatValue(p.values[i])}`] : [];
  });
  return others.length === 0 ? '' : `, combined with ${others.join(', ')}`;
}

/** YAML-ish flow style, as the value would be written in the file. */
function formatValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${k}: ${formatValue(v)}`).join(', ')}}`;
  }
  return String(value);
}
