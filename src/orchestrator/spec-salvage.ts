import type * as z from 'zod';
import type { PathSegment } from './spec-locate.js';
import { SETTING_SCHEMAS, type StudyInput, type SweepFileInput } from './spec-schema.js';

/**
 * The part of a file that failed the schema which can still be resolved, so that one run reports
 * both the schema's problems and those only resolution finds (a field the inherited optimizer does
 * not use, a setting given twice). A setting named in any schema issue (`optimizer` for a bad
 * `optimizer.beta_1` anywhere) is left out everywhere, so that resolution never reasons from a
 * value the user has yet to fix; a malformed study or block is left out whole. Null when the file's
 * outline itself is broken. Returns a new object; `raw` is not modified.
 */
export function salvage(raw: unknown, issues: readonly z.core.$ZodIssue[]): SweepFileInput | null {
  if (!isMapping(raw)) return null;
  const tainted = new Set<string>();
  const brokenBlocks = new Set<string>();
  const brokenStudies = new Set<string>();
  for (const issue of issues) {
    if (issue.code === 'custom' && (issue.params as { resolvable?: boolean } | undefined)?.resolvable === true) continue;
    const path = issue.path as PathSegment[];
    const inStudy = path[0] === 'studies';
    if (inStudy && path.length < 2) return null;
    if (inStudy && path.length === 2 && issue.code !== 'unrecognized_keys') brokenStudies.add(String(path[1]));
    const at = inStudy ? 2 : 0;
    const block = path[at];
    if (block !== 'base' && block !== 'parameters') continue;
    const key = path[at + 1];
    if (key !== undefined) tainted.add(settingOf(key));
    else if (issue.code === 'unrecognized_keys') issue.keys.forEach((k) => tainted.add(settingOf(k)));
    else brokenBlocks.add(blockId(inStudy ? String(path[1]) : null, block));
  }
  // Only ever holds keys and values the schema accepted, hence the cast.
  const keep = (study: string | null, block: 'base' | 'parameters', value: unknown): Record<string, never> | undefined => {
    if (!isMapping(value) || brokenBlocks.has(blockId(study, block))) return undefined;
    return Object.fromEntries(Object.entries(value).filter(([k]) => k in SETTING_SCHEMAS && !tainted.has(settingOf(k)) && (block === 'base' || isMapping(value[k])))) as Record<string, never>;
  };
  const studies = isMapping(raw.studies)
    ? Object.fromEntries(
        Object.entries(raw.studies)
          .filter(([name, s]) => !brokenStudies.has(name) && isMapping(s))
          .map(([name, s]): [string, StudyInput] => {
            const study = s as Record<string, unknown>;
            return [name, { base: keep(name, 'base', study.base), parameters: keep(name, 'parameters', study.parameters) }];
          }),
      )
    : undefined;
  return {
    name: typeof raw.name === 'string' && raw.name !== '' ? raw.name : undefined,
    base: keep(null, 'base', raw.base),
    parameters: keep(null, 'parameters', raw.parameters),
    studies,
  } as SweepFileInput;
}

function settingOf(key: PathSegment): string {
  return String(key).split('.')[0] as string;
}

function blockId(study: string | null, block: string): string {
  return `${study ?? ''}\n${block}`;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
