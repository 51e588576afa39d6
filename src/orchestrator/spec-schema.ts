import * as z from 'zod';
import { suggestion } from './did-you-mean.js';
import {
  ACTIVATION_NAMES,
  DATASET_NAMES,
  INITIALIZER_DEFAULTS,
  INITIALIZER_NAMES,
  METRIC_ALIASES,
  METRIC_NAMES,
  OPTIMIZER_DEFAULTS,
  OPTIMIZER_FIELD_ALIASES,
  OPTIMIZER_NAMES,
  TRAIN_IMAGES,
} from './spec-defaults.js';

/**
 * The shape of a sweep file as zod schemas: the one definition that both validates files (through
 * spec-issues.ts, which words and locates zod's issues) and becomes sweeps/sweep.schema.json for
 * editors. Every key is optional here; defaults are filled in later by spec-settings.ts, so that the
 * file's own words survive until they are merged layer by layer.
 */

/** Descriptions and $defs ids for the JSON Schema; a local registry, not zod's global one. */
const docs = z.registry<{ description?: string; id?: string; title?: string }>();
function doc<T extends z.ZodType>(schema: T, description: string, id?: string): T {
  docs.add(schema, id === undefined ? { description } : { description, id });
  return schema;
}

const positiveInt = () => z.int().min(1);
const metricName = z.enum([...METRIC_NAMES, ...(Object.keys(METRIC_ALIASES) as ['acc', 'val_acc'])]);

/** Each optimizer hyperparameter and its rule; which optimizer reads which is OPTIMIZER_DEFAULTS. */
const optimizerFields = {
  name: doc(z.enum(OPTIMIZER_NAMES), 'Keras optimizer; `momentum` is SGD with momentum 0.9'),
  learning_rate: doc(z.number().gt(0), 'Keras default per optimizer: sgd/momentum 0.01, nadam 0.002, others 0.001'),
  lr: doc(z.number().gt(0), 'old Keras name of learning_rate'),
  momentum: doc(z.number().min(0).max(1), 'sgd (0), momentum (0.9), rmsprop (0)'),
  nesterov: doc(z.boolean(), 'sgd, momentum (false)'),
  rho: doc(z.number().min(0).max(1), 'adadelta (0.95), rmsprop (0.9)'),
  beta_1: doc(z.number().min(0).lt(1), 'adam, nadam (0.9)'),
  beta_2: doc(z.number().min(0).lt(1), 'adam, nadam (0.999)'),
  epsilon: doc(z.number().gt(0), 'adagrad, adadelta, rmsprop, adam, nadam (1e-7)'),
  initial_accumulator_value: doc(z.number().min(0), 'adagrad (0.1)'),
  schedule_decay: doc(z.number().min(0), "nadam: old Keras's momentum schedule (0.004)"),
};

const initializerFields = {
  name: doc(z.enum(INITIALIZER_NAMES), 'Keras kernel initializer'),
  mean: doc(z.number(), 'random_normal only (0)'),
  stddev: doc(z.number().gt(0), 'random_normal only (0.05)'),
};

const earlyStoppingFields = {
  monitor: doc(metricName, 'Keras epoch log key to watch (val_loss); acc/val_acc are old aliases'),
  patience: doc(z.int().min(0), 'epochs without improvement before stopping (0)'),
  min_delta: doc(z.number().min(0), 'smallest change that counts as an improvement (0)'),
  mode: doc(z.enum(['auto', 'min', 'max']), 'auto: maximize accuracy, minimize loss (auto)'),
  restore_best_weights: doc(z.boolean(), 'keep the best epoch weights at the end (false)'),
};

/**
 * An object form (`{name: sgd, learning_rate: 0.1}`) whose fields must be ones its named kind uses.
 * Runs even when other fields failed, so one pass reports both kinds of problem.
 */
function namedObject<F extends Record<string, z.ZodType>>(
  kind: string,
  fields: F,
  used: Readonly<Record<string, object>>,
  aliases: Readonly<Record<string, string>>,
) {
  const all = Object.keys(fields);
  return z.strictObject(optionalAll(fields)).superRefine((value, ctx) => {
    const given = value as Record<string, unknown>;
    const name = given.name;
    if (typeof name !== 'string' || !(name in used)) return;
    const fieldsOfName = Object.keys(used[name] as object);
    for (const key of Object.keys(given)) {
      const canonical = aliases[key] ?? key;
      if (key === 'name' || !all.includes(key) || fieldsOfName.includes(canonical)) continue;
      // `resolvable`: resolution meets the same field and says the same, so the rest can still be resolved.
      ctx.addIssue({ code: 'custom', path: [key], input: given[key], params: { resolvable: true }, message: unusedFieldMessage(kind, name, key, fieldsOfName) });
    }
    // By default zod skips refinements once a field has the wrong type; this one stands alone.
  }, { when: (payload) => isMapping(payload.value) });
}

