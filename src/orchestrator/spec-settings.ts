import type { EarlyStoppingConfig, TrainConfig } from '../transport/protocol.js';
import {
  EARLY_STOPPING_DEFAULTS,
  INITIALIZER_DEFAULTS,
  METRIC_ALIASES,
  OPTIMIZER_DEFAULTS,
  OPTIMIZER_FIELD_ALIASES,
} from './spec-defaults.js';
import type { PathSegment, SourceRef } from './spec-locate.js';
import { unusedFieldMessage } from './spec-schema.js';

/**
 * Settings as layers. Every place that sets something (the sweep's base, a study's base, one
 * combination of parameter values) is flattened into entries keyed by canonical leaf path
 * (`optimizer.learning_rate`, `dropout`), each remembering where it was written; a layer is then
 * applied over a fully resolved config. Input here has already passed the zod schema; what is
 * checked here is what only the combination can tell: a field the chosen optimizer does not use,
 * one setting given twice, early-stopping fields under `early_stopping: false`.
 *
 * Merge rules: a scalar replaces; an optimizer or initializer with a different `name` starts from
 * that one's Keras defaults, the same name (or none) keeps the fields below it; `early_stopping:
 * true` is Keras's defaults, false/null is none, a mapping or dotted field turns it on over what is
 * below (Keras defaults if it was off).
 */

/** One leaf of a layer. `early_stopping` itself holds 'reset' (true), 'off' (false/null) or 'on'. */
export interface SettingEntry {
  key: string;
  value: unknown;
  ref: SourceRef;
}

/** A problem found while applying a layer; `message` follows the path (`<path> is not used by ...`). */
export interface LayerProblem {
  ref: SourceRef;
  message: string;
  /** The top-level setting involved, e.g. `optimizer`. */
  setting: string;
}

/** Where a part of a written value is: `sub` is the path inside it. */
export type RefAt = (sub: readonly PathSegment[]) => SourceRef;

const NAMED = { optimizer: OPTIMIZER_DEFAULTS, initializer: INITIALIZER_DEFAULTS } as const;
type NamedKind = keyof typeof NAMED;

/** Flattens one setting as written (`optimizer: adam`, `optimizer.lr: 0.1`, `dropout: 0.2`). */
export function flattenSetting(key: string, value: unknown, refAt: RefAt): SettingEntry[] {
  const dot = key.indexOf('.');
  if (dot >= 0) return [leaf(key.slice(0, dot), key.slice(dot + 1), value, refAt([]))];
  if (key === 'optimizer' || key === 'initializer') {
    if (typeof value === 'string') return [{ key: `${key}.name`, value, ref: refAt([]) }];
    return Object.entries(value as Record<string, unknown>).map(([field, v]) => leaf(key, field, v, refAt([field])));
  }
  if (key === 'early_stopping') {
    if (value === true) return [{ key, value: 'reset', ref: refAt([]) }];
    if (value === false || value === null) return [{ key, value: 'off', ref: refAt([]) }];
    const fields = Object.entries(value as Record<string, unknown>).map(([field, v]) => leaf(key, field, v, refAt([field])));
    return [{ key, value: 'on', ref: refAt([]) }, ...fields];
  }
  return [{ key, value, ref: refAt([]) }];
}

function leaf(head: string, field: string, value: unknown, ref: SourceRef): SettingEntry {
  const name = head === 'optimizer' ? (OPTIMIZER_FIELD_ALIASES[field] ?? field) : field;
  const canonical = head === 'early_stopping' && name === 'monitor' ? (METRIC_ALIASES[value as string] ?? value) : value;
  return { key: `${head}.${name}`, value: canonical, ref };
}

/** The canonical spelling of a setting path: `optimizer.lr` -> `optimizer.learning_rate`. */
export function canonicalKey(key: string): string {
  const [head, field] = key.split('.', 2) as [string, string | undefined];
  return field === undefined || head !== 'optimizer' ? key : `${head}.${OPTIMIZER_FIELD_ALIASES[field] ?? field}`;
}

