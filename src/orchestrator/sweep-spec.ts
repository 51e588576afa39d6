import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { SpecError, UsageError, type SpecProblem } from '../errors.js';
import type { MetricName, TrainConfig } from '../transport/protocol.js';
import { canonicalJson, sha256Hex } from './canonical-json.js';
import { goalOf, METRIC_ALIASES, TRAIN_DEFAULTS } from './spec-defaults.js';
import { issuesToProblems } from './spec-issues.js';
import { SourceMap, tidyProblems, type PathSegment, type SourceRef } from './spec-locate.js';
import { salvage } from './spec-salvage.js';
import { IGNORED_KEYS, sweepFileSchema, type ParameterSpecInput, type StudyInput, type SweepFileInput } from './spec-schema.js';
import { applyLayer, canonicalKey, flattenSetting, normalizeValue, type LayerProblem, type SettingEntry } from './spec-settings.js';

export { sweepJsonSchema } from './spec-schema.js';
export type { SourceRef } from './spec-locate.js';

/**
 * A sweep file, validated and resolved: every study's base is a complete TrainConfig and every
 * parameter value is in canonical form (`adam` -> `{name: 'adam'}`, `lr` -> `learning_rate`,
 * `acc` -> `accuracy`). Built once at the edge; nothing downstream re-reads the file.
 */
export interface ResolvedSweep {
  name: string;
  description: string | null;
  method: 'grid';
  metric: { name: MetricName; goal: 'minimize' | 'maximize' };
  /** In file order. A file without `studies` has one, named after the sweep. */
  studies: ResolvedStudy[];
  sourcePath: string;
  sourceText: string;
  /** SHA-256 (hex) of the canonical JSON of name, description, method, metric and studies without their `source`: comments and spelling do not change it. */
  specHash: string;
  /** W&B keys present in the file that sweep accepts and ignores (`program`, `command`, ...). */
  ignoredKeys: string[];
}

/**
 * One study: a resolved base and the parameters whose grid runs over it. Sweep-level `parameters`
 * apply to every study, so that a sweep-wide axis (seeds, say) is written once; a study declaring
 * the same path replaces the sweep's, just as its `base` overrides the sweep's `base`.
 */
export interface ResolvedStudy {
  name: string;
  description: string | null;
  /** Defaults, then the sweep's `base`, then the study's `base`. */
  base: TrainConfig;
  /** Sweep-level parameters first (those the study does not redeclare), then the study's own, in file order. */
  parameters: StudyParameter[];
  /** Where the study's parameters are written, for problems about the grid as a whole. Not hashed. */
  source: SourceRef;
}

export interface StudyParameter {
  /** A setting path, `optimizer` or `optimizer.learning_rate`. */
  path: string;
  values: unknown[];
  /** Where the parameter and each value were written, for problems found when values combine. Not hashed. */
  source: { path: string; location: string; values: SourceRef[] };
}

/**
 * Parses, validates and resolves a sweep file's text. `sourcePath` names the file in every
 * problem's location and gives the sweep its default name.
 * @throws SpecError listing every problem, each with `file:line:column`.
 */
export function parseSweep(text: string, sourcePath: string): ResolvedSweep {
  const source = SourceMap.parse(text, sourcePath);
  const raw = source.toJS();
  if (raw === null || raw === undefined) {
    throw new SpecError(sourcePath, [{ location: `${sourcePath}:1:1`, path: '', message: 'the sweep file is empty; expected a mapping with parameters or studies (see sweeps/smoke.yaml)' }]);
  }
  const defaultName = basename(sourcePath).replace(/\.[^.]*$/, '');
  const checked = sweepFileSchema.safeParse(raw);
  if (!checked.success) {
    const problems = issuesToProblems(checked.error.issues, raw, sweepFileSchema, source);
    const rest = salvage(raw, checked.error.issues);
    if (rest !== null) problems.push(...toSpecProblems(resolveStudies(rest, rest.name ?? defaultName, source).problems));
    throw new SpecError(sourcePath, tidyProblems(problems));
  }
  // The input, not zod's output: the schema transforms nothing, and its output lists keys in the
  // schema's order, where parameters must keep the file's order (it is the grid's order).
  const file = raw as SweepFileInput;
  const name = file.name ?? defaultName;
  const { studies, problems } = resolveStudies(file, name, source);
  if (problems.length > 0) throw new SpecError(sourcePath, toSpecProblems(problems));

  const metricName = file.metric === undefined ? 'val_loss' : ((METRIC_ALIASES[file.metric.name] ?? file.metric.name) as MetricName);
  const resolved = {
    name,
    description: file.description ?? null,
    method: 'grid' as const,
    metric: { name: metricName, goal: file.metric?.goal ?? goalOf(metricName) },
    studies,
  };
  const hashed = { ...resolved, studies: studies.map((s) => ({ ...s, source: undefined, parameters: s.parameters.map((p) => ({ path: p.path, values: p.values })) })) };
  return {
    ...resolved,
    sourcePath,
    sourceText: text,
    specHash: sha256Hex(canonicalJson(hashed)),
    ignoredKeys: IGNORED_KEYS.filter((k) => Object.hasOwn(raw as object, k)),
  };
}