/** Worded once here so that a resolved combination says the same as a single object. */
export function unusedFieldMessage(kind: string, name: string, field: string, used: readonly string[]): string {
  const uses = used.length === 0 ? 'it has no settings' : `it uses ${used.join(', ')}`;
  return `is not used by ${kind} '${name}' (${uses})${suggestion(field, used)}`;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalAll<F extends Record<string, z.ZodType>>(fields: F): { [K in keyof F]: z.ZodOptional<F[K]> } {
  return Object.fromEntries(Object.entries(fields).map(([k, s]) => [k, s.optional()])) as { [K in keyof F]: z.ZodOptional<F[K]> };
}

function dotted<F extends Record<string, z.ZodType>>(prefix: string, fields: F): Record<string, z.ZodType> {
  return Object.fromEntries(Object.entries(fields).map(([k, s]) => [`${prefix}.${k}`, s]));
}

const optimizer = doc(
  z.union([optimizerFields.name, doc(namedObject('optimizer', optimizerFields, OPTIMIZER_DEFAULTS, OPTIMIZER_FIELD_ALIASES), 'an optimizer and the hyperparameters it uses; unset ones take Keras defaults', 'optimizer')], {
    error: 'must be an optimizer name or a mapping such as {name: sgd, learning_rate: 0.1}',
  }),
  'an optimizer name (Keras defaults) or {name, ...hyperparameters}; a different name starts from its own defaults',
);
const initializer = doc(
  z.union([initializerFields.name, doc(namedObject('initializer', initializerFields, INITIALIZER_DEFAULTS, {}), 'a kernel initializer and its settings', 'initializer')], {
    error: 'must be an initializer name or a mapping such as {name: random_normal, stddev: 0.01}',
  }),
  'kernel initializer of every Dense layer (glorot_uniform)',
);
const earlyStopping = doc(
  z.union([z.boolean(), z.null(), doc(z.strictObject(optionalAll(earlyStoppingFields)), 'Keras EarlyStopping settings', 'early_stopping')], {
    error: 'must be true (Keras defaults), false or null (none), or a mapping such as {monitor: val_loss, patience: 2}',
  }),
  'true = Keras EarlyStopping() defaults, false/null = none, or {monitor, patience, min_delta, mode, restore_best_weights}',
);

/** Every key a settings block accepts, dotted shorthands included, each with its rule. */
export const SETTING_SCHEMAS: Readonly<Record<string, z.ZodType>> = {
  dataset: doc(z.enum(DATASET_NAMES), 'training data (fashion-mnist)'),
  train_size: doc(z.int().min(1).max(TRAIN_IMAGES).nullable(), 'train on the first N images; null = all 60,000 (null)'),
  epochs: doc(positiveInt(), 'passes over the training set (15)'),
  batch_size: doc(positiveInt(), 'examples per gradient step (128)'),
  hidden_layers: doc(positiveInt(), 'hidden Dense layers (4)'),
  units: doc(positiveInt(), 'units per hidden layer (100)'),
  activation: doc(z.enum(ACTIVATION_NAMES), 'hidden activation (relu)'),
  optimizer,
  initializer,
  batch_norm: doc(z.boolean(), 'BatchNormalization between each hidden Dense and its activation (false)'),
  weight_decay: doc(z.number().min(0), 'L2 kernel regularizer on every hidden Dense; 0 = none (0)'),
  dropout: doc(z.number().min(0).lt(1), 'Dropout rate after each hidden activation, in [0, 1) (0)'),
  early_stopping: earlyStopping,
  seed: doc(z.int().min(0), 'random seed for weights and shuffling (0)'),
  ...dotted('optimizer', optimizerFields),
  ...dotted('initializer', initializerFields),
  ...dotted('early_stopping', earlyStoppingFields),
};

/** Settings whose fields can be varied one by one with W&B nested `parameters`. */
const NESTED_FIELDS: Readonly<Record<string, Record<string, z.ZodType>>> = {
  optimizer: optimizerFields,
  initializer: initializerFields,
  early_stopping: earlyStoppingFields,
};

/** W&B keys for random and bayes search; a grid has no use for them yet. */
export const DISTRIBUTION_KEYS = ['min', 'max', 'mu', 'sigma', 'q', 'probabilities'] as const;
/** W&B's distributions that mean "exactly these values", which a grid does. */
const GRID_DISTRIBUTIONS = ['categorical', 'constant'];

const unsupported = (why: string) => z.never({ error: `is not yet supported; ${why}` }).optional();

/** `{value}`, `{values}` or W&B nested `{parameters}` for one setting; exactly one of them. */
function parameterSpec(value: z.ZodType, fields?: Record<string, z.ZodType>): z.ZodType {
  const nested = fields === undefined ? {} : { parameters: z.strictObject(Object.fromEntries(Object.entries(fields).map(([k, s]) => [k, parameterSpec(s).optional()]))).optional() };
  const shape = {
    value: value.optional(),
    values: z.array(value).min(1).optional(),
    ...nested,
    distribution: z
      .string()
      .refine((d) => GRID_DISTRIBUTIONS.includes(d), { error: (issue) => `'${String(issue.input)}' is not yet supported; use categorical (a list of values) or leave it out` })
      .optional(),
    ...Object.fromEntries(DISTRIBUTION_KEYS.map((k) => [k, unsupported('list the grid values with `values` instead')])),
  };
  return z.strictObject(shape).superRefine(
    (spec, ctx) => {
      const given = ['value', 'values', 'parameters'].filter((k) => Object.hasOwn(spec, k));
      if (given.length > 1) {
        ctx.addIssue({ code: 'custom', path: [], input: spec, params: { at: 'key' }, message: `must have only one of value, values, parameters (got ${given.join(' and ')})` });
      } else if (given.length === 0 && !DISTRIBUTION_KEYS.some((k) => Object.hasOwn(spec, k))) {
        ctx.addIssue({ code: 'custom', path: [], input: spec, params: { at: 'key' }, message: 'must have one of value, values or parameters' });
      }
    },
    // Runs despite bad values inside; skipped after an unknown key, which is likely `vales` for `values`.
    { when: (payload) => isMapping(payload.value) && !payload.issues.some((i) => i.code === 'unrecognized_keys') },
  );
}

const settings = doc(z.strictObject(optionalAll(SETTING_SCHEMAS)), 'training settings; dotted keys (optimizer.learning_rate) are shorthand for nesting', 'settings');

const parameters = doc(
  z.strictObject(
    Object.fromEntries(Object.entries(SETTING_SCHEMAS).map(([k, s]) => [k, parameterSpec(s, NESTED_FIELDS[k]).optional()])),
  ),
  'W&B parameters: each setting gets {value}, {values: [...]} or nested {parameters}; the grid is their cartesian product',
  'parameters',
);

/** Study names become trial labels and file names; keep them plain. */
export const STUDY_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
export const STUDY_NAME_RULE = "must start with a letter or digit and use only letters, digits, '_' and '-'";

const study = doc(
  z.strictObject({
    description: z.string().nullable().optional(),
    base: settings.optional(),
    parameters: parameters.optional(),
  }),
  "a named sub-sweep: its base overrides the sweep's base; its parameters replace sweep-level ones of the same path",
  'study',
);

/** The W&B keys sweep accepts but does not use (reported back as `ignoredKeys`). */
export const IGNORED_KEYS = ['program', 'command', 'entity', 'project'] as const;

/** A whole sweep file. */
export const sweepFileSchema = z.strictObject({
  name: doc(z.string().min(1), "sweep name (defaults to the file's base name)").optional(),
  description: z.string().nullable().optional(),
  method: doc(
    z.enum(['grid', 'random', 'bayes']).refine((m) => m === 'grid', { error: (issue) => `'${String(issue.input)}' is not yet supported; use grid` }),
    'search method; only grid for now (grid)',
  ).optional(),
  metric: doc(
    z.strictObject({ name: metricName, goal: z.enum(['minimize', 'maximize']).optional(), target: z.number().optional() }),
    'what ranks trials: a Keras epoch log key; goal defaults by name (accuracy maximize, loss minimize) (val_loss minimize)',
  ).optional(),
  base: settings.optional(),
  parameters: parameters.optional(),
  studies: doc(
    z.record(z.string().regex(STUDY_NAME, { error: STUDY_NAME_RULE }), study).refine((s) => Object.keys(s).length > 0, {
      error: 'must name at least one study',
    }),
    'named sub-sweeps, run in file order; sweep-level parameters apply to every study',
  ).optional(),
  ...Object.fromEntries(IGNORED_KEYS.map((k) => [k, doc(z.unknown(), 'W&B setting; accepted and ignored').optional()])),
  early_terminate: unsupported('remove it (every trial of the grid runs to its own end)'),
  run_cap: unsupported('remove it (the grid runs every trial; see the 10,000-trial limit)'),
});

/** A sweep file that passed the schema, still in the file's own words. */
export type SweepFileInput = {
  name?: string;
  description?: string | null;
  method?: 'grid' | 'random' | 'bayes';
  metric?: { name: z.infer<typeof metricName>; goal?: 'minimize' | 'maximize'; target?: number };
  base?: Record<string, unknown>;
  parameters?: Record<string, ParameterSpecInput | undefined>;
  studies?: Record<string, StudyInput>;
};

export interface StudyInput {
  description?: string | null;
  base?: Record<string, unknown>;
  parameters?: Record<string, ParameterSpecInput | undefined>;
}

export interface ParameterSpecInput {
  value?: unknown;
  values?: unknown[];
  parameters?: Record<string, ParameterSpecInput | undefined>;
  distribution?: string;
}

/** The JSON Schema editors use to complete and check sweep files (draft-07, widely supported). */
export function sweepJsonSchema(): object {
  return {
    ...z.toJSONSchema(sweepFileSchema, { target: 'draft-07', metadata: docs, io: 'input' }),
    title: 'sweep file',
    description: 'A Weights & Biases sweep configuration (grid) plus `base` and `studies`. See sweeps/ch6.yaml.',
  };
}