/** A value in canonical form (`adam` -> `{name: adam}`, `lr` -> `learning_rate`, `null` -> false). */
export function normalizeValue(key: string, value: unknown): unknown {
  const entries = flattenSetting(key, value, () => ({ path: '', location: '' }));
  if (key === 'optimizer' || key === 'initializer') return Object.fromEntries(entries.map((e) => [e.key.slice(key.length + 1), e.value]));
  if (key === 'early_stopping') {
    const [whole, ...fields] = entries as [SettingEntry, ...SettingEntry[]];
    if (whole.value !== 'on') return whole.value === 'reset';
    return Object.fromEntries(fields.map((e) => [e.key.slice(key.length + 1), e.value]));
  }
  return (entries[0] as SettingEntry).value;
}

/** A new config: `layer` applied over `base`. `base` is not modified. */
export function applyLayer(base: TrainConfig, layer: readonly SettingEntry[]): { config: TrainConfig; problems: LayerProblem[] } {
  const problems: LayerProblem[] = [];
  const seen = new Map<string, SettingEntry>();
  for (const e of layer) {
    const first = seen.get(e.key);
    if (first === undefined) seen.set(e.key, e);
    else problems.push({ ref: e.ref, setting: headOf(e.key), message: `repeats ${first.ref.path} (${first.ref.location}); keep one` });
  }
  const entries = [...seen.values()];
  // Nested objects are copied too, so no two configs (nor a config and its base) share one.
  const config: Record<string, unknown> = {
    ...base,
    optimizer: { ...base.optimizer },
    initializer: { ...base.initializer },
    early_stopping: base.early_stopping === null ? null : { ...base.early_stopping },
  };
  for (const e of entries) if (!e.key.includes('.') && !(e.key in NAMED) && e.key !== 'early_stopping') config[e.key] = e.value;
  for (const kind of Object.keys(NAMED) as NamedKind[]) {
    const fields = entries.filter((e) => headOf(e.key) === kind);
    if (fields.length > 0) config[kind] = applyNamed(kind, config[kind] as Record<string, unknown>, fields, problems);
  }
  config.early_stopping = applyEarlyStopping(config.early_stopping as EarlyStoppingConfig | null, entries.filter((e) => headOf(e.key) === 'early_stopping'), problems);
  return { config: config as unknown as TrainConfig, problems };
}

function applyNamed(kind: NamedKind, current: Record<string, unknown>, fields: SettingEntry[], problems: LayerProblem[]): Record<string, unknown> {
  const table = NAMED[kind] as Readonly<Record<string, object>>;
  const name = (fields.find((f) => f.key === `${kind}.name`)?.value ?? current.name) as string;
  // A different optimizer keeps nothing of the one below it: its own Keras defaults, then this layer.
  const out: Record<string, unknown> = name === current.name ? { ...current } : { name, ...table[name] };
  const used = Object.keys(table[name] as object);
  for (const f of fields) {
    const field = f.key.slice(kind.length + 1);
    if (field === 'name') continue;
    if (used.includes(field)) out[field] = f.value;
    else problems.push({ ref: f.ref, setting: kind, message: unusedFieldMessage(kind, name, field, used) });
  }
  return out;
}

function applyEarlyStopping(current: EarlyStoppingConfig | null, entries: SettingEntry[], problems: LayerProblem[]): EarlyStoppingConfig | null {
  const whole = entries.find((e) => e.key === 'early_stopping');
  const fields = entries.filter((e) => e !== whole);
  if (whole?.value === 'off') {
    for (const f of fields) {
      problems.push({
        ref: f.ref,
        setting: 'early_stopping',
        message: `is set but ${whole.ref.path} turns early stopping off; remove one, or vary whole settings: early_stopping: {values: [false, {patience: 2}]}`,
      });
    }
    return null;
  }
  if (whole === undefined && fields.length === 0) return current;
  const out: Record<string, unknown> = whole?.value === 'reset' || current === null ? { ...EARLY_STOPPING_DEFAULTS } : { ...current };
  for (const f of fields) out[f.key.slice('early_stopping.'.length)] = f.value;
  return out as unknown as EarlyStoppingConfig;
}

function headOf(key: string): string {
  const dot = key.indexOf('.');
  return dot < 0 ? key : key.slice(0, dot);
}
