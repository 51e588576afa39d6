import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The module map's rules, checked on the sources: no import cycles, and each heavy dependency stays
 * behind its seam (TensorFlow.js in the trainer task, NATS in the transport, Ink and React in the
 * dashboard), so an embedded run never loads NATS and the orchestrator never loads a backend.
 */
const SRC = fileURLToPath(new URL('../src/', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** Static and dynamic import specifiers, type-only imports excluded (they vanish at run time). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s+(?!type\b)[^'"]*?from\s+'([^']+)'/gm)) specifiers.push(m[1]!);
  for (const m of text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)) specifiers.push(m[1]!);
  return specifiers;
}

const files = sourceFiles(SRC);
const rel = (file: string): string => relative(SRC, file).split('\\').join('/');

function localTarget(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier).replace(/\.js$/, '');
  return files.find((f) => f === `${base}.ts` || f === `${base}.tsx`);
}

describe('architecture', () => {
  it('has no import cycles', () => {
    const graph = new Map(files.map((f) => [f, importsOf(f).map((s) => localTarget(f, s)).filter((t): t is string => t !== undefined)]));
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') {
        cycles.push([...path.slice(path.indexOf(file)), file].map(rel).join(' -> '));
        return;
      }
      state.set(file, 'visiting');
      for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it.each([
    ['@tensorflow/', 'trainer/task/'],
    ['nats', 'transport/'],
    ['ink', 'tui/'],
    ['react', 'tui/'],
  ])('imports %s only under src/%s', (pkg, home) => {
    const offenders = files.filter((f) => !rel(f).startsWith(home) && importsOf(f).some((s) => s === pkg || s.startsWith(pkg.endsWith('/') ? pkg : `${pkg}/`)));
    expect(offenders.map(rel)).toEqual([]);
  });
});
