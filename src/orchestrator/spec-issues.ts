import type * as z from 'zod';
import type { SpecProblem } from '../errors.js';
import { didYouMean } from './did-you-mean.js';
import { formatPath, type PathSegment, type SourceMap } from './spec-locate.js';

type Issue = z.core.$ZodIssue;

/**
 * Words and locates zod's issues as SpecProblems: "path must be ... (got ...)" at the value, or at
 * the key for unknown and unsupported keys, with a did-you-mean for misspelt keys and names. A
 * union's issue is reduced to the branch the input was evidently written for (a mapping for the
 * object form, a string for a name), so a typo inside `{name: sgd, lerning_rate: 0.1}` is reported
 * as that typo, not as "not a string".
 */
export function issuesToProblems(issues: readonly Issue[], input: unknown, schema: z.ZodType, source: SourceMap): SpecProblem[] {
  const ctx: Context = { input, schema, source };
  return issues.flatMap((issue) => describeIssue(issue, [], ctx));
}

interface Context {
  input: unknown;
  schema: z.ZodType;
  source: SourceMap;
}

function describeIssue(issue: Issue, prefix: readonly PathSegment[], ctx: Context): SpecProblem[] {
  const path = [...prefix, ...(issue.path as PathSegment[])];
  const got = valueAt(ctx.input, path);
  const where = formatPath(path) || 'the sweep file';
  const problem = (message: string, at: 'key' | 'value' = 'value', p: readonly PathSegment[] = path): SpecProblem => ({
    location: ctx.source.locate(p, at),
    path: formatPath(p),
    message,
  });
  switch (issue.code) {
    case 'invalid_union':
      return describeUnion(issue, path, got, ctx) ?? [problem(`${where} ${issue.message} (got ${describe(got)})`)];
    case 'unrecognized_keys': {
      const known = objectKeysAt(ctx.schema, path, ctx.input);
      return issue.keys.map((key) => problem(unknownKey(formatPath([...path, key]), key, known), 'key', [...path, key]));
    }
    case 'invalid_value': {
      const values = issue.values.map(String);
      if (got === undefined) return [problem(`${where} is required (one of ${values.join(', ')})`)];
      const hint = typeof got === 'string' ? didYouMean(got, values) : null;
      const tail = hint === null ? '' : `; did you mean '${hint}'?`;
      return [problem(`${where} must be one of ${values.join(', ')} (got ${describe(got)})${tail}`)];
    }
    case 'invalid_type':
      // z.never() marks a recognised key that sweep cannot honour yet; its message says why.
      if (issue.expected === 'never') return [problem(`${where} ${issue.message}`, 'key')];
      if (got === undefined) return [problem(`${where} is required (${expectedAt(issue.expected, path, ctx)})`)];
      return [problem(`${where} must be ${expectedAt(issue.expected, path, ctx)} (got ${describe(got)})`)];
    case 'too_small':
      if (issue.origin === 'array' || issue.origin === 'string') return [problem(`${where} must not be empty`)];
      return [problem(`${where} must be ${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)} (got ${describe(got)})`)];
    case 'too_big':
      return [problem(`${where} must be ${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)} (got ${describe(got)})`)];
    case 'invalid_key': {
      const key = path[path.length - 1];
      const why = issue.issues.map((i) => i.message).join('; ');
      return [problem(`'${String(key)}' in ${formatPath(path.slice(0, -1))} ${why}`, 'key')];
    }
    case 'custom': {
      const at = (issue.params as { at?: 'key' } | undefined)?.at ?? 'value';
      return [problem(`${where} ${issue.message}`, at)];
    }
    default:
      return [problem(`${where}: ${issue.message}`)];
  }
}

/** The issues of the one union branch that fits the input's type, or null if none does. */
function describeUnion(issue: Extract<Issue, { code: 'invalid_union' }>, path: PathSegment[], got: unknown, ctx: Context): SpecProblem[] | null {
  const fitting = issue.errors.filter((branch) => !branch.some((i) => i.path.length === 0 && isTypeMismatch(i, got)));
  const chosen = fitting[0];
  return chosen === undefined ? null : chosen.flatMap((i) => describeIssue(i, path, ctx));
}

function isTypeMismatch(issue: Issue, got: unknown): boolean {
  if (issue.code === 'invalid_type') return true;
  return issue.code === 'invalid_value' && !issue.values.some((v) => typeof v === typeof got);
}

function unknownKey(where: string, key: string, known: readonly string[]): string {
  const hint = didYouMean(key, known);
  if (hint !== null) return `unknown key '${where}'; did you mean '${hint}'?`;
  // Dotted shorthands would double the list without telling anything new.
  const plain = known.filter((k) => !k.includes('.'));
  return plain.length === 0 ? `unknown key '${where}'` : `unknown key '${where}' (expected one of ${plain.join(', ')})`;
}

const EXPECTED: Readonly<Record<string, string>> = {
  number: 'a number',
  int: 'an integer',
  string: 'a string',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
  null: 'null',
};

/** A found value as a message shows it: `'adamm'`, `-0.1`, `a list`. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return `'${value.length > 40 ? `${value.slice(0, 37)}...` : value}'`;
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let v = root;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PathSegment, unknown>)[seg];
  }
  return v;
}

/** Just enough of zod's internal definitions to walk a schema by path. */
interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
  format?: string;
}

const defOf = (s: z.ZodType): Def => s._zod.def as unknown as Def;

/** The keys the object schema at `path` accepts, for did-you-mean on an unknown key. */
function objectKeysAt(schema: z.ZodType, path: readonly PathSegment[], input: unknown): string[] {
  const s = schemaAt(schema, path, input);
  const shape = s === undefined ? undefined : defOf(s).shape;
  return shape === undefined ? [] : Object.keys(shape);
}

/** zod says `expected number` for a string where an integer belongs; the schema knows better. */
function expectedAt(expected: string, path: readonly PathSegment[], ctx: Context): string {
  const s = expected === 'number' ? schemaAt(ctx.schema, path, ctx.input) : undefined;
  const name = s !== undefined && defOf(s).format === 'safeint' ? 'int' : expected;
  return EXPECTED[name] ?? name;
}

function schemaAt(schema: z.ZodType, path: readonly PathSegment[], input: unknown): z.ZodType | undefined {
  let s: z.ZodType | undefined = schema;
  for (let i = 0; s !== undefined; i++) {
    s = unwrap(s, valueAt(input, path.slice(0, i)));
    if (i === path.length) return s;
    const def = defOf(s);
    const seg = path[i] as PathSegment;
    s = def.type === 'object' ? def.shape?.[String(seg)] : def.type === 'record' ? def.valueType : def.type === 'array' ? def.element : undefined;
  }
  return undefined;
}

function unwrap(schema: z.ZodType, value: unknown): z.ZodType {
  let s = schema;
  for (;;) {
    const def = defOf(s);
    if (def.innerType !== undefined) s = def.innerType;
    else if (def.type === 'pipe' && def.in !== undefined) s = def.in;
    else if (def.type === 'union' && def.options !== undefined) {
      const isMapping = typeof value === 'object' && value !== null && !Array.isArray(value);
      s = def.options.find((o) => (defOf(unwrap(o, value)).type === 'object') === isMapping) ?? (def.options[0] as z.ZodType);
    } else return s;
  }
}