/**
 * Reads and parses a sweep file.
 * @throws UsageError `SPEC_NOT_FOUND` when the file cannot be read; SpecError when it is invalid.
 */
export async function loadSweepFile(path: string): Promise<ResolvedSweep> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new UsageError('SPEC_NOT_FOUND', `cannot read ${path}: ${why}`, { cause: err });
  }
  return parseSweep(text, path);
}

/** Problems worded in full and without repeats (a sweep-level problem shows up once per study). */
export function toSpecProblems(problems: readonly LayerProblem[], suffix: (p: LayerProblem) => string = () => ''): SpecProblem[] {
  return tidyProblems(problems.map((p) => ({ location: p.ref.location, path: p.ref.path, message: `${p.ref.path} ${p.message}${suffix(p)}` })));
}

/** Each study's resolved base and parameter list; a file without `studies` is one study named `name`. */
function resolveStudies(file: SweepFileInput, name: string, source: SourceMap): { studies: ResolvedStudy[]; problems: LayerProblem[] } {
  const problems: LayerProblem[] = [];
  const sweepBase = settingsLayer(file.base, ['base'], source);
  const sweepParameters = collectParameters(file.parameters, ['parameters'], source, problems);
  const studyInputs: Array<[string, StudyInput]> = file.studies === undefined ? [[name, {}]] : Object.entries(file.studies);
  const studies = studyInputs.map(([studyName, input]): ResolvedStudy => {
    const at: PathSegment[] = file.studies === undefined ? [] : ['studies', studyName];
    const shared = applyLayer(TRAIN_DEFAULTS, sweepBase);
    const own = applyLayer(shared.config, settingsLayer(input.base, [...at, 'base'], source));
    problems.push(...shared.problems, ...own.problems);
    const ownParameters = collectParameters(input.parameters, [...at, 'parameters'], source, problems);
    const inherited = sweepParameters.filter((p) => !ownParameters.some((o) => o.path === p.path));
    const where = input.parameters !== undefined ? [...at, 'parameters'] : file.parameters !== undefined ? ['parameters'] : at;
    return {
      name: studyName,
      description: input.description ?? null,
      base: own.config,
      parameters: [...inherited, ...ownParameters],
      source: source.ref(where, 'key'),
    };
  });
  return { studies, problems };
}

function settingsLayer(settings: Record<string, unknown> | undefined, at: PathSegment[], source: SourceMap): SettingEntry[] {
  return Object.entries(settings ?? {}).flatMap(([key, value]) => flattenSetting(key, value, (sub) => source.ref([...at, key, ...sub])));
}

/** A parameters block as a list: W&B nested parameters become dotted paths (`optimizer.learning_rate`). */
function collectParameters(specs: Record<string, ParameterSpecInput | undefined> | undefined, at: PathSegment[], source: SourceMap, problems: LayerProblem[]): StudyParameter[] {
  const found: Array<[key: string, spec: ParameterSpecInput, path: PathSegment[]]> = [];
  for (const [key, spec] of Object.entries(specs ?? {})) {
    if (spec?.parameters === undefined) found.push([key, spec as ParameterSpecInput, [...at, key]]);
    else for (const [field, sub] of Object.entries(spec.parameters)) found.push([`${key}.${field}`, sub as ParameterSpecInput, [...at, key, 'parameters', field]]);
  }
  const out: StudyParameter[] = [];
  for (const [key, spec, specPath] of found) {
    const path = canonicalKey(key);
    const ref = source.ref(specPath, 'key');
    const twin = out.find((p) => p.path === path);
    if (twin !== undefined) {
      problems.push({ ref, setting: path, message: `repeats ${twin.source.path} (${twin.source.location}); keep one` });
      continue;
    }
    const listed = Object.hasOwn(spec, 'values');
    const values = listed ? (spec.values as unknown[]) : [spec.value];
    out.push({
      path,
      values: values.map((v) => normalizeValue(path, v)),
      source: { ...ref, values: values.map((_, i) => source.ref(listed ? [...specPath, 'values', i] : [...specPath, 'value'])) },
    });
  }
  return out;
}
